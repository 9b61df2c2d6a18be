import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type Matrix, fromRows, matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward, type ForwardBackwardResult } from '../train/forward-backward.js';
import type { ParameterSet } from '../train/types.js';
import { compareArrays } from './compare.js';
import { transpose } from './layout.js';
import { weightGradients } from './ops.js';
import { CompareInputError, type NamedArray } from './types.js';

// A small net with a square middle layer (4 → 4) and as many samples as... not units, so shapes decide.
const spec: ModelSpec = {
  inputSize: 3,
  layers: [
    { units: 4, activation: 'tanh' },
    { units: 4, activation: 'tanh' },
    { units: 2, activation: 'identity' },
  ],
  loss: 'sse',
};
const det = (r: number, c: number, seed: number): Matrix =>
  matrix(r, c, Array.from({ length: r * c }, (_, k) => Math.sin(seed * 7.13 + k * 1.7) * 0.8));
const params: ParameterSet = {
  W: [det(3, 4, 1), det(4, 4, 2), det(4, 2, 3)],
  b: [det(1, 4, 4), det(1, 4, 5), det(1, 2, 6)],
};
const X = det(5, 3, 7);
const Y = det(5, 2, 8);

const arr = (name: string, m: Matrix): NamedArray => ({ name, dtype: 'float64', shape: [m.rows, m.cols], data: m.data.slice() });

function rowsArrays(fb: ForwardBackwardResult): NamedArray[] {
  const out = [arr('output', fb.output), arr('dX', fb.dX), { name: 'loss', dtype: 'float64', shape: [], data: Float64Array.of(fb.loss) }];
  fb.layers.forEach((l, i) => {
    if (i > 0) out.push(arr(`A${i}`, l.A));
    out.push(arr(`H${i}`, l.H), arr(`G${i}`, l.G), arr(`dW${i}`, l.dW), { name: `db${i}`, dtype: 'float64', shape: [l.db.cols], data: l.db.data.slice() });
  });
  return out;
}

describe('compareArrays (in-memory arrays)', () => {
  it('a correct float64 set matches', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays: rowsArrays(fb) });
    expect(report.verdict).toBe('match');
    expect(report.layout.name).toBe('rows');
    expect(report.firstError).toBeNull();
  });

  it('names dW-uses-H at layer 1 and leaves the rest ok', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const arrays = rowsArrays(fb).map((a) =>
      a.name === 'dW1' ? arr('dW1', weightGradients(fb.layers[0]!.H, fb.layers[1]!.G).dW) : a,
    );
    const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays });
    expect(report.verdict).toBe('diverges');
    expect(report.firstError).toEqual({ layer: 1, quantity: 'dW' });
    expect(report.diagnoses.map((d) => d.code)).toEqual(['dW-uses-H']);
  });

  it('reads the columns layout (transposed, 1-based) and marks downstream errors inherited', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const neg = (m: Matrix): Matrix => ({ ...m, data: m.data.map((x) => -x) });
    const G2 = neg(fb.layers[2]!.G);
    const arrays: NamedArray[] = [arr('dZ3', transpose(G2)), arr('dW3', transpose(weightGradients(fb.layers[2]!.A, G2).dW))];
    const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays });
    expect(report.layout.name).toBe('columns');
    expect(report.layout.base).toBe(1);
    expect(report.diagnoses.map((d) => [d.code, d.layer, d.quantity])).toEqual([['sign', 2, 'G']]);
    expect(report.quantities.find((q) => q.name === 'dW2')!.status).toBe('inherited');
  });

  it('refuses unknown names and wrong shapes with what was expected', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    await expect(compareArrays({ model: spec, parameters: params, X, Y, arrays: [arr('foo', fb.dX)] })).rejects.toThrow(/unknown array name "foo"/);
    await expect(
      compareArrays({ model: spec, parameters: params, X, Y, arrays: [arr('dW0', fromRows([[1, 2]]))] }),
    ).rejects.toThrow(CompareInputError);
  });
});
