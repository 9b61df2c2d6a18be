/**
 * Compare mode: given the weights and batch a user's own backprop ran on and the arrays it
 * produced, find the first equation that is wrong *given their own inputs to it* and name the
 * mistake. Every quantity is checked in dependency order against (1) the float64 reference and
 * (2) its own equation re-evaluated on THEIR upstream arrays:
 *   ok         theirs matches, or differs only where nothing upstream is wrong (float32 rounding);
 *   inherited  wrong, but their own inputs reproduce it: the error came from upstream;
 *   new-error  wrong even given their own inputs: a bug is in this equation;
 *   missing    not given: its equation on their upstream arrays stands in for it downstream.
 * A new error is diagnosed by recomputing known wrong versions of the equation (diagnose.ts).
 */
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import type { FloatArray, Matrix } from '../core/matrix.js';
import { roundingScale } from '../gradcheck/rounding-scale.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward, validateBatch } from '../train/forward-backward.js';
import { validateParameters } from '../train/init.js';
import type { ParameterSet } from '../train/types.js';
import { validateModelSpec, layerWidths } from '../model/spec.js';
import { buildChain } from './chain.js';
import { diagnose, explainShape } from './diagnose.js';
import { type LayoutOptions, type TheirArray, readLayout } from './layout.js';
import { maxAbs, maxAbsDiff } from './ops.js';
import {
  COMPARE_REPORT_FORMAT,
  COMPARE_REPORT_VERSION,
  CompareInputError,
  type CompareReport,
  type Diagnosis,
  type NamedArray,
  type QuantityReport,
  type QuantityStatus,
  type RoundingSummary,
} from './types.js';

export interface CompareInputs {
  readonly model: ModelSpec;
  readonly parameters: ParameterSet;
  readonly X: Matrix<FloatArray>;
  readonly Y: Matrix<FloatArray>;
  readonly arrays: readonly NamedArray[];
  readonly options?: LayoutOptions;
}

/** Theirs, the float64 reference and their own upstream's value of one quantity (rows layout), for views. */
export interface QuantityValues {
  readonly theirs: Matrix | null;
  readonly reference: Matrix;
  readonly local: Matrix;
}

export interface CompareResult {
  readonly report: CompareReport;
  readonly values: ReadonlyMap<string, QuantityValues>;
}

/** σ of float32 rounding allowed on ∂L/∂W, ∂L/∂b (the gradient check's default, rounding-scale.ts). */
export const ALLOWED_SIGMAS = 32;

