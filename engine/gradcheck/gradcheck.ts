/**
 * Gradient check: analytic ∂L/∂W_i, ∂L/∂b_i (from any backend, or given) against central finite
 * differences of the float64 reference forward (cpu-f64):
 *
 *   numeric = (L(θ + ε) − L(θ − ε)) / 2ε,   relError = |a − n| / max(|a|, |n|, floor_i)
 *
 * per element, with the maximum per layer and pass/fail against a tolerance.
 *
 * The floor keeps elements near 0 from producing huge relative errors out of rounding noise: the
 * difference L(θ+ε) − L(θ−ε) is only known to about 32·2⁻⁵²·max(|L|, 1) (rounding in the sums that
 * make L), so a numeric gradient is only resolved to noise = that / 2ε. The floor is
 * floor_i = max(tiny, relativeFloor · max|n| in layer i, noise / tolerance); below it, errors are
 * judged against the floor (in absolute terms). relativeFloor is 0 for f64 backends and 1e-3 for f32
 * ones, whose dot products are only good to ~1e-7 of their summed magnitudes.
 *
 * Kinks: relu is not differentiable at 0 (FORMATS.md fixes relu'(0) = 0, a subgradient), and H is
 * exactly 0 more often than one would think (a zero bias behind a unit that is dead for a sample).
 * There the one-sided slopes (L(θ+ε) − L(θ))/ε and (L(θ) − L(θ−ε))/ε differ by a gap that does not
 * shrink with ε (on smooth ground the gap is ≈ ε·L'' and halves with ε), and no numeric value is
 * "right". In models with a relu layer each element whose gap is above noise is re-measured at 2ε;
 * kinks are reported (counted, the first few listed) and left out of maxRelError and pass/fail
 * instead of failing a correct implementation.
 *
 * float32 gradients carry rounding errors that scale with the magnitudes summed into them, not with
 * the result: in a trained net, where every G_i is a small residual, a correct f32 gradient can be
 * off by more than 100 % of itself. For f32 checks each element's estimated rounding error σ
 * (rounding-scale.ts) raises its floor to roundingSigmas·σ / tolerance, so a difference within
 * roundingSigmas·σ passes; a real bug (a wrong matrix, a missing factor) is far above it.
 *
 * Layers with more than `maxPerLayer` parameters are checked on a seeded random sample of that many
 * elements (W and b together); the result says so (`sampled`, `checked` of `total`) and unchecked
 * elements are NaN in the per-element matrices.
 */
import type { Backend, BackendName, Tensor } from '../backends/backend.js';
import { Cpu64Backend, Cpu64Tensor } from '../backends/cpu64/cpu64-backend.js';
import { type FloatArray, type Matrix, matrix, toFloat64 } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { type ModelSpec, layerWidths, validateModelSpec } from '../model/spec.js';
import { deriveSeed } from '../train/batching.js';
import { forwardBackward, validateBatch } from '../train/forward-backward.js';
import { validateParameters } from '../train/init.js';
import { roundingScale } from './rounding-scale.js';
import type { ParameterSet } from '../train/types.js';

export const DEFAULT_EPS = 1e-6;
export const DEFAULT_MAX_PER_LAYER = 2000;
export const MAX_LISTED_KINKS = 20;

/** Default tolerance and relative floor for analytic gradients of a given precision. */
export function gradcheckDefaults(precision: 'f64' | 'f32'): {
  tolerance: number;
  relativeFloor: number;
  roundingSigmas: number;
} {
  return precision === 'f64'
    ? { tolerance: 1e-6, relativeFloor: 0, roundingSigmas: 0 }
    : { tolerance: 1e-2, relativeFloor: 1e-3, roundingSigmas: 32 };
}

