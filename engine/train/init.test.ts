import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { ParameterError, initParameters, resolveInitialParameters, validateParameters } from './init.js';

const spec: ModelSpec = {
  inputSize: 200,
  layers: [
    { units: 300, activation: 'relu' },
    { units: 1, activation: 'identity' },
  ],
  loss: 'sse',
};

function stats(data: Float64Array): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let m = 0;
  for (const x of data) {
    s += x;
    m = Math.max(m, Math.abs(x));
  }
  const mean = s / data.length;
  let v = 0;
  for (const x of data) v += (x - mean) ** 2;
  return { mean, variance: v / data.length, maxAbs: m };
}

describe('initParameters', () => {
  it('draws Xavier/Glorot uniform within ±√(6/(fan_in+fan_out)) with variance 2/(fan_in+fan_out)', () => {
    const p = initParameters(spec, 'xavier', 1);
    const s = stats(p.W[0]!.data);
    const a = Math.sqrt(6 / 500);
    expect(s.maxAbs).toBeLessThanOrEqual(a);
    expect(s.maxAbs).toBeGreaterThan(0.99 * a);
    expect(s.variance).toBeCloseTo(2 / 500, 4);
    expect(Math.abs(s.mean)).toBeLessThan(0.003);
  });

  it('draws He normal with variance 2/fan_in', () => {
    const p = initParameters(spec, 'he', 2);
    const s = stats(p.W[0]!.data);
    expect(s.variance / (2 / 200)).toBeGreaterThan(0.97);
    expect(s.variance / (2 / 200)).toBeLessThan(1.03);
    expect(p.W[1]!.rows).toBe(300);
    expect(p.W[1]!.cols).toBe(1);
  });

  it('starts every bias at 0 and is reproducible from the seed', () => {
    const a = initParameters(spec, 'xavier', 42);
    const b = initParameters(spec, 'xavier', 42);
    const c = initParameters(spec, 'xavier', 43);
    expect(a).toEqual(b);
    expect(a.W[0]!.data).not.toEqual(c.W[0]!.data);
    for (const v of a.b) expect(Array.from(v.data).every((x) => x === 0)).toBe(true);
  });
});

describe('user-given parameters', () => {
  const tiny: ModelSpec = { inputSize: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'mse' };
  it('accepts matching shapes and copies them', () => {
    const W = fromRows([[1], [2]]);
    const got = resolveInitialParameters(tiny, { parameters: { W: [W], b: [fromRows([[0.5]])] } }, 0);
    W.data[0] = 99;
    expect(got.W[0]!.data[0]).toBe(1);
  });
  it('names the key path and the expected shape of a wrong W or b', () => {
    expect(() => validateParameters(tiny, { W: [fromRows([[1, 2]])], b: [matrix(1, 1)] })).toThrow(
      'parameters[0].W: is 1×2, expected 2×1 (layer 0 maps 2 → 1 units)',
    );
    expect(() => validateParameters(tiny, { W: [matrix(2, 1)], b: [matrix(1, 2)] })).toThrow(
      /parameters\[0\]\.b: is 1×2, expected 1×1/,
    );
    expect(() => validateParameters(tiny, { W: [], b: [] })).toThrow(ParameterError);
  });
  it('rejects non-finite values with their position', () => {
    expect(() => validateParameters(tiny, { W: [fromRows([[1], [NaN]])], b: [matrix(1, 1)] })).toThrow(
      'parameters[0].W: value at [1][0] is NaN',
    );
  });
});
