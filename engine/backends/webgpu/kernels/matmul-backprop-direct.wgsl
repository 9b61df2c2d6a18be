// matmul-backprop.wgsl for CPU-emulated adapters (see matmul-forward-direct.wgsl for why):
//   D = G Wᵀ;  G_prev = act'(H_prev, A_prev) ⊙ D  when PREV_ACT names an activation
// G: n×q, W: p×q, out: n×p. Each invocation computes a 4×4 block of the output, walking k along
// four rows of G and four rows of W (both contiguous in memory).

//#include _activations.wgsl

override WG_X: u32 = 4u;
override WG_Y: u32 = 4u;
override PREV_ACT: u32 = 4u;

const NO_PREV: u32 = 4u;

struct Params {
  n: u32,
  p: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> h_prev: array<f32>;
@group(0) @binding(3) var<storage, read> a_prev: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = params.n;
  let p = params.p;
  let q = params.q;
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= n || c0 >= p) {
    return;
  }
  let rg = vec4u(r0, min(r0 + 1u, n - 1u), min(r0 + 2u, n - 1u), min(r0 + 3u, n - 1u)) * q;
  let rw = vec4u(c0, min(c0 + 1u, p - 1u), min(c0 + 2u, p - 1u), min(c0 + 3u, p - 1u)) * q;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k = 0u; k < q; k++) {
    let wv = vec4f(w[rw.x + k], w[rw.y + k], w[rw.z + k], w[rw.w + k]);
    acc0 = fma(vec4f(g[rg.x + k]), wv, acc0);
    acc1 = fma(vec4f(g[rg.y + k]), wv, acc1);
    acc2 = fma(vec4f(g[rg.z + k]), wv, acc2);
    acc3 = fma(vec4f(g[rg.w + k]), wv, acc3);
  }
  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= n) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let c = c0 + j;
      if (c < p) {
        let at = r * p + c;
        var v = acc[i][j];
        if (PREV_ACT != NO_PREV) {
          v = activation_derivative(PREV_ACT, h_prev[at], a_prev[at]) * v;
        }
        out[at] = v;
      }
    }
  }
}
