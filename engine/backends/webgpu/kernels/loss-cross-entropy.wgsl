// Cross-entropy on a softmax output and its gradient (FORMATS.md):
//   per row i:  Σ_j −Y[i, j] (H[i, j] − logsumexp(H[i, :]))     (terms with Y = 0 skipped)
//   G = (F − Y) / n
//   partials[w] = sum of the row terms workgroup w visited
// reduce-loss.wgsl adds the partials and divides by n. H (logits), F = softmax(H), Y, G: n×p f32.
// The loss is taken from the logits, not log F, so a confident wrong class costs its true value
// instead of log(0) = −∞.

override WG: u32 = 64u;

struct Params {
  n: u32,
  p: u32,
}

@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> f: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> g_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(local_invocation_index) li: u32,
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
) {
  let p = params.p;
  let n_f = f32(params.n);
  var s = 0.0;
  for (var i = gid.x; i < params.n; i += WG * groups.x) {
    let o = i * p;
    var m = h[o];
    for (var j = 1u; j < p; j++) {
      m = max(m, h[o + j]);
    }
    var e = 0.0;
    for (var j = 0u; j < p; j++) {
      e += exp(h[o + j] - m);
    }
    let lse = m + log(e);
    for (var j = 0u; j < p; j++) {
      let yj = y[o + j];
      if (yj != 0.0) {
        s -= yj * (h[o + j] - lse);
      }
      g_out[o + j] = (f[o + j] - yj) / n_f;
    }
  }
  sums[li] = s;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (li < half) {
      sums[li] += sums[li + half];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    partials[wg.x] = sums[0];
  }
}
