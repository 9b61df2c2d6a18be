// Forward product of a dense layer, with bias and activation fused into the epilogue:
//   H = A W + 1 b,  A_next = act(H)
// A: n×p, W: p×q, b: 1×q, H and A_next: n×q, all row-major f32.
//
// Each workgroup computes a (WG_Y·4)×(WG_X·4) tile of H; each invocation a 4×4 register block
// whose rows/columns are strided by the workgroup size, so neighbouring invocations touch
// neighbouring addresses in global and workgroup memory. K is walked TILE_K at a time through
// workgroup memory; out-of-range elements load as 0, so any shape works.

//#include _activations.wgsl

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
override ACT: u32 = 0u;
// false for softmax layers: softmax-rows.wgsl writes A_next from H afterwards.
override STORE_A: bool = true;

const TM: u32 = 4u;
const TN: u32 = 4u;

struct Params {
  n: u32,
  p: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> a_in: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> h_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> a_out: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

// tile_a[r][k] holds A[row0 + r, k0 + k]; tile_b[k][c] holds W[k0 + k, col0 + c].
var<workgroup> tile_a: array<f32, WG_Y * TM * TILE_K>;
var<workgroup> tile_b: array<f32, TILE_K * WG_X * TN>;

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
  for (var k0 = 0u; k0 < p; k0 += TILE_K) {
    for (var l = li; l < tile_rows * TILE_K; l += threads) {
      let r = row0 + l / TILE_K;
      let k = k0 + l % TILE_K;
      var v = 0.0;
      if (r < n && k < p) {
        v = a_in[r * p + k];
      }
      tile_a[l] = v;
    }
    for (var l = li; l < TILE_K * tile_cols; l += threads) {
      let k = k0 + l / tile_cols;
      let c = col0 + l % tile_cols;
      var v = 0.0;
      if (k < p && c < q) {
        v = w[k * q + c];
      }
      tile_b[l] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var bv: array<f32, 4>;
      for (var j = 0u; j < TN; j++) {
        bv[j] = tile_b[k * tile_cols + lid.x + j * WG_X];
      }
      for (var i = 0u; i < TM; i++) {
        let av = tile_a[(lid.y + i * WG_Y) * TILE_K + k];
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] = fma(av, bv[j], acc[i * TN + j]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let r = row0 + lid.y + i * WG_Y;
    if (r >= n) {
      continue;
    }
    for (var j = 0u; j < TN; j++) {
      let c = col0 + lid.x + j * WG_X;
      if (c < q) {
        let h = acc[i * TN + j] + bias[c];
        h_out[r * q + c] = h;
        if (STORE_A) {
          a_out[r * q + c] = activate(ACT, h);
        }
      }
    }
  }
}
