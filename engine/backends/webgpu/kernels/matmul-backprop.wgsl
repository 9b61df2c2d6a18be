// Backpropagation through a dense layer, with the previous layer's activation derivative fused
// into the epilogue:
//   D = G Wᵀ               (∂L/∂A_i; for layer 0 this is ∂L/∂X)
//   G_prev = act'(H_prev, A_prev) ⊙ D   when PREV_ACT names an activation
// G: n×q, W: p×q, H_prev and A_prev: n×p, out: n×p, all row-major f32. W is read along its rows
// (coalesced) and transposed while it is staged in workgroup memory. Same tiling as
// matmul-forward.wgsl.

//#include _activations.wgsl

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
// 0..3 = activation code of the previous layer; NO_PREV (4) = no derivative (∂L/∂X).
override PREV_ACT: u32 = 4u;

const NO_PREV: u32 = 4u;
const TM: u32 = 4u;
const TN: u32 = 4u;

struct Params {
  n: u32,
  p: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
// Without a previous layer these two are bound to a placeholder and never read.
@group(0) @binding(2) var<storage, read> h_prev: array<f32>;
@group(0) @binding(3) var<storage, read> a_prev: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

// tile_g[r][k] holds G[row0 + r, k0 + k]; tile_w[k][c] holds W[col0 + c, k0 + k] (= Wᵀ[k0 + k, col0 + c]).
var<workgroup> tile_g: array<f32, WG_Y * TM * TILE_K>;
var<workgroup> tile_w: array<f32, TILE_K * WG_X * TN>;

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
  for (var k0 = 0u; k0 < q; k0 += TILE_K) {
    for (var l = li; l < tile_rows * TILE_K; l += threads) {
      let r = row0 + l / TILE_K;
      let k = k0 + l % TILE_K;
      var v = 0.0;
      if (r < n && k < q) {
        v = g[r * q + k];
      }
      tile_g[l] = v;
    }
    for (var l = li; l < tile_cols * TILE_K; l += threads) {
      let c = l / TILE_K;
      let k = l % TILE_K;
      var v = 0.0;
      if (col0 + c < p && k0 + k < q) {
        v = w[(col0 + c) * q + k0 + k];
      }
      tile_w[k * tile_cols + c] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var wv: array<f32, 4>;
      for (var j = 0u; j < TN; j++) {
        wv[j] = tile_w[k * tile_cols + lid.x + j * WG_X];
      }
      for (var i = 0u; i < TM; i++) {
        let gv = tile_g[(lid.y + i * WG_Y) * TILE_K + k];
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] = fma(gv, wv[j], acc[i * TN + j]);
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
      if (c < p) {
        let at = r * p + c;
        var v = acc[i * TN + j];
        if (PREV_ACT != NO_PREV) {
          v = activation_derivative(PREV_ACT, h_prev[at], a_prev[at]) * v;
        }
        out[at] = v;
      }
    }
  }
}
