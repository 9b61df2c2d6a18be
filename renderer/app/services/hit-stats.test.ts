import { describe, expect, it } from 'vitest';
import { evaluateBreakpoints } from '../../../engine/index.js';
import { hitStats, sig4 } from './hit-stats.js';

describe('the statistics of the matrix a breakpoint fired on', () => {
  it('show the norm the message compares, written the same way', () => {
    const G = { rows: 2, cols: 2, data: Float64Array.from([300, 400, 0, 0.5]) };
    const [hit] = evaluateBreakpoints(
      [{ kind: 'exploding', threshold: 100 }],
      [{ name: 'G', index: 1, layer: 1, matrix: G }],
      { step: 7, op: { kind: 'loss', layer: null, index: 4, label: 'loss' } as never, activationOf: () => 'tanh', previousLosses: [] },
    );
    const s = hitStats(hit!, G, 'tanh');
    const norm = s.find((x) => x.compared)!;
    expect(norm.label).toBe('‖G_1‖');
    expect(hit!.message).toContain(`= ${norm.value} `);
    expect(s.find((x) => x.label === 'max')!.value).toBe('400');
    expect(s.some((x) => x.label === 'saturated')).toBe(false); // only for A of a tanh/sigmoid layer
  });

  it('dead units and saturation for activations; non-finite counted', () => {
    const A = { rows: 2, cols: 3, data: Float64Array.from([0, 1, NaN, 0, 2, 3]) };
    const hit = { condition: { kind: 'dead-relu', fraction: 0.2 }, step: 1, op: {} as never, layer: 0, matrix: 'A', matrixIndex: 1, cells: [0], message: '' } as never;
    const s = hitStats(hit, A, 'relu');
    expect(s.find((x) => x.label === 'dead units')).toMatchObject({ value: '1 of 3 (33.3%)', compared: true });
    expect(s.find((x) => x.label === 'non-finite')!.value).toBe('1');
  });

  it('sig4 writes 4 significant digits, exponents for tiny and huge values', () => {
    expect(sig4(1.234567)).toBe('1.235');
    expect(sig4(1.5e-8)).toBe('1.500e-8');
    expect(sig4(123456)).toBe('1.235e+5');
    expect(sig4(Infinity)).toBe('+Inf');
  });
});