export async function compareArrays(inputs: CompareInputs): Promise<CompareResult> {
  const { model, parameters } = inputs;
  const X = toF64(inputs.X);
  const Y = toF64(inputs.Y);
  validateModelSpec(model);
  validateParameters(model, parameters);
  try {
    validateBatch(model, X, Y);
  } catch (e) {
    throw new CompareInputError((e as Error).message);
  }
  const L = model.layers.length;
  const fb = await forwardBackward(new Cpu64Backend(), model, parameters, X, Y);
  const ref = new Map<string, Matrix>([
    ['X', X],
    ['Y', Y],
    ['output', fb.output],
    ['loss', { rows: 1, cols: 1, data: Float64Array.of(fb.loss) }],
    ['dX', fb.dX],
  ]);
  fb.layers.forEach((l, i) => {
    ref.set(`H${i}`, l.H).set(`G${i}`, l.G).set(`dW${i}`, l.dW).set(`db${i}`, l.db);
    ref.set(`W${i}`, toF64(parameters.W[i]!)).set(`b${i}`, toF64(parameters.b[i]!));
    if (i > 0) ref.set(`A${i}`, l.A);
  });

  const { layout, arrays } = readLayout(inputs.arrays, model, X.rows, inputs.options ?? {}, (name) => ref.get(name) ?? null);
  for (const a of arrays.values()) checkFinite(a);
  checkInputsAgree(arrays, ref);

  // Effective upstream values: theirs (right shape), else the equation on theirs.
  const effective = new Map<string, Matrix>();
  const value = (name: string): Matrix => effective.get(name) ?? ref.get(name)!;
  const deviates = new Set<string>();
  const quantities: QuantityReport[] = [];
  const diagnoses: Diagnosis[] = [];
  const values = new Map<string, QuantityValues>();
  const missing: string[] = [];

  for (const node of buildChain(model)) {
    const theirs = arrays.get(node.name);
    const reference = ref.get(node.name)!;
    const local = node.evaluate(value);
    const bound = node.bound(value);
    const upstreamWrong = node.deps.some((d) => deviates.has(d));
    const inheritTol = Math.max(4 * bound, 1e-6 * maxAbs(reference));
    const base = { name: node.name, layer: node.layer, quantity: node.quantity, equation: node.equation, shape: [reference.rows, reference.cols] as const };
    values.set(node.name, { theirs: theirs?.shapeOk ? theirs.matrix : null, reference, local });
    if (!theirs) {
      missing.push(node.name);
      effective.set(node.name, local);
      if (maxAbsDiff(local, reference) > inheritTol) deviates.add(node.name);
      quantities.push({ ...base, theirName: null, status: 'missing', maxAbsError: null, relativeError: null, localError: null, localBound: null });
      continue;
    }
    if (!theirs.shapeOk) {
      const found = diagnose(node, theirs, local, bound, value, X.rows);
      if (!found) throw new CompareInputError(explainShape(theirs, layout.name));
      diagnoses.push(found);
      effective.set(node.name, local);
      if (maxAbsDiff(local, reference) > inheritTol) deviates.add(node.name);
      quantities.push({ ...base, theirName: theirs.theirName, status: 'new-error', maxAbsError: null, relativeError: null, localError: null, localBound: bound });
      continue;
    }
    const t = theirs.matrix;
    effective.set(node.name, t);
    const localError = maxAbsDiff(t, local);
    const maxAbsError = maxAbsDiff(t, reference);
    const refScale = maxAbs(reference);
    let status: QuantityStatus;
    if (localError > bound) status = 'new-error';
    else if (upstreamWrong && maxAbsError > inheritTol) status = 'inherited';
    else status = 'ok';
    if (status !== 'ok') deviates.add(node.name);
    if (status === 'new-error') {
      diagnoses.push(diagnose(node, theirs, local, bound, value, X.rows) ?? unknownDiagnosis(node, theirs, local, bound));
    }
    quantities.push({
      ...base,
      theirName: theirs.theirName,
      status,
      maxAbsError,
      relativeError: refScale > 0 ? maxAbsError / refScale : null,
      localError,
      localBound: bound,
    });
  }

  const firstNew = quantities.find((q) => q.status === 'new-error');
  const exact = quantities.every(
    (q) => q.maxAbsError === null || q.maxAbsError <= Math.max(1e-10 * maxAbs(ref.get(q.name)!), 1e-6 * (q.localBound ?? 0)),
  );
  const verdict = firstNew ? 'diverges' : exact ? 'match' : 'rounding';
  const rounding = verdict === 'rounding' ? await roundingSummary(inputs, quantities, values, X, Y) : null;
  const p = layerWidths(model);
  const dtypes = [...new Set([...arrays.values()].map((a) => normaliseDtype(a.dtype)))].sort();
  const report: CompareReport = {
    format: COMPARE_REPORT_FORMAT,
    version: COMPARE_REPORT_VERSION,
    verdict,
    layout,
    model: { inputSize: p[0]!, units: p.slice(1), activations: model.layers.map((l) => l.activation), loss: model.loss },
    samples: X.rows,
    dtypes,
    firstError: firstNew ? { layer: firstNew.layer, quantity: firstNew.quantity } : null,
    diagnoses,
    quantities: withSigmas(quantities, rounding),
    missing,
    rounding: rounding?.summary ?? null,
  };
  void L;
  return { report, values };
}

function unknownDiagnosis(
  node: { name: string; layer: number; quantity: Diagnosis['quantity']; equation: string },
  theirs: TheirArray,
  local: Matrix,
  bound: number,
): Diagnosis {
  const t = theirs.matrix;
  const order = Array.from(t.data.keys()).sort(
    (a, b) => Math.abs(t.data[b]! - local.data[b]!) - Math.abs(t.data[a]! - local.data[a]!),
  );
  const err = maxAbsDiff(t, local);
  return {
    code: 'unknown',
    layer: node.layer,
    quantity: node.quantity,
    name: node.name,
    theirName: theirs.theirName,
    explanation: `no known mistake reproduces ${theirs.theirName}: the element-wise difference from ${node.equation} on your own inputs is shown`,
    theirEquation: `${node.equation} (not satisfied)`,
    evidence: {
      errorBefore: err,
      errorAfter: err,
      tolerance: bound,
      worst: order.slice(0, 5).map((k) => ({
        index: [Math.floor(k / t.cols), k % t.cols] as const,
        theirs: t.data[k]!,
        expected: local.data[k]!,
      })),
    },
  };
}