export interface GradcheckOptions {
  /** Backend whose analytic gradients are checked (default: a fresh cpu-f64). */
  readonly backend?: Backend;
  /** Analytic gradients computed elsewhere (e.g. read from a gradients file); overrides `backend`. */
  readonly analytic?: {
    readonly dW: readonly Matrix<FloatArray>[];
    readonly db: readonly Matrix<FloatArray>[];
    readonly precision?: 'f64' | 'f32';
  };
  /** Finite-difference step ε (default 1e-6). */
  readonly eps?: number;
  /** Largest relative error that passes (default 1e-6 for f64 analytic gradients, 1e-2 for f32). */
  readonly tolerance?: number;
  /** Absolute lower bound of the denominator (default 0: the noise floor usually dominates). */
  readonly tiny?: number;
  /** Denominator floor as a fraction of the layer's largest numeric gradient (default 0 for f64, 1e-3 for f32). */
  readonly relativeFloor?: number;
  /**
   * f32 gradients: an element also passes when |analytic − numeric| ≤ roundingSigmas·σ, σ being the
   * estimated float32 rounding error of that element (rounding-scale.ts). Default 32 for f32 (correct
   * backends measure ≤ 11σ), 0 (off) for f64.
   */
  readonly roundingSigmas?: number;
  /** Check at most this many parameters per layer, a seeded sample beyond it (default 2000). */
  readonly maxPerLayer?: number;
  /** Seed of the sample (default 0). */
  readonly seed?: number;
  /**
   * Told how many elements are done of how many, about every 50 ms; awaited, so a caller can
   * yield to its event loop (answer pings, take a pause) and throw to cancel the check.
   */
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface ElementCheck {
  readonly layer: number;
  readonly param: 'W' | 'b';
  readonly row: number;
  readonly col: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly absError: number;
  readonly relError: number;
}

export interface LayerGradcheck {
  readonly layer: number;
  /** Parameters in the layer (W and b). */
  readonly total: number;
  readonly checked: number;
  /** True when only a seeded sample of `checked` parameters was checked. */
  readonly sampled: boolean;
  readonly maxRelError: number;
  readonly maxAbsError: number;
  /** The element with the largest relative error (null when nothing was checked). */
  readonly worst: ElementCheck | null;
  readonly passed: boolean;
  /** The denominator floor used for this layer (see the module comment). */
  readonly floor: number;
  /** Per-element results, NaN where an element was not checked (heatmap-ready). */
  /** Elements whose loss has a kink (see the module comment), excluded from maxRelError and passed. */
  readonly kinkCount: number;
  /** The first few of them (at most MAX_LISTED_KINKS). */
  readonly kinks: readonly ElementCheck[];
  /** f32 checks: the estimated rounding error σ of each element of ∂L/∂W_i and ∂L/∂b_i; null for f64. */
  readonly roundingW: Matrix | null;
  readonly roundingB: Matrix | null;
  readonly relErrorW: Matrix;
  readonly relErrorB: Matrix;
  readonly numericW: Matrix;
  readonly numericB: Matrix;
  readonly analyticW: Matrix;
  readonly analyticB: Matrix;
}

export interface GradcheckResult {
  /** What computed the analytic gradients ("given" when they were passed in). */
  readonly backend: BackendName | 'given';
  readonly precision: 'f64' | 'f32';
  readonly eps: number;
  readonly tolerance: number;
  /** L at the unperturbed parameters, float64. */
  readonly loss: number;
  readonly passed: boolean;
  readonly sampled: boolean;
  readonly maxRelError: number;
  readonly layers: readonly LayerGradcheck[];
}

/** Checks analytic gradients of `params` on the batch (X, Y) against float64 central differences. */
export async function gradcheck(
  spec: ModelSpec,
  params: ParameterSet,
  X: Matrix<FloatArray>,
  Y: Matrix<FloatArray>,
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  validateModelSpec(spec);
  validateParameters(spec, params);
  validateBatch(spec, X, Y);
  const eps = options.eps ?? DEFAULT_EPS;
  if (!(eps > 0 && Number.isFinite(eps))) throw new RangeError(`eps: must be a positive number, got ${eps}`);
  const maxPerLayer = options.maxPerLayer ?? DEFAULT_MAX_PER_LAYER;
  if (!Number.isInteger(maxPerLayer) || maxPerLayer < 1)
    throw new RangeError(`maxPerLayer: must be a positive integer, got ${maxPerLayer}`);

  let analytic: { dW: Matrix[]; db: Matrix[] };
  let backendName: BackendName | 'given';
  let precision: 'f64' | 'f32';
  if (options.analytic) {
    checkAnalyticShapes(spec, options.analytic.dW, options.analytic.db);
    analytic = { dW: options.analytic.dW.map(toFloat64), db: options.analytic.db.map(toFloat64) };
    backendName = 'given';
    precision = options.analytic.precision ?? 'f64';
  } else {
    const be = options.backend ?? new Cpu64Backend();
    const fb = await forwardBackward(be, spec, params, X, Y);
    analytic = { dW: fb.layers.map((l) => l.dW), db: fb.layers.map((l) => l.db) };
    backendName = be.name;
    precision = be.precision;
  }
  const defaults = gradcheckDefaults(precision);
  const tolerance = options.tolerance ?? defaults.tolerance;
  const relativeFloor = options.relativeFloor ?? defaults.relativeFloor;
  const tiny = options.tiny ?? 0;
  const roundingSigmas = options.roundingSigmas ?? defaults.roundingSigmas;
  if (!(roundingSigmas >= 0 && Number.isFinite(roundingSigmas)))
    throw new RangeError(`roundingSigmas: must be a number ≥ 0, got ${roundingSigmas}`);
  const rounding = roundingSigmas > 0 ? await roundingScale(spec, params, X, Y) : null;

  const ref = new ReferenceForward(spec, params, X, Y);
  const loss = ref.lossFrom(0);
  const noise = (32 * Number.EPSILON * Math.max(Math.abs(loss), 1)) / (2 * eps);
  const baseFloor = Math.max(tiny, noise / tolerance);
  // Only relu is non-differentiable (softmax, sigmoid, tanh and the losses are smooth).
  const hasRelu = spec.layers.some((l) => l.activation === 'relu');
  const kinkNoise = 100 * noise;
  const p = layerWidths(spec);
  const layers: LayerGradcheck[] = [];
  const elementsToCheck = spec.layers.reduce((n, _, i) => n + Math.min(p[i]! * p[i + 1]! + p[i + 1]!, maxPerLayer), 0);
  let elementsDone = 0;
  let lastReport = performance.now();
  for (let i = 0; i < spec.layers.length; i++) {
    const rows = p[i]!;
    const cols = p[i + 1]!;
    const nW = rows * cols;
    const total = nW + cols;
    const indices = chooseIndices(total, maxPerLayer, deriveSeed(options.seed ?? 0, i));
    const numericW = filled(rows, cols, NaN);
    const numericB = filled(1, cols, NaN);
    const kink = new Uint8Array(total);
    for (const k of indices) {
      if (options.onProgress && (++elementsDone & 15) === 0 && performance.now() - lastReport > 50) {
        await options.onProgress(elementsDone, elementsToCheck);
        lastReport = performance.now();
      }
      const param = k < nW ? ref.W[i]! : ref.b[i]!;
      const j = k < nW ? k : k - nW;
      const original = param.data[j]!;
      param.data[j] = original + eps;
      const plus = ref.lossFrom(i);
      param.data[j] = original - eps;
      const minus = ref.lossFrom(i);
      param.data[j] = original;
      const numeric = (plus - minus) / (2 * eps);
      (k < nW ? numericW : numericB).data[j] = numeric;
      if (hasRelu) {
        // The gap between the one-sided slopes grows linearly with the step where L is smooth (≈ ε·L'')
        // but stays put at a kink; re-measure it at 2ε to tell them apart.
        const gap = (plus - loss) / eps - (loss - minus) / eps;
        if (Math.abs(gap) > kinkNoise) {
          param.data[j] = original + 2 * eps;
          const plus2 = ref.lossFrom(i);
          param.data[j] = original - 2 * eps;
          const minus2 = ref.lossFrom(i);
          param.data[j] = original;
          const gap2 = (plus2 - loss) / (2 * eps) - (loss - minus2) / (2 * eps);
          if (Math.abs(gap2 - 2 * gap) > 0.5 * Math.abs(gap)) kink[k] = 1;
        }
      }
    }
    let maxNumeric = 0;
    for (const k of indices)
      maxNumeric = Math.max(maxNumeric, Math.abs(k < nW ? numericW.data[k]! : numericB.data[k - nW]!));
    const floor = Math.max(baseFloor, relativeFloor * maxNumeric);
    const relErrorW = filled(rows, cols, NaN);
    const relErrorB = filled(1, cols, NaN);
    let maxRel = 0;
    let maxAbs = 0;
    let worst: ElementCheck | null = null;
    const kinks: ElementCheck[] = [];
    let kinkCount = 0;
    for (const k of indices) {
      const isW = k < nW;
      const j = isW ? k : k - nW;
      const a = (isW ? analytic.dW[i]! : analytic.db[i]!).data[j]!;
      const n = (isW ? numericW : numericB).data[j]!;
      const absError = Math.abs(a - n);
      // Within roundingSigmas·σ of float32 rounding, a difference is no evidence of a bug.
      const sigma = rounding ? (isW ? rounding.W[i]! : rounding.b[i]!).data[j]! : 0;
      const elementFloor = Math.max(floor, (roundingSigmas * sigma) / tolerance);
      // A non-finite analytic or numeric value is an unconditional failure (relError = Infinity).
      const relError = Number.isFinite(absError)
        ? absError / Math.max(Math.abs(a), Math.abs(n), elementFloor)
        : Infinity;
      (isW ? relErrorW : relErrorB).data[j] = relError;
      const element: ElementCheck = {
        layer: i,
        param: isW ? 'W' : 'b',
        row: isW ? Math.floor(j / cols) : 0,
        col: isW ? j % cols : j,
        analytic: a,
        numeric: n,
        absError,
        relError,
      };
      // A kink only excuses a finite disagreement: NaN/Infinity always count.
      if (kink[k] === 1 && Number.isFinite(relError)) {
        kinkCount++;
        if (kinks.length < MAX_LISTED_KINKS) kinks.push(element);
        continue;
      }
      maxAbs = Math.max(maxAbs, absError);
      if (worst === null || relError > maxRel) {
        maxRel = relError;
        worst = element;
      }
    }
    layers.push({
      layer: i,
      total,
      checked: indices.length,
      sampled: indices.length < total,
      maxRelError: maxRel,
      maxAbsError: maxAbs,
      worst,
      passed: maxRel <= tolerance,
      floor,
      kinkCount,
      kinks,
      roundingW: rounding ? rounding.W[i]! : null,
      roundingB: rounding ? rounding.b[i]! : null,
      relErrorW,
      relErrorB,
      numericW,
      numericB,
      analyticW: analytic.dW[i]!,
      analyticB: analytic.db[i]!,
    });
  }
  return {
    backend: backendName,
    precision,
    eps,
    tolerance,
    loss,
    passed: layers.every((l) => l.passed),
    sampled: layers.some((l) => l.sampled),
    maxRelError: Math.max(...layers.map((l) => l.maxRelError)),
    layers,
  };
}

/** Shapes only: non-finite analytic values are results to report, not input errors. */
function checkAnalyticShapes(
  spec: ModelSpec,
  dW: readonly Matrix<FloatArray>[],
  db: readonly Matrix<FloatArray>[],
): void {
  const p = layerWidths(spec);
  const L = spec.layers.length;
  if (dW.length !== L || db.length !== L)
    throw new RangeError(`analytic: the model has ${L} layer(s) but ${dW.length} dW and ${db.length} db were given`);
  for (let i = 0; i < L; i++) {
    if (dW[i]!.rows !== p[i] || dW[i]!.cols !== p[i + 1])
      throw new RangeError(`analytic.dW[${i}]: is ${dW[i]!.rows}×${dW[i]!.cols}, expected ${p[i]}×${p[i + 1]}`);
    if (db[i]!.rows !== 1 || db[i]!.cols !== p[i + 1])
      throw new RangeError(`analytic.db[${i}]: is ${db[i]!.rows}×${db[i]!.cols}, expected 1×${p[i + 1]}`);
  }
}

function filled(rows: number, cols: number, v: number): Matrix {
  const m = matrix(rows, cols);
  m.data.fill(v);
  return m;
}

/** All of [0, total) in order, or a seeded sample of `max` of them (sorted, so the check walks memory in order). */
export function chooseIndices(total: number, max: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: total }, (_, k) => k);
  if (total <= max) return all;
  const rng = createRng(seed);
  // Partial Fisher–Yates: the first `max` slots become a uniform sample without replacement.
  for (let k = 0; k < max; k++) {
    const j = k + rng.int(total - k);
    const t = all[k]!;
    all[k] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, max).sort();
}

