// In-place Adam step (PyTorch's form, coupled weight decay, bias-corrected):
//   d = grad + weight_decay · param
//   m = β1 m + (1 − β1) d;  v = β2 v + (1 − β2) d²
//   param = param − lr · (m / c1) / (sqrt(v / c2) + eps)
// c1 = 1 − β1^t and c2 = 1 − β2^t come from the host in double precision: in f32, 1 − 0.999
// would lose ten bits to cancellation.

override WG: u32 = 256u;

struct Params {
  count: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  c1: f32,
  c2: f32,
  weight_decay: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  for (var k = gid.x; k < params.count; k += WG * groups.x) {
    let w = param[k];
    let d = grad[k] + params.weight_decay * w;
    let mk = params.beta1 * m[k] + params.one_minus_beta1 * d;
    let vk = params.beta2 * v[k] + params.one_minus_beta2 * d * d;
    m[k] = mk;
    v[k] = vk;
    let m_hat = mk / params.c1;
    let v_hat = vk / params.c2;
    param[k] = w - (params.lr * m_hat) / (sqrt(v_hat) + params.eps);
  }
}
