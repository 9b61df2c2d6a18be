// matmul-backprop-direct.wgsl for shapes whose q is a multiple of 4 (see
// matmul-forward-direct-vec4.wgsl for why):
//   D = G Wᵀ;  G_prev = act'(H_prev, A_prev) ⊙ D  when PREV_ACT names an activation
// G: n×q, W: p×q, out: n×p. The sum runs along rows of both G and W, four k at a time.

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

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> h_prev: array<f32>;
@group(0) @binding(3) var<storage, read> a_prev: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = params.n;
  let p = params.p;
  let q4 = params.q / 4u;
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= n || c0 >= p) {
    return;
  }
  let rg = vec4u(r0, min(r0 + 1u, n - 1u), min(r0 + 2u, n - 1u), min(r0 + 3u, n - 1u)) * q4;
  let rw = vec4u(c0, min(c0 + 1u, p - 1u), min(c0 + 2u, p - 1u), min(c0 + 3u, p - 1u)) * q4;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k4 = 0u; k4 < q4; k4++) {
    let w0 = w[rw.x + k4];
    let w1 = w[rw.y + k4];
    let w2 = w[rw.z + k4];
    let w3 = w[rw.w + k4];
    let g0 = g[rg.x + k4];
    let g1 = g[rg.y + k4];
    let g2 = g[rg.z + k4];
    let g3 = g[rg.w + k4];
    acc0 += vec4f(dot(g0, w0), dot(g0, w1), dot(g0, w2), dot(g0, w3));
    acc1 += vec4f(dot(g1, w0), dot(g1, w1), dot(g1, w2), dot(g1, w3));
    acc2 += vec4f(dot(g2, w0), dot(g2, w1), dot(g2, w2), dot(g2, w3));
    acc3 += vec4f(dot(g3, w0), dot(g3, w1), dot(g3, w2), dot(g3, w3));
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
