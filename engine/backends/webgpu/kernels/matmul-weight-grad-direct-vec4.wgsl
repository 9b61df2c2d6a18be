// matmul-weight-grad-direct.wgsl for shapes whose p and q are multiples of 4 (see
// matmul-forward-direct-vec4.wgsl for why): ∂L/∂W = Aᵀ G with A: n×p, G: n×q, dW: p×q.
// Per sample, four neighbouring elements of a row of A and of G are each one vec4 load.

override WG_X: u32 = 4u;
override WG_Y: u32 = 4u;

struct Params {
  n: u32,
  p: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> a_in: array<vec4f>;
@group(0) @binding(1) var<storage, read> g: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = params.n;
  let q = params.q;
  let p4 = params.p / 4u;
  let q4 = q / 4u;
  // Rows gid.y·4 … +3 and columns gid.x·4 … +3 of dW: the vec4s gid.y of A's rows and gid.x of G's.
  if (gid.y >= p4 || gid.x >= q4) {
    return;
  }
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var i = 0u; i < n; i++) {
    let av = a_in[i * p4 + gid.y];
    let gv = g[i * q4 + gid.x];
    acc0 = fma(vec4f(av.x), gv, acc0);
    acc1 = fma(vec4f(av.y), gv, acc1);
    acc2 = fma(vec4f(av.z), gv, acc2);
    acc3 = fma(vec4f(av.w), gv, acc3);
  }
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      dw[(r0 + i) * q + c0 + j] = acc[i][j];
    }
  }
}
