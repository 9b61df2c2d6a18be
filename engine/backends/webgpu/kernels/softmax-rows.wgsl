// Row-wise softmax of an output layer:  A[i, j] = exp(H[i, j] − max_i) / Σ_j exp(H[i, j] − max_i)
// H and A: n×p row-major f32. One invocation per row: softmax layers are class scores, a few to
// a few hundred columns, and one pass per row keeps the three sweeps in cache.

override WG: u32 = 64u;

struct Params {
  n: u32,
  p: u32,
}

@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read_write> a_out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.n) {
    return;
  }
  let p = params.p;
  let o = i * p;
  var m = h[o];
  for (var j = 1u; j < p; j++) {
    m = max(m, h[o + j]);
  }
  var s = 0.0;
  for (var j = 0u; j < p; j++) {
    let e = exp(h[o + j] - m);
    a_out[o + j] = e;
    s += e;
  }
  for (var j = 0u; j < p; j++) {
    a_out[o + j] = a_out[o + j] / s;
  }
}
