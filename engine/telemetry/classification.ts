/**
 * Classification metrics of a network's output F against one-hot (or probability) targets Y:
 * accuracy, the confusion matrix (row = true class, column = predicted class, both by argmax),
 * per-class counts, and for every confusion cell the first few sample rows that fall in it, so a
 * dashboard can jump from a cell to its samples. Pure: no backend, no session.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';

/** Sample rows kept per confusion cell (the "show me these samples" list). */
export const EXAMPLES_PER_CELL = 20;

export interface ClassificationMetrics {
  /** Rows measured. */
  readonly samples: number;
  /** Share of rows whose predicted class (argmax F) is the true class (argmax Y). */
  readonly accuracy: number;
  /** Number of classes k. */
  readonly classes: number;
  /** k × k counts, row-major: confusion[t * k + p] = rows of true class t predicted as p. */
  readonly confusion: number[];
  /** Rows per true class (the confusion matrix's row sums). */
  readonly classCounts: number[];
  /** Rows per predicted class (its column sums). */
  readonly predictedCounts: number[];
  /** Per cell (row-major like `confusion`), up to EXAMPLES_PER_CELL sample rows, as indices given by `rowIds` (or 0…n−1). */
  readonly examples: number[][];
}

function argmaxRow(m: Matrix<FloatArray>, r: number): number {
  let best = 0;
  let bestV = -Infinity;
  for (let j = 0; j < m.cols; j++) {
    const v = m.data[r * m.cols + j]!;
    // NaN never wins: a diverged row counts as class 0, and accuracy shows it.
    if (v > bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

/**
 * Metrics of F (n × k) against Y (n × k). A single-output network (k = 1, sigmoid/tanh scores)
 * is read as two classes split at 0.5 (sigmoid) — pass `threshold` for another split.
 */
export function classificationMetrics(
  F: Matrix<FloatArray>,
  Y: Matrix<FloatArray>,
  rowIds?: ArrayLike<number>,
  threshold = 0.5,
): ClassificationMetrics {
  if (F.rows !== Y.rows || F.cols !== Y.cols)
    throw new RangeError(`classificationMetrics: F is ${F.rows}×${F.cols} but Y is ${Y.rows}×${Y.cols}`);
  const binary = F.cols === 1;
  const k = binary ? 2 : F.cols;
  const confusion = new Array<number>(k * k).fill(0);
  const examples: number[][] = Array.from({ length: k * k }, () => []);
  let correct = 0;
  for (let r = 0; r < F.rows; r++) {
    const t = binary ? (Y.data[r]! > threshold ? 1 : 0) : argmaxRow(Y, r);
    const p = binary ? (F.data[r]! > threshold ? 1 : 0) : argmaxRow(F, r);
    const cell = t * k + p;
    confusion[cell]!++;
    if (examples[cell]!.length < EXAMPLES_PER_CELL) examples[cell]!.push(rowIds ? rowIds[r]! : r);
    if (t === p) correct++;
  }
  const classCounts = Array.from({ length: k }, (_, t) => confusion.slice(t * k, t * k + k).reduce((s, x) => s + x, 0));
  const predictedCounts = Array.from({ length: k }, (_, p) => {
    let s = 0;
    for (let t = 0; t < k; t++) s += confusion[t * k + p]!;
    return s;
  });
  return { samples: F.rows, accuracy: F.rows === 0 ? 0 : correct / F.rows, classes: k, confusion, classCounts, predictedCounts, examples };
}
