// Element-wise activations and their derivatives, side by side (FORMATS.md). Included by the
// kernels that fuse them; `kind` is always an override constant, so the switch folds away.
// Codes (kernels.ts ACTIVATION_CODE): 0 identity, 1 tanh, 2 sigmoid, 3 relu.

// tanh with a small error relative to the value, also near 0. Some drivers (SwiftShader among
// them) build tanh from exponentials, (e^2h − 1)/(e^2h + 1): its absolute error stays near 6e-8,
// which is 2 % of tanh(1e-6) and all of tanh(1e-9). Below |h| = 0.55 the odd Taylor series
// h − h³/3 + 2h⁵/15 − … (through h¹⁹; the rest is < 1e-9 of the value) stays within ≈ 1 ulp;
// above it the driver's absolute error is ≤ 2 ulps of |tanh h| ≥ 0.5. The clamp: an
// exponential form is NaN once e^2h overflows, and tanh(±10) rounds to ±1 in f32 anyway.
fn tanh_f32(h: f32) -> f32 {
  if (abs(h) >= 0.55) {
    return tanh(clamp(h, -10.0, 10.0));
  }
  let x2 = h * h;
  var p = -2.3912911424355248e-4;
  p = p * x2 + 5.90027440945586e-4;
  p = p * x2 - 1.4558343870513183e-3;
  p = p * x2 + 3.592128036572481e-3;
  p = p * x2 - 8.863235529902197e-3;
  p = p * x2 + 2.1869488536155203e-2;
  p = p * x2 - 5.396825396825397e-2;
  p = p * x2 + 0.13333333333333333;
  p = p * x2 - 0.3333333333333333;
  // h + h·(h²·p), not h·(1 + h²·p): a tiny h comes back exactly.
  return h + h * (x2 * p);
}

fn activate(kind: u32, h: f32) -> f32 {
  switch kind {
    case 1u: {
      return tanh_f32(h);
    }
    case 2u: {
      // Stable logistic: never exponentiate a large positive number. Near 0 the value is ≈ 1/2, so
      // exp's error is relative already (checked with tiny pre-activations in the conformance suite).
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
