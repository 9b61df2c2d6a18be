/**
 * How far float32 rounding can move each element of an f32 backend's ∂L/∂W_i and ∂L/∂b_i, so that
 * the gradient check can tell rounding from a bug.
 *
 * An f32 ∂L/∂W_i = A_iᵀG_i is a sum of products, so its rounding error scales with the magnitudes
 * summed, not with the result. Where the sum cancels (a trained net: the residual F − Y, and so every
 * G_i, is small next to the activations that produced it), a correct f32 gradient can be off by more
 * than 100 % of itself. The A_i and G_i that go in are rounded too, by amounts that grow through the
 * layers. This module estimates the standard deviation σ of that error per element, in float64, from
 * the reference forward/backward values (u = 2⁻²⁴, the f32 unit roundoff):
 *
 *   forward   V(H_i) = V(A_i)·W_i² + u²(|A_i||W_i| + |b_i|)²,  V(A_{i+1}) = act'(H_i)²·V(H_i) + u²A_{i+1}²
 *   output    the rounding of each F_nj moves G_{L-1} by ∂G/∂F·δF_nj; that error reaches every unit of
 *             sample n alike, so it is carried back *signed* (act' ⊙ (δG W_iᵀ)), one output column at
 *             a time, and only then squared; independent errors (per sample, per output, per dot
 *             product) add as variances
 *   backward  V(G_{i-1}) = act'² ⊙ (V(G_i)·W_i²ᵀ + u²(|G_i||W_i|ᵀ)²) + act''² ⊙ V(H_{i-1}) ⊙ (G_iW_iᵀ)² + u²G_{i-1}²
 *   result    V(∂L/∂W_i) = (A_i²)ᵀV(G_i) + V(A_i)ᵀG_i² + u²(|A_i|ᵀ|G_i|)²,  V(∂L/∂b_i) = 1ᵀV(G_i) + u²(1ᵀ|G_i|)²
 *
 * (softmax output: V(F) = F²·(4·max_row V(H) + u²).) Measured against cpu-f32 and webgpu-f32, real
 * errors stay within ~11σ, also on the trained x·sin(4πx) net whose gradients are off by up to 170 %;
 * gradcheck allows `roundingSigmas` (default 32) σ for f32 gradients.
 */
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type FloatArray, type Matrix, matrix } from '../core/matrix.js';
import { activationDerivative as derivative } from '../model/activations.js';
import type { Activation, ModelSpec } from '../model/spec.js';
import { forwardBackward } from '../train/forward-backward.js';
import type { ParameterSet } from '../train/types.js';

/** Unit roundoff of float32 (half an ulp of 1). */
export const F32_UNIT_ROUNDOFF = 2 ** -24;

export interface RoundingScale {
  /** σ of the f32 rounding error of each element of ∂L/∂W_i (p_i × p_{i+1}). */
  readonly W: readonly Matrix[];
  /** σ of each element of ∂L/∂b_i (1 × p_{i+1}). */
  readonly b: readonly Matrix[];
}

/** |act''(h)| written with a = act(h) (0 for the piecewise-linear ones). */
function secondDerivative(act: Exclude<Activation, 'softmax'>, a: number): number {
  switch (act) {
    case 'tanh':
      return 2 * Math.abs(a) * (1 - a * a);
    case 'sigmoid':
      return Math.abs(a * (1 - a) * (1 - 2 * a));
    default:
      return 0;
  }
}

const abs = (m: Matrix<FloatArray>): Matrix => ({
  rows: m.rows,
  cols: m.cols,
  data: Float64Array.from(m.data, Math.abs),
});

/** a·b (all non-negative here): n×p times p×q. */
function mul(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k]!;
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j]! += x * b.data[k * b.cols + j]!;
    }
  return out;
}

/** aᵀ·b: (n×p)ᵀ times n×q. */
function mulTA(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.cols, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k]!;
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[k * b.cols + j]! += x * b.data[i * b.cols + j]!;
    }
  return out;
}

/** a·bᵀ: n×q times (p×q)ᵀ. */
function mulBT(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < b.rows; k++) {
      let s = 0;
      for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j]! * b.data[k * b.cols + j]!;
      out.data[i * b.rows + k] = s;
    }
  return out;
}

