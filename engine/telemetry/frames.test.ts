import { describe, expect, it } from 'vitest';
import { matrix } from '../core/matrix.js';
import { decimate } from './decimate.js';
import { buildHistoryFrame, historyPayload, thinLosses, type RecordedStep } from './frames.js';

describe('frame losses', () => {
  it('keep a single spike and a NaN when thinned (every-k-th thinning dropped them)', () => {
    const points = Array.from({ length: 4000 }, (_, i) => ({ step: i + 1, loss: 1, validationLoss: null }));
    points[1001] = { step: 1002, loss: 500, validationLoss: null };
    points[2223] = { step: 2224, loss: NaN, validationLoss: null };
    const t = thinLosses(points);
    expect(t.length).toBeLessThanOrEqual(1000);
    expect(t.some((p) => p.loss === 500)).toBe(true);
    expect(t.some((p) => Number.isNaN(p.loss))).toBe(true);
    expect(t.at(-1)!.step).toBe(4000);
  });
});

describe('history frames', () => {
  const G = matrix(100, 30);
  for (let k = 0; k < G.data.length; k++) G.data[k] = Math.cos(k) * 0.01;
  G.data[77 * 30 + 5] = -3;
  const entry: RecordedStep = {
    step: 4,
    epoch: 1,
    loss: 0.5,
    validationLoss: null,
    layers: [],
    parameters: null,
    matrices: { G_0: decimate(G, 64, 64) },
  };

  it('carry the block geometry the copy was made with (no sizes patched after the fact)', () => {
    const p = historyPayload(entry, 'G', 0)!;
    expect([p.rows, p.cols, p.blockRows, p.blockCols, p.sourceRows, p.sourceCols]).toEqual([50, 30, 2, 1, 100, 30]);
    // Each cell is the largest-magnitude value of exactly its blockRows × blockCols source block.
    const cell = p.data[Math.floor(77 / p.blockRows) * p.cols + 5];
    expect(cell).toBe(-3);
    for (let r = 0; r < p.rows; r++)
      for (let c = 0; c < p.cols; c++) {
        let best = 0;
        for (let i = r * p.blockRows; i < Math.min(100, (r + 1) * p.blockRows); i++) {
          const v = G.data[i * 30 + c]!;
          if (Math.abs(v) > Math.abs(best)) best = v;
        }
        expect(p.data[r * p.cols + c]).toBe(Math.fround(best));
      }
    expect([p.min, p.max, p.nonFinite]).toEqual([-3, G.data.reduce((a, b) => Math.max(a, b), -Infinity), 0]);
  });

  it('shrink a history copy further with composed blocks that still describe the source', () => {
    const f = buildHistoryFrame(entry, { matrices: { names: ['G'] }, histograms: false, maxSize: 16, budget: 1 }, 1, undefined);
    const p = f.matrices[0]!;
    expect([p.rows, p.cols, p.sourceRows, p.sourceCols]).toEqual([13, 15, 100, 30]);
    expect([p.blockRows, p.blockCols]).toEqual([8, 2]);
    expect(p.data[Math.floor(77 / 8) * p.cols + Math.floor(5 / 2)]).toBe(-3);
  });
});
