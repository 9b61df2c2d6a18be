/**
 * Seeded test inputs for the conformance suite, every value exactly representable in float32
 * (a float64 array holding f32 values), so a f32 backend and the f64 reference start from the
 * very same numbers.
 */
import type { Matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { activate, softmaxRows } from '../model/activations.js';
import type { Activation, LossKind } from '../model/spec.js';

/** A stable 32-bit seed from a case name (FNV-1a), so every case has its own data. */
export function seedOf(key: string | number): number {
  if (typeof key === 'number') return key >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** rows×cols uniform in [−scale, scale), rounded to f32. */
export function f32Matrix(seed: string | number, rows: number, cols: number, scale = 1): Matrix {
  const rng = createRng(seedOf(seed));
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = Math.fround(rng.uniform(-scale, scale));
  return { rows, cols, data };
}

/** A (n×p), W (p×q, Xavier-like so H stays O(1) and tanh/sigmoid are not saturated), b (1×q). */
export function denseInputs(key: string, n: number, p: number, q: number): { A: Matrix; W: Matrix; b: Matrix } {
  return {
    A: f32Matrix(`${key}/A`, n, p),
    W: f32Matrix(`${key}/W`, p, q, 1.5 / Math.sqrt(p)),
    b: f32Matrix(`${key}/b`, 1, q, 0.5),
  };
}

/**
 * A stored forward pair H (n×p) and A = act(H) as the forward pass leaves them, rounded to f32.
 * Every 13th H is exactly 0, where relu's derivative is defined as 0 (FORMATS.md).
 */
export function storedForward(
  key: string,
  n: number,
  p: number,
  activation: Exclude<Activation, 'softmax'>,
): { H: Matrix; A: Matrix } {
  const H = f32Matrix(`${key}/H`, n, p, 2);
  for (let k = 0; k < H.data.length; k += 13) H.data[k] = 0;
  const A = { rows: n, cols: p, data: H.data.map((h) => Math.fround(activate(activation, h))) };
  return { H, A };
}

/**
 * Output-layer inputs: H, F = act(H) (rounded to f32) and targets Y that fit the loss: for
 * cross-entropy one-hot rows and probability rows alternate (FORMATS.md allows both).
 */
export function outputInputs(
  key: string,
  n: number,
  p: number,
  activation: Activation,
  loss: LossKind,
): { H: Matrix; F: Matrix; Y: Matrix } {
  const H = f32Matrix(`${key}/H`, n, p, 3);
  const F = { rows: n, cols: p, data: new Float64Array(n * p) };
  if (activation === 'softmax') softmaxRows(H.data, F.data, n, p);
  else for (let k = 0; k < n * p; k++) F.data[k] = activate(activation, H.data[k]!);
  for (let k = 0; k < n * p; k++) F.data[k] = Math.fround(F.data[k]!);
  const rng = createRng(seedOf(`${key}/Y`));
  const Y = { rows: n, cols: p, data: new Float64Array(n * p) };
  if (loss === 'cross-entropy') {
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) {
        Y.data[i * p + rng.int(p)] = 1;
      } else {
        let s = 0;
        for (let j = 0; j < p; j++) s += Y.data[i * p + j] = rng.next();
        for (let j = 0; j < p; j++) Y.data[i * p + j] = Math.fround(Y.data[i * p + j]! / s);
      }
    }
  } else {
    for (let k = 0; k < n * p; k++) Y.data[k] = Math.fround(rng.uniform(-1, 1));
  }
  return { H, F, Y };
}