/** The estimated f32 rounding error σ of every element of ∂L/∂W_i and ∂L/∂b_i (see the module comment). */
export async function roundingScale(
  spec: ModelSpec,
  params: ParameterSet,
  X: Matrix<FloatArray>,
  Y: Matrix<FloatArray>,
): Promise<RoundingScale> {
  const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
  const L = spec.layers.length;
  const n = X.rows;
  const u2 = F32_UNIT_ROUNDOFF * F32_UNIT_ROUNDOFF;
  const sq = (m: Matrix<FloatArray>): Matrix => ({
    rows: m.rows,
    cols: m.cols,
    data: Float64Array.from(m.data, (x) => x * x),
  });
  const W2 = params.W.map(sq);
  // Forward: variance of the rounding error of H_i and of each layer's output.
  const VA: Matrix[] = [sq(X)];
  for (let k = 0; k < VA[0]!.data.length; k++) VA[0]!.data[k]! *= u2;
  const VH: Matrix[] = [];
  for (let i = 0; i < L; i++) {
    const A = i === 0 ? X : fb.layers[i]!.A;
    const H = fb.layers[i]!.H;
    const vh = mul(VA[i]!, W2[i]!); // errors coming in, through W_i
    const local = mul(abs(A), abs(params.W[i]!)); // this dot product's own rounding, Σ|terms|
    const bias = params.b[i]!.data;
    for (let k = 0; k < vh.data.length; k++) {
      const terms = local.data[k]! + Math.abs(bias[k % vh.cols]!);
      vh.data[k]! += u2 * terms * terms;
    }
    VH.push(vh);
    const act = spec.layers[i]!.activation;
    const out = i + 1 < L ? fb.layers[i + 1]!.A : fb.output;
    const va = matrix(vh.rows, vh.cols);
    if (act === 'softmax') {
      for (let r = 0; r < vh.rows; r++) {
        let m = 0;
        for (let j = 0; j < vh.cols; j++) m = Math.max(m, vh.data[r * vh.cols + j]!);
        for (let j = 0; j < vh.cols; j++) {
          const f = out.data[r * vh.cols + j]!;
          va.data[r * vh.cols + j] = f * f * (4 * m + u2);
        }
      }
    } else {
      for (let k = 0; k < va.data.length; k++) {
        const d = derivative(act, H.data[k]!, out.data[k]!);
        va.data[k] = d * d * vh.data[k]! + u2 * out.data[k]! * out.data[k]!;
      }
    }
    VA.push(va);
  }
  // The output layer's G, moved by the rounding of F (and of H through act'').
  const VG: Matrix[] = new Array<Matrix>(L);
  let dG: Matrix;
  {
    const last = spec.layers[L - 1]!.activation;
    const G = fb.layers[L - 1]!.G;
    const F = fb.output;
    const H = fb.layers[L - 1]!.H;
    const vg = sq(G);
    for (let k = 0; k < vg.data.length; k++) vg.data[k]! *= u2;
    // The rounding of each output F_nj moves G_{L-1} by dG·δF_nj; that error then travels back through
    // every layer coherently (the same δF_nj feeds every unit of sample n), so it is propagated signed,
    // one output column at a time, below, rather than as a variance.
    dG = matrix(G.rows, G.cols);
    if (last === 'softmax') {
      for (let k = 0; k < vg.data.length; k++) dG.data[k] = Math.sqrt(VA[L]!.data[k]!) / n;
    } else {
      const scale = spec.loss === 'mse' ? 2 / (n * F.cols) : 1; // ∂L/∂F = scale·(F − Y)
      for (let k = 0; k < vg.data.length; k++) {
        dG.data[k] = derivative(last, H.data[k]!, F.data[k]!) * scale * Math.sqrt(VA[L]!.data[k]!);
        const dd = secondDerivative(last, F.data[k]!) * scale * Math.abs(F.data[k]! - Y.data[k]!);
        vg.data[k]! += dd * dd * VH[L - 1]!.data[k]!;
      }
    }
    VG[L - 1] = vg;
  }
  const coherent = outputErrorVariance(spec, params, fb, dG);
  // Backward: G_{i-1} = act'(H_{i-1}) ⊙ (G_i W_iᵀ).
  for (let i = L - 1; i >= 1; i--) {
    const act = spec.layers[i - 1]!.activation as Exclude<Activation, 'softmax'>;
    const back = mulBT(VG[i]!, W2[i]!);
    const local = mulBT(abs(fb.layers[i]!.G), abs(params.W[i]!));
    const exact = mulBT(fb.layers[i]!.G, params.W[i]!); // ∂L/∂A_i
    const H = fb.layers[i - 1]!.H;
    const A = fb.layers[i]!.A;
    const vg = matrix(back.rows, back.cols);
    for (let k = 0; k < vg.data.length; k++) {
      const d = derivative(act, H.data[k]!, A.data[k]!);
      const dd = secondDerivative(act, A.data[k]!) * Math.abs(exact.data[k]!);
      const g = d * exact.data[k]!;
      vg.data[k] =
        d * d * (back.data[k]! + u2 * local.data[k]! * local.data[k]!) + dd * dd * VH[i - 1]!.data[k]! + u2 * g * g;
    }
    VG[i - 1] = vg;
  }
  for (let i = 0; i < L; i++) for (let k = 0; k < VG[i]!.data.length; k++) VG[i]!.data[k]! += coherent[i]!.data[k]!;
  // ∂L/∂W_i = A_iᵀ G_i: errors of A_i and G_i carried in, plus the product's own rounding.
  const W = VG.map((vg, i) => {
    const A = i === 0 ? X : fb.layers[i]!.A;
    const G = fb.layers[i]!.G;
    const v = mulTA(sq(A), vg);
    const carried = mulTA(VA[i]!, sq(G));
    const local = mulTA(abs(A), abs(G));
    for (let k = 0; k < v.data.length; k++)
      v.data[k] = Math.sqrt(v.data[k]! + carried.data[k]! + u2 * local.data[k]! ** 2);
    return v;
  });
  const b = VG.map((vg, i) => {
    const G = fb.layers[i]!.G;
    const v = matrix(1, vg.cols);
    const local = matrix(1, vg.cols);
    for (let k = 0; k < vg.data.length; k++) {
      v.data[k % vg.cols]! += vg.data[k]!;
      local.data[k % vg.cols]! += Math.abs(G.data[k]!);
    }
    for (let j = 0; j < v.data.length; j++) v.data[j] = Math.sqrt(v.data[j]! + u2 * local.data[j]! ** 2);
    return v;
  });
  return { W, b };
}

