// matmul-forward.wgsl for CPU-emulated adapters (SwiftShader): same math, same bindings,
//   H = A W + 1 b,  A_next = act(H)
// but no workgroup memory and no barriers. SwiftShader runs a workgroup's invocations as
// coroutines and pays a switch for every one at each barrier, which made the tiled kernel ten
// times slower there; caches do the tiling's job on a CPU. Each invocation computes a 4×4 block
// from four rows of A and four columns of W; out-of-range rows/columns are clamped to the last
// one (computed and discarded) so the loop has no branches.

//#include _activations.wgsl

override WG_X: u32 = 4u;
override WG_Y: u32 = 4u;
override ACT: u32 = 0u;
override STORE_A: bool = true;

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

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = params.n;
  let p = params.p;
  let q = params.q;
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= n || c0 >= q) {
    return;
  }
  let ra = vec4u(r0, min(r0 + 1u, n - 1u), min(r0 + 2u, n - 1u), min(r0 + 3u, n - 1u)) * p;
  let cb = vec4u(c0, min(c0 + 1u, q - 1u), min(c0 + 2u, q - 1u), min(c0 + 3u, q - 1u));
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k = 0u; k < p; k++) {
    let o = k * q;
    let wv = vec4f(w[o + cb.x], w[o + cb.y], w[o + cb.z], w[o + cb.w]);
    acc0 = fma(vec4f(a_in[ra.x + k]), wv, acc0);
    acc1 = fma(vec4f(a_in[ra.y + k]), wv, acc1);
    acc2 = fma(vec4f(a_in[ra.z + k]), wv, acc2);
    acc3 = fma(vec4f(a_in[ra.w + k]), wv, acc3);
  }
  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= n) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let c = c0 + j;
      if (c < q) {
        let h = acc[i][j] + bias[c];
        h_out[r * q + c] = h;
        if (STORE_A) {
          a_out[r * q + c] = activate(ACT, h);
        }
      }
    }
  }
}
