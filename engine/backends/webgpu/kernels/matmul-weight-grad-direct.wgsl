// matmul-weight-grad.wgsl for CPU-emulated adapters (see matmul-forward-direct.wgsl for why):
//   ∂L/∂W = Aᵀ G
// A: n×p, G: n×q, dW: p×q. Each invocation computes a 4×4 block of dW, walking the n samples:
// four neighbouring elements of a row of A times four of the same row of G.

override WG_X: u32 = 4u;
override WG_Y: u32 = 4u;

struct Params {
  n: u32,
  p: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> a_in: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = params.n;
  let p = params.p;
  let q = params.q;
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= p || c0 >= q) {
    return;
  }
  let ra = vec4u(r0, min(r0 + 1u, p - 1u), min(r0 + 2u, p - 1u), min(r0 + 3u, p - 1u));
  let cg = vec4u(c0, min(c0 + 1u, q - 1u), min(c0 + 2u, q - 1u), min(c0 + 3u, q - 1u));
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var i = 0u; i < n; i++) {
    let oa = i * p;
    let og = i * q;
    let gv = vec4f(g[og + cg.x], g[og + cg.y], g[og + cg.z], g[og + cg.w]);
    acc0 = fma(vec4f(a_in[oa + ra.x]), gv, acc0);
    acc1 = fma(vec4f(a_in[oa + ra.y]), gv, acc1);
    acc2 = fma(vec4f(a_in[oa + ra.z]), gv, acc2);
    acc3 = fma(vec4f(a_in[oa + ra.w]), gv, acc3);
  }
  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= p) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let c = c0 + j;
      if (c < q) {
        dw[r * q + c] = acc[i][j];
      }
    }
  }
}
