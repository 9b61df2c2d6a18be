/**
 * A 2-D view of inputs with more than two dimensions: the first two principal components of the
 * standardised inputs (power iteration with deflation: p × p covariance, fine up to a few
 * thousand features), so the Train view can show every sample coloured by what the network predicts.
 */
import type { MatrixView } from './matrix.js';

export interface Projection {
  /** n × 2, row-major: each sample's coordinates on the two components. */
  readonly coords: Float64Array;
  /** Share of the (standardised) variance each component explains. */
  readonly explained: readonly [number, number];
}

function powerIteration(C: Float64Array, p: number, seed: number): { v: Float64Array; lambda: number } {
  let v = Float64Array.from({ length: p }, (_, k) => Math.sin(seed * 12.9898 + k * 78.233) + 1.5);
  let lambda = 0;
  for (let it = 0; it < 200; it++) {
    const w = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += C[a * p + b]! * v[b]!;
      w[a] = s;
    }
    const norm = Math.hypot(...w);
    if (norm === 0) return { v, lambda: 0 };
    for (let a = 0; a < p; a++) w[a]! /= norm;
    const change = w.reduce((s, x, a) => s + Math.abs(x - v[a]!), 0);
    v = w;
    lambda = norm;
    if (change < 1e-10) break;
  }
  return { v, lambda };
}

export function pca2(X: MatrixView): Projection {
  const n = X.rows;
  const p = X.cols;
  const Z = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X.data[i * p + j]!;
    mean /= Math.max(1, n);
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (X.data[i * p + j]! - mean) ** 2;
    const sd = Math.sqrt(sq / Math.max(1, n - 1)) || 1; // a constant column stays 0
    for (let i = 0; i < n; i++) Z[i * p + j] = (X.data[i * p + j]! - mean) / sd;
  }
  const C = new Float64Array(p * p);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < p; a++) {
      const za = Z[i * p + a]!;
      if (za === 0) continue;
      for (let b = a; b < p; b++) C[a * p + b]! += za * Z[i * p + b]!;
    }
  let trace = 0;
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      C[a * p + b]! /= Math.max(1, n - 1);
      C[b * p + a] = C[a * p + b]!;
    }
    trace += C[a * p + a]!;
  }
  const first = powerIteration(C, p, 1);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) C[a * p + b]! -= first.lambda * first.v[a]! * first.v[b]!;
  const second = powerIteration(C, p, 2);
  const coords = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s1 = 0;
    let s2 = 0;
    for (let a = 0; a < p; a++) {
      s1 += Z[i * p + a]! * first.v[a]!;
      s2 += Z[i * p + a]! * second.v[a]!;
    }
    coords[2 * i] = s1;
    coords[2 * i + 1] = s2;
  }
  return { coords, explained: [trace ? first.lambda / trace : 0, trace ? second.lambda / trace : 0] };
}