/**
 * The cpu-f64 forward with the parameters held as cpu-f64 tensors that are perturbed in place, and the
 * unperturbed inputs A_i of every layer cached: perturbing layer i re-runs only layers i…L-1.
 */
class ReferenceForward {
  private readonly be = new Cpu64Backend();
  readonly W: Cpu64Tensor[];
  readonly b: Cpu64Tensor[];
  private readonly A: Tensor[];
  private readonly Y: Tensor;

  constructor(
    private readonly spec: ModelSpec,
    params: ParameterSet,
    X: Matrix<FloatArray>,
    Y: Matrix<FloatArray>,
  ) {
    const own = (t: Tensor): Cpu64Tensor => {
      if (!(t instanceof Cpu64Tensor)) throw new TypeError('internal: the reference forward needs cpu-f64 tensors');
      return t;
    };
    this.W = params.W.map((w) => own(this.be.upload(w, 'W')));
    this.b = params.b.map((v) => own(this.be.upload(v, 'b')));
    this.Y = this.be.upload(Y, 'Y');
    this.A = [this.be.upload(X, 'X')];
    for (let i = 0; i < spec.layers.length; i++) {
      this.A.push(this.be.denseForward(this.A[i]!, this.W[i]!, this.b[i]!, spec.layers[i]!.activation).A);
    }
  }

  /** L with the current (possibly perturbed) parameters, re-running layers `from`…L-1 only. */
  lossFrom(from: number): number {
    const layers = this.spec.layers;
    let a = this.A[from]!;
    let h: Tensor | null = null;
    for (let i = from; i < layers.length; i++) {
      const out = this.be.denseForward(a, this.W[i]!, this.b[i]!, layers[i]!.activation);
      h = out.H;
      a = out.A;
    }
    const { loss } = this.be.lossAndGradient(h!, a, this.Y, layers[layers.length - 1]!.activation, this.spec.loss);
    return (loss as Cpu64Tensor).data[0]!;
  }
}
