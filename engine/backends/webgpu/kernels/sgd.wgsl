// In-place SGD step (PyTorch's form), element-wise over a parameter tensor:
//   d = grad + weight_decay · param
//   with momentum:  v = momentum · v + d;  d = v
//   param = param − lr · d

override WG: u32 = 256u;
override MOMENTUM: bool = false;

struct Params {
  count: u32,
  lr: f32,
  momentum: f32,
  weight_decay: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
// Without momentum this is bound to a placeholder and never touched.
@group(0) @binding(2) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  for (var k = gid.x; k < params.count; k += WG * groups.x) {
    let w = param[k];
    var d = grad[k] + params.weight_decay * w;
    if (MOMENTUM) {
      d = params.momentum * velocity[k] + d;
      velocity[k] = d;
    }
    param[k] = w - params.lr * d;
  }
}
