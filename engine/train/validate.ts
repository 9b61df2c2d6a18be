/**
 * Checks of what a Session is given, before anything reaches a backend: the dataset against the
 * model (shapes, finiteness, cross-entropy targets), the session's own settings, and breakpoint
 * conditions against the model's layers. Errors are RangeErrors naming the key path.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import { PROBABILITY_ROW_TOLERANCE, probabilityRowIssue } from '../model/losses.js';
import { layerWidths } from '../model/spec.js';
import { validateBreakpoints } from './breakpoints.js';
import type { BreakpointCondition, Dataset, TrainConfig } from './types.js';

export { PROBABILITY_ROW_TOLERANCE };

/** Validates breakpoint conditions, including that a `layer` they name exists in the model. */
export function checkBreakpoints(config: TrainConfig, conditions: readonly BreakpointCondition[]): void {
  validateBreakpoints(conditions);
  const L = config.model.layers.length;
  conditions.forEach((c, k) => {
    if ('layer' in c && c.layer !== undefined && c.layer >= L) {
      throw new RangeError(
        `breakpoints[${k}].layer: layer ${c.layer} does not exist (the model has ${L} layers: 0…${L - 1})`,
      );
    }
  });
}

/** The session's own settings: seed, historyBytes, recordEvery. */
export function checkSessionSettings(config: TrainConfig, recordEvery: number): void {
  if (!Number.isInteger(config.seed)) throw new RangeError(`seed: must be an integer, got ${String(config.seed)}`);
  if (config.historyBytes !== undefined && !(Number.isInteger(config.historyBytes) && config.historyBytes >= 0))
    throw new RangeError(`historyBytes: must be an integer ≥ 0, got ${String(config.historyBytes)}`);
  if (!Number.isInteger(recordEvery) || recordEvery < 0)
    throw new RangeError(`recordEvery: must be an integer ≥ 0, got ${recordEvery}`);
}

/** Shapes, sizes and finiteness of a dataset against the model (errors name `dataset.X[r][c]`). */
export function validateDataset(config: TrainConfig, dataset: Dataset): void {
  const spec = config.model;
  const pL = layerWidths(spec)[spec.layers.length]!;
  if (dataset.X.rows < 1) throw new RangeError('dataset.X: needs at least one sample (row)');
  if (dataset.X.cols !== spec.inputSize)
    throw new RangeError(`dataset.X: has ${dataset.X.cols} column(s) but the model's inputSize is ${spec.inputSize}`);
  if (dataset.Y.cols !== pL)
    throw new RangeError(`dataset.Y: has ${dataset.Y.cols} column(s) but the output layer has ${pL} unit(s)`);
  if (dataset.Y.rows !== dataset.X.rows)
    throw new RangeError(`dataset.Y: has ${dataset.Y.rows} row(s) but dataset.X has ${dataset.X.rows}`);
  for (const [name, m] of [
    ['X', dataset.X],
    ['Y', dataset.Y],
  ] as const) {
    for (let k = 0; k < m.data.length; k++) {
      if (!Number.isFinite(m.data[k]!)) {
        const r = Math.floor(k / m.cols);
        throw new RangeError(`dataset.${name}[${r}][${k - r * m.cols}]: ${String(m.data[k])} is not a finite number`);
      }
    }
  }
  if (spec.loss === 'cross-entropy') checkProbabilityTargets(dataset.Y, 'dataset.Y');
}

/**
 * Cross-entropy targets must be probability rows (FORMATS.md): G = (softmax(H) − Y)/n is the
 * gradient only when every row of Y sums to 1, so other targets would train on a wrong gradient.
 */
export function checkProbabilityTargets(Y: Matrix<FloatArray>, path: string): void {
  const issue = probabilityRowIssue(Y);
  if (issue?.kind === 'negative')
    throw new RangeError(
      `${path}[${issue.row}][${issue.col}]: ${issue.value} is negative; cross-entropy targets must be probabilities`,
    );
  if (issue?.kind === 'sum')
    throw new RangeError(
      `${path}[${issue.row}]: sums to ${issue.sum}, not 1; cross-entropy targets must be one-hot or probability rows`,
    );
}
