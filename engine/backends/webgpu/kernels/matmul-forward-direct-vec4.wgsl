// matmul-forward-direct.wgsl for shapes whose p and q are multiples of 4: A and W are read as
// vec4s, four k at a time, so each invocation does 16 vector multiply-adds per 8 loads instead of
// 4 per 8 (twice as fast on SwiftShader, where every load is a per-lane gather).
//   H = A W + 1 b,  A_next = act(H);  A: n×p, W: p×q, b: 1×q, H and A_next: n×q.

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

@group(0) @binding(0) var<storage, read> a_in: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> h_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> a_out: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = params.n;
  let p4 = params.p / 4u;
  let q4 = params.q / 4u;
  let r0 = gid.y * 4u;
  // This invocation's four columns are the vec4 gid.x of each row of W.
  if (r0 >= n || gid.x >= q4) {
    return;
  }
  let ra = vec4u(r0, min(r0 + 1u, n - 1u), min(r0 + 2u, n - 1u), min(r0 + 3u, n - 1u)) * p4;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k4 = 0u; k4 < p4; k4++) {
    let o = k4 * 4u * q4 + gid.x;
    let w0 = w[o];
    let w1 = w[o + q4];
    let w2 = w[o + 2u * q4];
    let w3 = w[o + 3u * q4];
    let x0 = a_in[ra.x + k4];
    let x1 = a_in[ra.y + k4];
    let x2 = a_in[ra.z + k4];
    let x3 = a_in[ra.w + k4];
    acc0 = fma(vec4f(x0.w), w3, fma(vec4f(x0.z), w2, fma(vec4f(x0.y), w1, fma(vec4f(x0.x), w0, acc0))));
    acc1 = fma(vec4f(x1.w), w3, fma(vec4f(x1.z), w2, fma(vec4f(x1.y), w1, fma(vec4f(x1.x), w0, acc1))));
    acc2 = fma(vec4f(x2.w), w3, fma(vec4f(x2.z), w2, fma(vec4f(x2.y), w1, fma(vec4f(x2.x), w0, acc2))));
    acc3 = fma(vec4f(x3.w), w3, fma(vec4f(x3.z), w2, fma(vec4f(x3.y), w1, fma(vec4f(x3.x), w0, acc3))));
  }
  // Scalar stores: on SwiftShader they measured faster than vec4 stores into array<vec4f>.
  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  let q = params.q;
  let c0 = gid.x * 4u;
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= n) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let c = c0 + j;
      let h = acc[i][j] + bias[c];
      h_out[r * q + c] = h;
      if (STORE_A) {
        a_out[r * q + c] = activate(ACT, h);
      }
    }
  }
}