/**
 * Variance of each G_i from independent output errors: column j of dG (the error of G_{L-1} caused by
 * the rounding of F_·j) backpropagated signed through act' and W_iᵀ, squared, summed over j.
 */
function outputErrorVariance(
  spec: ModelSpec,
  params: ParameterSet,
  fb: Awaited<ReturnType<typeof forwardBackward>>,
  dG: Matrix,
): Matrix[] {
  const L = spec.layers.length;
  const total: Matrix[] = fb.layers.map((l) => matrix(l.G.rows, l.G.cols));
  for (let j = 0; j < dG.cols; j++) {
    let d = matrix(dG.rows, dG.cols);
    for (let r = 0; r < dG.rows; r++) d.data[r * dG.cols + j] = dG.data[r * dG.cols + j]!;
    for (let i = L - 1; i >= 0; i--) {
      for (let k = 0; k < d.data.length; k++) total[i]!.data[k]! += d.data[k]! * d.data[k]!;
      if (i === 0) break;
      const act = spec.layers[i - 1]!.activation as Exclude<Activation, 'softmax'>;
      const back = mulBT(d, toMatrix(params.W[i]!));
      const H = fb.layers[i - 1]!.H;
      const A = fb.layers[i]!.A;
      for (let k = 0; k < back.data.length; k++) back.data[k] = derivative(act, H.data[k]!, A.data[k]!) * back.data[k]!;
      d = back;
    }
  }
  return total;
}

const toMatrix = (m: Matrix<FloatArray>): Matrix =>
  m.data instanceof Float64Array ? (m as Matrix) : { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