async function roundingSummary(
  inputs: CompareInputs,
  quantities: readonly QuantityReport[],
  values: ReadonlyMap<string, QuantityValues>,
  X: Matrix,
  Y: Matrix,
): Promise<{ summary: RoundingSummary; sigmas: Map<string, number> }> {
  let worstLocalRatio = 0;
  let worstLocalQuantity: string | null = null;
  for (const q of quantities) {
    if (q.localError === null || q.localBound === null || q.localBound === 0) continue;
    const r = q.localError / q.localBound;
    if (r > worstLocalRatio) {
      worstLocalRatio = r;
      worstLocalQuantity = q.name;
    }
  }
  const scale = await roundingScale(inputs.model, inputs.parameters, X, Y);
  const sigmas = new Map<string, number>();
  let worstGradientSigmas = 0;
  for (const q of quantities) {
    if ((q.quantity !== 'dW' && q.quantity !== 'db') || q.maxAbsError === null) continue;
    const sigma = (q.quantity === 'dW' ? scale.W : scale.b)[q.layer]!;
    const v = values.get(q.name)!;
    if (!v.theirs) continue;
    // Element by element |theirs − reference| / σ (σ floored at a float64 ulp of the scale, for exact zeros).
    const floor = Number.EPSILON * Math.max(Number.MIN_VALUE, maxAbs(v.reference));
    let s = 0;
    for (let k = 0; k < sigma.data.length; k++) {
      s = Math.max(s, Math.abs(v.theirs.data[k]! - v.reference.data[k]!) / Math.max(sigma.data[k]!, floor));
    }
    sigmas.set(q.name, s);
    worstGradientSigmas = Math.max(worstGradientSigmas, s);
  }
  return { summary: { worstLocalRatio, worstLocalQuantity, worstGradientSigmas, allowedSigmas: ALLOWED_SIGMAS }, sigmas };
}

function withSigmas(qs: QuantityReport[], r: { sigmas: Map<string, number> } | null): QuantityReport[] {
  if (!r) return qs;
  return qs.map((q) => (r.sigmas.has(q.name) ? { ...q, roundingSigmas: r.sigmas.get(q.name)! } : q));
}

function checkFinite(a: TheirArray): void {
  const d = a.matrix.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k]!)) {
      const what = Number.isNaN(d[k]!) ? 'NaN' : d[k]! > 0 ? 'Infinity' : '-Infinity';
      const count = d.filter((x) => !Number.isFinite(x)).length;
      throw new CompareInputError(
        `${a.theirName}: holds ${what} (${count} non-finite value${count > 1 ? 's' : ''}, the first at element ${k} in rows order): compare needs finite arrays; fix the computation that overflowed first`,
      );
    }
  }
}

/** X, Y, W_i, b_i in their arrays must be the ones in the weights and batch files (to float32 rounding). */
function checkInputsAgree(arrays: ReadonlyMap<string, TheirArray>, ref: ReadonlyMap<string, Matrix>): void {
  for (const a of arrays.values()) {
    if (!/^(X|Y|W\d+|b\d+)$/.test(a.name)) continue;
    const ours = ref.get(a.name)!;
    const source = a.name === 'X' || a.name === 'Y' ? 'the batch file' : 'the weights file';
    if (!a.shapeOk) throw new CompareInputError(explainShape(a, null));
    const diff = maxAbsDiff(a.matrix, ours);
    if (diff > 1e-6 * Math.max(1, maxAbs(ours))) {
      throw new CompareInputError(
        `${a.theirName} differs from ${a.name} in ${source} (max |difference| ${diff.toPrecision(3)}): compare needs the arrays your code produced from exactly these weights and this batch`,
      );
    }
  }
}

function normaliseDtype(d: string): string {
  const s = d.toLowerCase();
  if (/f8|float64|f64|double/.test(s)) return 'float64';
  if (/f4|float32|f32|single/.test(s)) return 'float32';
  if (/f2|float16|f16|bf16/.test(s)) return 'float16';
  return s;
}

const toF64 = (m: Matrix<FloatArray>): Matrix =>
  m.data instanceof Float64Array ? (m as Matrix) : { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
