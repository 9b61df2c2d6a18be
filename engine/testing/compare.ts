/**
 * Element-wise comparison of a backend's result with the float64 reference under a per-element
 * error bound, with a failure message that says where and by how much.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';

export interface Mismatch {
  readonly index: number;
  readonly row: number;
  readonly col: number;
  readonly actual: number;
  readonly expected: number;
  readonly bound: number;
}

/** Bound per element: a number (same for all) or an array as long as the data. */
export type Bound = number | ArrayLike<number>;

/** The worst offender (largest error / bound), or null when every element is within its bound. */
export function findMismatch(actual: Matrix<FloatArray>, expected: Matrix<FloatArray>, bound: Bound): Mismatch | null {
  if (actual.rows !== expected.rows || actual.cols !== expected.cols) {
    throw new RangeError(`shape ${actual.rows}×${actual.cols}, expected ${expected.rows}×${expected.cols}`);
  }
  let worst: Mismatch | null = null;
  let worstRatio = 1;
  for (let k = 0; k < expected.data.length; k++) {
    const a = actual.data[k]!;
    const e = expected.data[k]!;
    const b = typeof bound === 'number' ? bound : bound[k]!;
    const err = Math.abs(a - e);
    // NaN anywhere (or a NaN error) is always a mismatch unless the reference is NaN too.
    const bothNaN = Number.isNaN(a) && Number.isNaN(e);
    const ratio = bothNaN ? 0 : Number.isNaN(err) ? Infinity : err / b;
    if (ratio > worstRatio || (ratio === Infinity && worst === null)) {
      worstRatio = ratio;
      worst = {
        index: k,
        row: Math.floor(k / expected.cols),
        col: k % expected.cols,
        actual: a,
        expected: e,
        bound: b,
      };
    }
  }
  return worst;
}

/** Throws an Error naming the worst element when `actual` is out of bounds. */
export function assertWithin(
  what: string,
  actual: Matrix<FloatArray>,
  expected: Matrix<FloatArray>,
  bound: Bound,
): void {
  const m = findMismatch(actual, expected, bound);
  if (m) {
    const err = Math.abs(m.actual - m.expected);
    throw new Error(
      `${what}: element (${m.row}, ${m.col}) is ${m.actual}, reference ${m.expected}; ` +
        `error ${err.toExponential(3)} exceeds its bound ${m.bound.toExponential(3)} (×${(err / m.bound).toFixed(1)})`,
    );
  }
}

/** ‖a − b‖_F / ‖b‖_F (0 when both are zero). */
export function relativeFrobenius(actual: Matrix<FloatArray>, expected: Matrix<FloatArray>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < expected.data.length; k++) {
    const d = actual.data[k]! - expected.data[k]!;
    num += d * d;
    den += expected.data[k]! * expected.data[k]!;
  }
  if (Number.isNaN(num)) return Infinity;
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}
