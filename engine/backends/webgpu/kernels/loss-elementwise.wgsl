// Element-wise losses (sse, mse) and the output layer's gradient, in one sweep:
//   G = act'(H, F) ⊙ GRAD_SCALE·(F − Y)      (GRAD_SCALE: 1 for sse, 2/(n·p) for mse)
//   partials[w] = Σ (F − Y)² over the elements workgroup w visited
// reduce-loss.wgsl then adds the partials and applies the loss's scale. H, F, Y, G: n×p f32.
// A fixed grid of workgroups strides over the elements, then a tree in workgroup memory sums
// each workgroup's share: the order of additions never depends on timing.

//#include _activations.wgsl

override WG: u32 = 256u;
override ACT: u32 = 0u;

struct Params {
  count: u32,
  grad_scale: f32,
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
  var s = 0.0;
  for (var k = gid.x; k < params.count; k += WG * groups.x) {
    let fk = f[k];
    let d = fk - y[k];
    s += d * d;
    // Same order of operations as the reference: act' · (scale · (F − Y)).
    g_out[k] = activation_derivative(ACT, h[k], fk) * (params.grad_scale * d);
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
