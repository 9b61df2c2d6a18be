// Final step of a loss: loss[0] = scale · Σ partials (the per-workgroup sums written by
// loss-elementwise.wgsl or loss-cross-entropy.wgsl). One workgroup, tree summation.

override WG: u32 = 64u;

struct Params {
  count: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var k = li; k < params.count; k += WG) {
    s += partials[k];
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
    loss[0] = params.scale * sums[0];
  }
}
