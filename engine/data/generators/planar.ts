/**
 * The classic 2-D classification sets (as in TensorFlow Playground, scikit-learn's make_moons
 * and CS231n's spiral), on roughly [-1, 1]². Labels are decided before noise is added, so noise
 * makes the classes overlap, as it does in real data.
 */
import type { Rng } from '../../core/rng.js';
import type { LabeledDataset } from '../types.js';
import { classification } from './build.js';

const XY = ['x1', 'x2'];

/** Inside a disc of radius 0.5 vs a ring between 0.7 and 1. */
export function circles(rng: Rng, n: number, noise: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const outer = i % 2;
    const r = outer ? rng.uniform(0.7, 1) : 0.5 * Math.sqrt(rng.next());
    const a = rng.uniform(0, 2 * Math.PI);
    X[2 * i] = r * Math.cos(a) + noise * rng.normal();
    X[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
    labels[i] = outer;
  }
  return classification('circles', X, 2, labels, ['inside', 'outside'], XY);
}

/** Class 1 where x1 and x2 have opposite signs; points keep a small margin from the axes. */
export function xor(rng: Rng, n: number, noise: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  const margin = 0.05;
  for (let i = 0; i < n; i++) {
    let x = rng.uniform(-1, 1);
    let y = rng.uniform(-1, 1);
    x += x > 0 ? margin : -margin;
    y += y > 0 ? margin : -margin;
    labels[i] = x * y < 0 ? 1 : 0;
    X[2 * i] = x + noise * rng.normal();
    X[2 * i + 1] = y + noise * rng.normal();
  }
  return classification('xor', X, 2, labels, ['same sign', 'opposite sign'], XY);
}

/** Two round Gaussian blobs centred at (−0.5, −0.5) and (0.5, 0.5); noise is their std. */
export function gaussians(rng: Rng, n: number, noise: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 2;
    const c = k ? 0.5 : -0.5;
    X[2 * i] = c + noise * rng.normal();
    X[2 * i + 1] = c + noise * rng.normal();
    labels[i] = k;
  }
  return classification('gaussians', X, 2, labels, ['a', 'b'], XY);
}

/** K interleaved spiral arms (radius 0…1, `turns` turns each); noise jitters the angle. */
export function spiral(rng: Rng, n: number, noise: number, classes: number, turns: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    const t = rng.uniform(0.05, 1);
    const a = (2 * Math.PI * k) / classes + 2 * Math.PI * turns * t + noise * 4 * rng.normal() * t;
    X[2 * i] = t * Math.cos(a);
    X[2 * i + 1] = t * Math.sin(a);
    labels[i] = k;
  }
  const names = Array.from({ length: classes }, (_, k) => `arm ${k + 1}`);
  return classification('spiral', X, 2, labels, names, XY);
}

/** Two interleaving half circles (scikit-learn's make_moons), centred and scaled to about [-1, 1]. */
export function moons(rng: Rng, n: number, noise: number): LabeledDataset {
  const X = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 2;
    const t = rng.uniform(0, Math.PI);
    const x = k ? 1 - Math.cos(t) : Math.cos(t);
    const y = k ? 0.5 - Math.sin(t) : Math.sin(t);
    X[2 * i] = (x - 0.5) / 1.5 + noise * rng.normal();
    X[2 * i + 1] = (y - 0.25) / 1.5 + noise * rng.normal();
    labels[i] = k;
  }
  return classification('moons', X, 2, labels, ['upper', 'lower'], XY);
}
