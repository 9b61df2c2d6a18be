/**
 * How far a float32 backend may be from the float64 reference, op by op, and why.
 *
 * Every bound here is an error *bound* computed per element from the magnitudes of what was
 * summed, never a fixed atol/rtol: a fixed tolerance is either too loose for small values (and
 * hides bugs) or too tight for long sums (and fails correct kernels). The conformance suite feeds
 * both backends identical inputs that are exactly representable in float32, so the only error
 * left is the f32 arithmetic of the backend under test (the f64 reference is exact to ~1e-16,
 * negligible against u32 below).
 *
 * Notation: u = 2⁻²⁴ is the unit roundoff of float32 (half an ulp of 1; one rounding of x has
 * |fl(x) − x| ≤ u|x|).
 */

/** Unit roundoff of IEEE float32 (round to nearest). */
export const U32 = 2 ** -24;

/**
 * Dot products s = Σ_k a_k b_k (+ bias) of k terms. The worst case is |Δs| ≤ γ_k Σ|a_k||b_k| with
 * γ_k ≈ k·u (Higham, Accuracy and Stability §3.1), reached only when every rounding has the same
 * sign; rounding errors of a sum behave like a random walk, so with overwhelming probability
 * |Δs| ≤ λ·√k·u·Σ|a_k||b_k| (Higham & Mary 2019, "A new approach to probabilistic rounding error
 * analysis"). λ = 4 is ≳7 standard deviations of that walk. Blocked or tree-shaped summation and
 * fused multiply-add only make the error smaller, so one bound serves every kernel shape (i-k-j
 * loops, register tiles, WGSL workgroup tiles, SIMD lanes).
 */
export const DOT_LAMBDA = 4;

/**
 * Element-wise transcendental functions (exp, tanh, sigmoid) are not correctly rounded in f32:
 * JS engines round a double result to f32 (≤ 1 ulp), but WGSL only promises exp to 3 + 2|x| ulp
 * and defines tanh through sinh/cosh (absolute error, not relative, near 0), and SwiftShader uses
 * polynomial approximations. We allow ACT_ULPS ulps of the output's scale.
 */
export const ACT_ULPS = 16;

/** Flush-to-zero of subnormals (GPUs may do it): any value below this may come back as 0. */
export const SUBNORMAL_FLOOR = 2 ** -126;

/** Bound for a k-term dot product whose summands have absolute sum `absSum`. */
export function dotBound(k: number, absSum: number): number {
  return DOT_LAMBDA * Math.sqrt(Math.max(1, k)) * U32 * absSum + k * SUBNORMAL_FLOOR;
}

/** A few roundings of element-wise arithmetic on values of magnitude `mag` (c = number of ops). */
export function elementwiseBound(ops: number, mag: number): number {
  return 2 * ops * U32 * mag + SUBNORMAL_FLOOR;
}

/**
 * Lipschitz constant of each element-wise activation: an error δ in H moves act(H) by at most
 * L·δ (tanh' ≤ 1, sigmoid' ≤ ¼, relu and identity 1). Softmax is handled row-wise by the suite:
 * ∂s_i/∂h_j = s_i(δ_ij − s_j), so |Δs_i| ≤ 2 s_i max_j |Δh_j|.
 */
export const ACTIVATION_LIPSCHITZ = { identity: 1, tanh: 1, sigmoid: 0.25, relu: 1 } as const;

/**
 * Extra error of computing act(h) itself in f32, on top of the error already in h: identity and
 * relu are exact; tanh and sigmoid lie in [−1, 1] so ACT_ULPS ulps of 1 bound them absolutely.
 */
export function activationOwnBound(kind: 'identity' | 'tanh' | 'sigmoid' | 'relu', a: number): number {
  if (kind === 'identity' || kind === 'relu') return 0;
  return ACT_ULPS * U32 * Math.max(1, Math.abs(a));
}

/**
 * Softmax of a row computed in f32: each exp(h_j − max) has relative error ≤ (ACT_ULPS + 2|h_j − max|)·u
 * (WGSL's exp allowance grows with |x|), the row sum adds √p·u relative, the division one more.
 */
export function softmaxOwnBound(s: number, hMinusMax: number, p: number): number {
  return (
    (2 * (ACT_ULPS + 2 * Math.abs(hMinusMax)) + DOT_LAMBDA * Math.sqrt(p) + 2) * U32 * Math.abs(s) + SUBNORMAL_FLOOR
  );
}

/**
 * How much rounding the derivative act'(h, a) itself may add, relative to the factor it multiplies:
 * 1 − a² costs ~(1 + a²)·u, a(1 − a) costs ~|a|(1 + |a|)·u; identity and relu are exact (0 or 1).
 */
export function derivativeRoundingMagnitude(kind: 'identity' | 'tanh' | 'sigmoid' | 'relu', a: number): number {
  switch (kind) {
    case 'identity':
    case 'relu':
      return 0;
    case 'tanh':
      return 1 + a * a;
    case 'sigmoid':
      return Math.abs(a) * (1 + Math.abs(a));
  }
}

/**
 * Whole training sequences (several forward/backward/update steps) compound every op's error, and
 * the chain of layers multiplies it by the condition of the network (products of |W| and act').
 * We compare normwise: ‖Δ‖_F / ‖ref‖_F ≤ steps · λ√k_max · u · SEQUENCE_AMPLIFICATION, where the
 * amplification 64 allows for the depth and conditioning of the small nets the suite trains
 * (measured: cpu-f32 stays 5-20× below this bound); a wrong op (transpose, missing derivative,
 * stale buffer) is off by ≫ 1e-3 relative and fails at once.
 */
export const SEQUENCE_AMPLIFICATION = 64;

export function sequenceRelativeBound(steps: number, kMax: number): number {
  return steps * DOT_LAMBDA * Math.sqrt(kMax) * U32 * SEQUENCE_AMPLIFICATION;
}
