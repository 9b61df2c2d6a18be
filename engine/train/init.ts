/**
 * Seeded parameter initialisation and validation of user-given parameters.
 *
 * - Xavier/Glorot uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out)) keeps the variance of
 *   activations and gradients roughly constant through tanh/sigmoid/identity layers.
 * - He normal: W ~ N(0, 2 / fan_in) compensates for relu zeroing half its inputs.
 * - Biases start at 0 in both (symmetry is already broken by the weights).
 *
 * Values are drawn layer by layer, W_i in row-major order, from one Rng: the same seed always
 * gives the same parameters.
 */
import { type FloatArray, type Matrix, cloneMatrix, matrix, toFloat64 } from '../core/matrix.js';
import { type Rng, createRng } from '../core/rng.js';
import { type ModelSpec, layerWidths } from '../model/spec.js';
import type { InitScheme, ParameterSet } from './types.js';

/** Thrown for user-given parameters that do not fit the model; `path` names the offending key. */
export class ParameterError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ParameterError';
  }
}

/** Fresh parameters for `spec` drawn with `scheme` from a seed (or an existing Rng stream). */
export function initParameters(spec: ModelSpec, scheme: InitScheme, seed: number | Rng): ParameterSet {
  const rng = typeof seed === 'number' ? createRng(seed) : seed;
  const p = layerWidths(spec);
  const W: Matrix[] = [];
  const b: Matrix[] = [];
  for (let i = 0; i + 1 < p.length; i++) {
    const fanIn = p[i]!;
    const fanOut = p[i + 1]!;
    const w = matrix(fanIn, fanOut);
    if (scheme === 'xavier') {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let k = 0; k < w.data.length; k++) w.data[k] = rng.uniform(-a, a);
    } else if (scheme === 'he') {
      const std = Math.sqrt(2 / fanIn);
      for (let k = 0; k < w.data.length; k++) w.data[k] = std * rng.normal();
    } else {
      throw new ParameterError(`unknown initialisation "${String(scheme)}" (expected xavier or he)`, 'init');
    }
    W.push(w);
    b.push(matrix(1, fanOut));
  }
  return { W, b };
}

/**
 * Checks user-given parameters against the model: one W_i (p_i × p_{i+1}) and one b_i
 * (1 × p_{i+1}) per layer, every value finite. Throws ParameterError naming e.g.
 * `parameters[1].W` and the expected shape.
 */
export function validateParameters(
  spec: ModelSpec,
  params: { readonly W: readonly Matrix<FloatArray>[]; readonly b: readonly Matrix<FloatArray>[] },
  pathPrefix = 'parameters',
): void {
  const p = layerWidths(spec);
  const L = p.length - 1;
  if (params.W.length !== L || params.b.length !== L) {
    throw new ParameterError(
      `the model has ${L} layer(s) but ${params.W.length} weight matrices and ${params.b.length} bias vectors were given`,
      pathPrefix,
    );
  }
  for (let i = 0; i < L; i++) {
    checkMatrix(params.W[i]!, p[i]!, p[i + 1]!, `${pathPrefix}[${i}].W`, `layer ${i} maps ${p[i]} → ${p[i + 1]} units`);
    checkMatrix(params.b[i]!, 1, p[i + 1]!, `${pathPrefix}[${i}].b`, `layer ${i} has ${p[i + 1]} units`);
  }
}

function checkMatrix(m: Matrix<FloatArray>, rows: number, cols: number, path: string, because: string): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ParameterError(`is ${m.rows}×${m.cols}, expected ${rows}×${cols} (${because})`, path);
  }
  if (m.data.length !== rows * cols) {
    throw new ParameterError(`holds ${m.data.length} values, expected ${rows * cols}`, path);
  }
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k]!)) {
      const r = Math.floor(k / cols);
      throw new ParameterError(
        `value at [${r}][${k - r * cols}] is ${String(m.data[k])}, expected a finite number`,
        path,
      );
    }
  }
}

/** A float64 deep copy (parameter sets are handed out as copies so callers cannot alias engine state). */
export function cloneParameters(params: ParameterSet): ParameterSet {
  return { W: params.W.map((w) => cloneMatrix(toFloat64(w))), b: params.b.map((v) => cloneMatrix(toFloat64(v))) };
}

/** The starting parameters a TrainConfig's `init` asks for (validated when user-given). */
export function resolveInitialParameters(
  spec: ModelSpec,
  init: InitScheme | { readonly parameters: ParameterSet },
  rng: number | Rng,
): ParameterSet {
  if (typeof init === 'string') return initParameters(spec, init, rng);
  validateParameters(spec, init.parameters);
  return cloneParameters(init.parameters);
}
