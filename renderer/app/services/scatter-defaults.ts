/**
 * The Data view's first scatter: two columns worth looking at, not a constant one (a blank pixel
 * of digits, a padding column) nor a 0/1 one-hot column when there are real measurements. For
 * regression the y axis is the target.
 */
import type { MatrixView } from './matrix.js';

function distinctUpTo(X: MatrixView, j: number, cap: number): number {
  const seen = new Set<number>();
  for (let i = 0; i < X.rows && seen.size < cap; i++) seen.add(X.data[i * X.cols + j]!);
  return seen.size;
}

export function defaultScatterAxes(X: MatrixView, Y: MatrixView, classification: boolean): { x: number; y: number; yIsTarget: boolean } {
  const varying: number[] = [];
  const binary: number[] = [];
  for (let j = 0; j < X.cols; j++) {
    const k = distinctUpTo(X, j, 3);
    if (k > 2) varying.push(j);
    else if (k === 2) binary.push(j);
  }
  const order = [...varying, ...binary];
  const x = order[0] ?? 0;
  // Regression with fewer than two real measurements: the one there is against the target.
  const yIsTarget = !classification && Y.cols > 0 && varying.length < 2;
  const y = order[1] ?? Math.min(1, X.cols - 1);
  return { x, y, yIsTarget };
}
