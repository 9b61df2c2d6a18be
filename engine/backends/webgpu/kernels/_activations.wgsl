// Element-wise activations and their derivatives, side by side (FORMATS.md). Included by the
// kernels that fuse them; `kind` is always an override constant, so the switch folds away.
// Codes (kernels.ts ACTIVATION_CODE): 0 identity, 1 tanh, 2 sigmoid, 3 relu.

fn activate(kind: u32, h: f32) -> f32 {
  switch kind {
    case 1u: {
      // Some drivers compute tanh as (e^2x − 1)/(e^2x + 1), which is NaN once e^2x overflows;
      // tanh(±10) already rounds to ±1 in f32, so clamping changes no result.
      return tanh(clamp(h, -10.0, 10.0));
    }
    case 2u: {
      // Stable logistic: never exponentiate a large positive number.
      if (h >= 0.0) {
        return 1.0 / (1.0 + exp(-h));
      }
      let e = exp(h);
      return e / (1.0 + e);
    }
    case 3u: {
      return select(0.0, h, h > 0.0);
    }
    default: {
      return h;
    }
  }
}

// act'(h) from what the forward pass stored: h and a = act(h). relu'(0) = 0, as in PyTorch.
fn activation_derivative(kind: u32, h: f32, a: f32) -> f32 {
  switch kind {
    case 1u: {
      return 1.0 - a * a;
    }
    case 2u: {
      return a * (1.0 - a);
    }
    case 3u: {
      return select(0.0, 1.0, h > 0.0);
    }
    default: {
      return 1.0;
    }
  }
}
