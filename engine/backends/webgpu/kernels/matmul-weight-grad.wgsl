// Weight gradient of a dense layer:  ∂L/∂W = Aᵀ G
// A: n×p (the layer's input), G: n×q (∂L/∂H), dW: p×q, all row-major f32. The sum runs over the
// n samples, so both operands are read along their rows (coalesced) and A is transposed while
// it is staged in workgroup memory. Same tiling as matmul-forward.wgsl.

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;

const TM: u32 = 4u;
const TN: u32 = 4u;

struct Params {
  n: u32,
  p: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> a_in: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// tile_a[k][r] holds A[k0 + k, row0 + r] (= Aᵀ[row0 + r, k0 + k]); tile_g[k][c] holds G[k0 + k, col0 + c].
var<workgroup> tile_a: array<f32, TILE_K * WG_Y * TM>;
var<workgroup> tile_g: array<f32, TILE_K * WG_X * TN>;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) li: u32,
) {
  let n = params.n;
  let p = params.p;
  let q = params.q;
  let tile_rows = WG_Y * TM;
  let tile_cols = WG_X * TN;
  let row0 = wg.y * tile_rows;
  let col0 = wg.x * tile_cols;
  let threads = WG_X * WG_Y;

  var acc: array<f32, TM * TN>;
  for (var k0 = 0u; k0 < n; k0 += TILE_K) {
    for (var l = li; l < TILE_K * tile_rows; l += threads) {
      let k = k0 + l / tile_rows;
      let r = row0 + l % tile_rows;
      var v = 0.0;
      if (k < n && r < p) {
        v = a_in[k * p + r];
      }
      tile_a[l] = v;
    }
    for (var l = li; l < TILE_K * tile_cols; l += threads) {
      let k = k0 + l / tile_cols;
      let c = col0 + l % tile_cols;
      var v = 0.0;
      if (k < n && c < q) {
        v = g[k * q + c];
      }
      tile_g[l] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var gv: array<f32, 4>;
      for (var j = 0u; j < TN; j++) {
        gv[j] = tile_g[k * tile_cols + lid.x + j * WG_X];
      }
      for (var i = 0u; i < TM; i++) {
        let av = tile_a[k * tile_rows + lid.y + i * WG_Y];
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] = fma(av, gv[j], acc[i * TN + j]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let r = row0 + lid.y + i * WG_Y;
    if (r >= p) {
      continue;
    }
    for (var j = 0u; j < TN; j++) {
      let c = col0 + lid.x + j * WG_X;
      if (c < q) {
        dw[r * q + c] = acc[i * TN + j];
      }
    }
  }
}
