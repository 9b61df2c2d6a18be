import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type Matrix, fromRows, matrix, toRows } from '../core/matrix.js';
import { serializeGradients } from '../io/gradients-file.js';
import { namedArraysFromJson } from './json-arrays.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward, type ForwardBackwardResult } from '../train/forward-backward.js';
import type { ParameterSet } from '../train/types.js';
import { compareArrays } from './compare.js';
import { transpose } from './layout.js';
import { createRng } from '../core/rng.js';
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

  it('reads PyTorch parameter-gradient names (out × in) by module index', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const arrays: NamedArray[] = [];
    [0, 2, 4].forEach((m, i) => {
      arrays.push(arr(`${m}.weight.grad`, transpose(fb.layers[i]!.dW)), { name: `${m}.bias.grad`, dtype: 'float32', shape: [fb.layers[i]!.db.cols], data: fb.layers[i]!.db.data.slice() });
    });
    arrays.push(arr('0.weight', transpose(params.W[0]!)));
    const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays });
    expect(report.layout.name).toBe('pytorch');
    expect(report.layout.mapping['2.weight.grad']).toBe('dW1');
    expect(report.verdict).toBe('match');
  });

  it('square everything: names decide, else values, and the note says so', async () => {
    const sq: ModelSpec = { inputSize: 4, layers: [{ units: 4, activation: 'tanh' }, { units: 4, activation: 'identity' }], loss: 'sse' };
    const P: ParameterSet = { W: [det(4, 4, 11), det(4, 4, 12)], b: [det(1, 4, 13), det(1, 4, 14)] };
    const X4 = det(4, 4, 15);
    const Y4 = det(4, 4, 16);
    const fb = await forwardBackward(new Cpu64Backend(), sq, P, X4, Y4);
    const cols = [arr('dW1', transpose(fb.layers[0]!.dW)), arr('dW2', transpose(fb.layers[1]!.dW)), arr('dZ2', transpose(fb.layers[1]!.G))];
    const byValues = await compareArrays({ model: sq, parameters: P, X: X4, Y: Y4, arrays: cols });
    expect(byValues.report.layout.name).toBe('columns');
    expect(byValues.report.layout.orientationFrom).toBe('values');
    expect(byValues.report.layout.notes.join(' ')).toMatch(/values match the reference/);
    expect(byValues.report.verdict).toBe('match');
    const withCost = [...cols, { name: 'cost', dtype: 'float64', shape: [], data: Float64Array.of(fb.loss) }];
    const byNames = await compareArrays({ model: sq, parameters: P, X: X4, Y: Y4, arrays: withCost });
    expect(byNames.report.layout.orientationFrom).toBe('names');
    expect(byNames.report.layout.name).toBe('columns');
  });

  it('--map names arrays in our names', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const arrays = [arr('grad_first', fb.layers[0]!.dW), arr('yhat_final', fb.output)];
    const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays, options: { map: { grad_first: 'dW0', yhat_final: 'output' } } });
    expect(report.layout.mapping).toEqual({ grad_first: 'dW0', yhat_final: 'output' });
    expect(report.verdict).toBe('match');
  });

  it('reads a gradients file and a JSON object of named arrays', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const grads = namedArraysFromJson(JSON.parse(serializeGradients(fb)));
    expect((await compareArrays({ model: spec, parameters: params, X, Y, arrays: grads })).report.verdict).toBe('match');
    const json = namedArraysFromJson({ dW0: toRows(fb.layers[0]!.dW), loss: fb.loss });
    expect((await compareArrays({ model: spec, parameters: params, X, Y, arrays: json })).report.verdict).toBe('match');
    expect(() => namedArraysFromJson({ dW0: [[1, 2], [3]] })).toThrow(/dW0\[1\]: ragged array/);
  });

  it('refuses weights in the arrays that are not the weights file', async () => {
    const other = arr('W1', det(4, 4, 99));
    await expect(compareArrays({ model: spec, parameters: params, X, Y, arrays: [other] })).rejects.toThrow(/W1 differs from W1 in the weights file/);
  });

  it('any names and shapes end in a report or a CompareInputError (300 random sets)', async () => {
    const rng = createRng(5);
    const names = ['H0', 'A1', 'G2', 'dW1', 'db0', 'dX', 'loss', 'output', 'Z3', 'dZ1', 'dA0', 'cost', 'W1', 'b2', '0.weight.grad', '2.bias.grad', 'X', 'Y', 'dW3'];
    for (let t = 0; t < 300; t++) {
      const arrays: NamedArray[] = [];
      const count = 1 + rng.int(4);
      for (let k = 0; k < count; k++) {
        const dims = rng.int(4);
        const shape = Array.from({ length: dims }, () => rng.int(7));
        const size = shape.reduce((a, b) => a * b, 1);
        arrays.push({ name: names[rng.int(names.length)]!, dtype: '<f8', shape, data: Float64Array.from({ length: size }, () => rng.normal()) });
      }
      try {
        const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays });
        expect(['match', 'rounding', 'diverges']).toContain(report.verdict);
      } catch (e) {
        if (!(e instanceof CompareInputError)) throw new Error(`case ${t} ${JSON.stringify(arrays.map((a) => [a.name, a.shape]))}: ${String(e)}`);
      }
    }
  });

  it('samples in rows with W out × in (nn.Linear style, no PyTorch names) is read as the pytorch layout from the shapes', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const arrays = [arr('H0', fb.layers[0]!.H), arr('dW0', transpose(fb.layers[0]!.dW)), arr('dW2', transpose(fb.layers[2]!.dW))];
    const { report } = await compareArrays({ model: spec, parameters: params, X, Y, arrays });
    expect(report.layout).toMatchObject({ name: 'pytorch', orientationFrom: 'shapes', notes: [] });
    expect(report.verdict).toBe('match');
    const onlySamples = await compareArrays({ model: spec, parameters: params, X, Y, arrays: [arr('H0', fb.layers[0]!.H)] });
    expect(onlySamples.report.layout).toMatchObject({ name: 'rows', orientationFrom: 'shapes', notes: [] });
  });
});
