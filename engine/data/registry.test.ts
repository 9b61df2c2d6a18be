import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, builtinInfo, builtinNames, generateBuiltin, resolveParams } from './registry.js';
import { catchDatasetError } from './test-helpers.js';
import type { LabeledDataset } from './types.js';

function classCounts(ds: LabeledDataset): number[] {
  const counts = new Array<number>(ds.Y.cols).fill(0);
  for (let i = 0; i < ds.Y.rows; i++) {
    const row = ds.Y.data.subarray(i * ds.Y.cols, (i + 1) * ds.Y.cols);
    expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    counts[row.indexOf(1)]!++;
  }
  return counts;
}

describe('built-in datasets', () => {
  it('lists every built-in with description, task and parameters, matching what it generates', () => {
    expect(builtinNames()).toEqual([
      'circles',
      'xor',
      'gaussians',
      'spiral',
      'moons',
      'plane',
      'gaussian-regression',
      'xsin',
      'sine',
      'digits',
    ]);
    for (const info of BUILTIN_DATASETS) {
      expect(info.description.length).toBeGreaterThan(10);
      const params = Object.fromEntries(info.params.map((q) => [q.name, q.default]));
      expect(params.seed).toBeDefined();
      const { train, test } = generateBuiltin(info.name, { n: 50, testN: 20 });
      expect(train.meta.task).toBe(info.task);
      expect(train.X.cols).toBe(info.inputSize);
      expect(train.Y.cols).toBe(info.outputSize);
      expect(train.X.rows).toBe(50);
      expect(test.X.rows).toBe(20);
      expect(train.meta.featureNames.length).toBe(info.inputSize);
      expect(train.meta.targetNames.length).toBe(info.outputSize);
      for (const v of [...train.X.data, ...train.Y.data, ...test.X.data]) expect(Number.isFinite(v)).toBe(true);
      if (info.task === 'classification') expect(train.meta.classNames).toHaveLength(info.outputSize);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    for (const name of builtinNames()) {
      const a = generateBuiltin(name, { n: 30, testN: 10, seed: 42 });
      const b = generateBuiltin(name, { n: 30, testN: 10, seed: 42 });
      const c = generateBuiltin(name, { n: 30, testN: 10, seed: 43 });
      expect(a.train.X.data).toEqual(b.train.X.data);
      expect(a.train.Y.data).toEqual(b.train.Y.data);
      expect(a.test.X.data).toEqual(b.test.X.data);
      expect(a.train.X.data).not.toEqual(c.train.X.data);
      expect(a.train.X.data).not.toEqual(a.test.X.data);
    }
  });

  it("xsin is the tutorial's task: 100 random training points on [0, 1], a 1000-point test grid", () => {
    const { train, test, params } = generateBuiltin('xsin');
    expect(params).toEqual({ n: 100, testN: 1000, noise: 0, grid: 0, seed: 1 });
    expect(train.X.rows).toBe(100);
    for (let i = 0; i < 100; i++) {
      const x = train.X.data[i]!;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      expect(train.Y.data[i]).toBe(x * Math.sin(4 * Math.PI * x));
    }
    expect(test.X.rows).toBe(1000);
    expect(test.X.data[0]).toBe(0);
    expect(test.X.data[999]).toBe(1);
    expect(test.X.data[500]).toBeCloseTo(500 / 999, 15);
    const grid = generateBuiltin('xsin', { grid: 1, n: 11 }).train;
    expect(Array.from(grid.X.data)).toEqual(Array.from({ length: 11 }, (_, i) => i / 10));
  });

  it('balances classes, and noise widens the spread', () => {
    expect(classCounts(generateBuiltin('spiral', { n: 300, classes: 3 }).train)).toEqual([100, 100, 100]);
    expect(classCounts(generateBuiltin('digits', { n: 200 }).train)).toEqual(new Array(10).fill(20));
    const spread = (noise: number): number => {
      const ds = generateBuiltin('gaussians', { n: 400, noise }).train;
      let s = 0;
      for (let i = 0; i < ds.X.rows; i++) s += Math.abs(Math.abs(ds.X.data[2 * i]!) - 0.5);
      return s / ds.X.rows;
    };
    expect(spread(0.5)).toBeGreaterThan(2 * spread(0.1));
    const plane = generateBuiltin('plane', { noise: 0 }).train;
    for (let i = 0; i < plane.X.rows; i++)
      expect(plane.Y.data[i]).toBeCloseTo((plane.X.data[2 * i]! + plane.X.data[2 * i + 1]!) / 2, 15);
  });

  it('circles and xor labels follow their geometry when noise is 0', () => {
    const c = generateBuiltin('circles', { noise: 0 }).train;
    const x = generateBuiltin('xor', { noise: 0 }).train;
    for (let i = 0; i < c.X.rows; i++) {
      const r = Math.hypot(c.X.data[2 * i]!, c.X.data[2 * i + 1]!);
      expect(c.Y.data[2 * i + 1]).toBe(r > 0.6 ? 1 : 0);
      const opposite = x.X.data[2 * i]! * x.X.data[2 * i + 1]! < 0;
      expect(x.Y.data[2 * i + 1]).toBe(opposite ? 1 : 0);
    }
  });

  it('digits are 8×8 images in [0, 1] that a nearest-centroid classifier mostly separates', () => {
    const { train, test } = generateBuiltin('digits', { n: 1000, testN: 300 });
    expect(train.meta.image).toEqual({ width: 8, height: 8 });
    const p = 64;
    const K = 10;
    const centroid = Array.from({ length: K }, () => new Float64Array(p));
    const count = new Array<number>(K).fill(0);
    const label = (ds: LabeledDataset, i: number): number => ds.Y.data.subarray(i * K, (i + 1) * K).indexOf(1);
    for (let i = 0; i < train.X.rows; i++) {
      const k = label(train, i);
      count[k]!++;
      for (let j = 0; j < p; j++) centroid[k]![j]! += train.X.data[i * p + j]!;
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) centroid[k]![j]! /= count[k]!;
    let correct = 0;
    for (let i = 0; i < test.X.rows; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let k = 0; k < K; k++) {
        let d = 0;
        for (let j = 0; j < p; j++) d += (test.X.data[i * p + j]! - centroid[k]![j]!) ** 2;
        if (d < bestD) [best, bestD] = [k, d];
      }
      if (best === label(test, i)) correct++;
    }
    const accuracy = correct / test.X.rows;
    expect(accuracy).toBeGreaterThan(0.6); // the classes are distinct glyphs…
    expect(accuracy).toBeLessThan(0.99); // …and the distortions make it a real task
    for (const v of train.X.data) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('validates parameters and names with clear errors', () => {
    expect(resolveParams('spiral', { noise: '0.2', classes: 3 })).toMatchObject({ noise: 0.2, classes: 3, n: 300 });
    expect(catchDatasetError(() => generateBuiltin('spirals')).message).toContain('built-ins: circles');
    expect(catchDatasetError(() => resolveParams('spiral', { classes: 1 }))).toMatchObject({
      code: 'bad-param',
      field: 'classes',
    });
    expect(catchDatasetError(() => resolveParams('spiral', { classes: 2.5 })).message).toContain('whole number');
    expect(catchDatasetError(() => resolveParams('xor', { noise: 'lots' })).message).toContain('must be a number');
    expect(catchDatasetError(() => resolveParams('xor', { colour: 1 })).message).toContain('no parameter "colour"');
    expect(builtinInfo('Spiral').name).toBe('spiral');
  });
});

describe('summarizeDataset', () => {
  it('gives per-column statistics and class counts', async () => {
    const { summarizeDataset } = await import('./summary.js');
    const s = summarizeDataset(generateBuiltin('spiral', { n: 90, classes: 3 }).train);
    expect(s.classCounts).toEqual([
      { name: 'arm 1', count: 30 },
      { name: 'arm 2', count: 30 },
      { name: 'arm 3', count: 30 },
    ]);
    expect(s.features).toHaveLength(2);
    expect(s.features[0]!.min).toBeGreaterThanOrEqual(-1);
    const r = summarizeDataset(generateBuiltin('xsin', { grid: 1, n: 3 }).train);
    expect(r.features[0]).toMatchObject({ name: 'x', min: 0, max: 1, mean: 0.5 });
    expect(r.features[0]!.std).toBeCloseTo(Math.sqrt(1 / 6), 15);
    expect(r.classCounts).toBeNull();
  });
});
