/** Regression sets: a plane and a sum of Gaussian bumps on [-1, 1]², and 1-D curves. */
import type { Rng } from '../../core/rng.js';
import type { LabeledDataset } from '../types.js';
import { regression } from './build.js';

/** y = (x1 + x2) / 2 + noise·N(0, 1). */
export function plane(rng: Rng, n: number, noise: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    X[2 * i] = a;
    X[2 * i + 1] = b;
    Y[i] = (a + b) / 2 + noise * rng.normal();
  }
  return regression('plane', X, 2, Y, ['x1', 'x2']);
}

// Two positive and two negative bumps at the quadrant centres (as TF Playground's "Gaussian").
const BUMPS = [
  { x: 0.5, y: 0.5, a: 1 },
  { x: -0.5, y: -0.5, a: 1 },
  { x: 0.5, y: -0.5, a: -1 },
  { x: -0.5, y: 0.5, a: -1 },
];

/** y = Σ a_k exp(−|x − c_k|² / (2·0.3²)) + noise·N(0, 1). */
export function gaussianBumps(rng: Rng, n: number, noise: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    let y = 0;
    for (const c of BUMPS) y += c.a * Math.exp(-((a - c.x) ** 2 + (b - c.y) ** 2) / (2 * 0.09));
    X[2 * i] = a;
    X[2 * i + 1] = b;
    Y[i] = y + noise * rng.normal();
  }
  return regression('gaussian-regression', X, 2, Y, ['x1', 'x2']);
}

/** Samples f on [lo, hi]: uniform random x (seeded) or, with grid, n evenly spaced points including both ends. */
function curve(
  name: string,
  f: (x: number) => number,
  lo: number,
  hi: number,
  rng: Rng,
  n: number,
  noise: number,
  grid: boolean,
): LabeledDataset {
  const X = new Float64Array(n);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = grid ? (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)) : rng.uniform(lo, hi);
    X[i] = x;
    Y[i] = f(x) + (noise > 0 ? noise * rng.normal() : 0);
  }
  return regression(name, X, 1, Y, ['x']);
}

/** The first tutorial's task: y = x·sin(4πx) on [0, 1]. */
export function xsin(rng: Rng, n: number, noise: number, grid: boolean): LabeledDataset {
  return curve('xsin', (x) => x * Math.sin(4 * Math.PI * x), 0, 1, rng, n, noise, grid);
}

/** y = sin(x) on [−π, π]. */
export function sine(rng: Rng, n: number, noise: number, grid: boolean): LabeledDataset {
  return curve('sine', Math.sin, -Math.PI, Math.PI, rng, n, noise, grid);
}
