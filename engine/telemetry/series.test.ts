import { describe, expect, it } from 'vitest';
import { decimateSeries, thinSeries } from './series.js';

describe('decimateSeries', () => {
  it('keeps each bucket’s minimum and maximum so spikes and dips survive', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 1 / (1 + i / 100));
    values[4321] = 50;
    values[8000] = -3;
    const d = decimateSeries(values, 200);
    expect(d.x.length).toBeLessThanOrEqual(200);
    expect(Array.from(d.y)).toContain(50);
    expect(Array.from(d.y)).toContain(-3);
    expect(Array.from(d.x)).toEqual([...d.x].sort((a, b) => a - b));
  });

  it('keeps a NaN and passes short series through', () => {
    const values = Array.from({ length: 1000 }, () => 1);
    values[10] = NaN;
    expect(Array.from(decimateSeries(values, 20).y).some(Number.isNaN)).toBe(true);
    expect(Array.from(decimateSeries([3, 2, 1], 20).y)).toEqual([3, 2, 1]);
  });
});

describe('thinSeries', () => {
  const points = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 1 / (1 + i), validationLoss: null as number | null }));

  it('keeps a single spike, a NaN and an Infinity among 5000 points thinned to 1000, and the newest point', () => {
    const p = points(5000);
    p[1233]!.loss = 80;
    p[2001]!.loss = NaN;
    p[4001]!.loss = Infinity;
    const t = thinSeries(p, 1000, (q) => q.loss);
    expect(t.length).toBeLessThanOrEqual(1000);
    expect(t.map((q) => q.step)).toContain(1234);
    expect(t.some((q) => Number.isNaN(q.loss))).toBe(true);
    expect(t.some((q) => q.loss === Infinity)).toBe(true);
    expect(t.at(-1)!.step).toBe(5000);
    expect(t.map((q) => q.step)).toEqual([...t.map((q) => q.step)].sort((a, b) => a - b));
  });

  it('keeps each channel\'s extremes (a sparse validation loss included) and passes short series through', () => {
    const p = points(3000);
    for (let i = 99; i < 3000; i += 100) p[i]!.validationLoss = 0.5;
    p[1499]!.validationLoss = 9;
    const t = thinSeries(p, 200, (q) => q.loss, (q) => q.validationLoss);
    expect(t.length).toBeLessThanOrEqual(200);
    expect(t.some((q) => q.validationLoss === 9)).toBe(true);
    expect(thinSeries(points(5), 1000, (q) => q.loss)).toHaveLength(5);
  });
});
