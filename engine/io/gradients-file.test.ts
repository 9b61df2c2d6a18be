import { describe, expect, it } from 'vitest';
import { fromRows } from '../core/matrix.js';
import { FormatError } from './format-error.js';
import { type GradientsFile, parseGradients, serializeGradients } from './gradients-file.js';
import { parseAnyFile } from './any-file.js';
import { serializeBatch } from './batch-file.js';
import { serializeWeights } from './weights-file.js';
import { tinyBatch, tinyWeights } from './test-fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break parsed JSON documents key by key
type Doc = any;

/** n = 2 samples through 2 → 3 → 1. Values are arbitrary: only shapes matter to the codec. */
function tinyGradients(): GradientsFile {
  const m = (r: number, c: number, base: number) =>
    fromRows(Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => base + i * c + j + 0.5)));
  return {
    backend: 'cpu-f64',
    loss: 0.1234,
    output: m(2, 1, 100),
    layers: [
      { A: m(2, 2, 0), H: m(2, 3, 10), G: m(2, 3, 20), dW: m(2, 3, 30), db: m(1, 3, 40) },
      { A: m(2, 3, 50), H: m(2, 1, 60), G: m(2, 1, 70), dW: m(3, 1, 80), db: m(1, 1, 90) },
    ],
    dX: m(2, 2, -5),
  };
}

const message = (text: string): string => {
  try {
    parseGradients(text);
  } catch (e) {
    if (e instanceof FormatError) return e.message.replace(/ \(line \d+, column \d+\)$/, '');
    throw e;
  }
  throw new Error('expected a FormatError');
};

function broken(mutate: (d: Doc) => void): string {
  const d = JSON.parse(serializeGradients(tinyGradients()));
  mutate(d);
  return JSON.stringify(d);
}

describe('gradients file', () => {
  it('round-trips every matrix exactly', () => {
    const g = tinyGradients();
    expect(parseGradients(serializeGradients(g))).toEqual(g);
  });

  it.each<[string, (d: Doc) => void, string]>([
    [
      'unknown backend',
      (d) => (d.backend = 'cuda'),
      'backend: expected one of "cpu-f64", "cpu-f32", "webgpu-f32", got "cuda"',
    ],
    ['loss missing', (d) => delete d.loss, 'loss: missing (this key is required)'],
    ['loss a string', (d) => (d.loss = 'NaN'), 'loss: expected a finite number, got "NaN"'],
    ['no layers', (d) => (d.layers = []), 'layers: expected at least one layer, got an empty array'],
    [
      'H rows ≠ batch size',
      (d) => d.layers[0].H.pop(),
      'layers[0].H: expected 2 rows (the batch size, from layers[0].A), got 1',
    ],
    [
      'G narrower than H',
      (d) => d.layers[0].G[1].pop(),
      'layers[0].G[1]: expected 3 numbers (the width of layers[0].H), got 2',
    ],
    [
      'next A not as wide as H',
      (d) => d.layers[1].A[0].pop(),
      'layers[1].A[0]: expected 3 numbers (the width of layers[0].H), got 2',
    ],
    [
      'dW rows ≠ fan-in',
      (d) => d.layers[1].dW.pop(),
      'layers[1].dW: expected 3 rows (the width of layers[1].A), got 2',
    ],
    ['db length', (d) => d.layers[1].db.push(0), 'layers[1].db: expected 1 number (the width of layers[1].H), got 2'],
    [
      'output width',
      (d) =>
        (d.output = [
          [1, 2],
          [3, 4],
        ]),
      'output[0]: expected 1 number (the width of layers[1].H), got 2',
    ],
    ['dX width', (d) => (d.dX = [[1], [2]]), 'dX[0]: expected 2 numbers (the width of layers[0].A), got 1'],
    ['dX entry', (d) => (d.dX[1][0] = {}), 'dX[1][0]: expected a finite number, got an object'],
  ])('%s', (_name, mutate, expected) => {
    expect(message(broken(mutate))).toBe(expected);
  });

  it('refuses to write a non-finite gradient, naming it', () => {
    const g = tinyGradients();
    g.layers[1]!.G.data[1] = -Infinity;
    expect(() => serializeGradients(g)).toThrow('layers[1].G[1][0]: cannot write -Infinity');
  });
});

describe('reading a file of unknown kind', () => {
  it('tells the three formats apart', () => {
    expect(parseAnyFile(serializeWeights(tinyWeights())).kind).toBe('weights');
    expect(parseAnyFile(serializeBatch(tinyBatch())).kind).toBe('batch');
    const any = parseAnyFile(serializeGradients(tinyGradients()));
    expect(any.kind).toBe('gradients');
    expect(any.version).toBe(1);
  });

  it('says what it expected for anything else', () => {
    expect(() => parseAnyFile('{"x": 1}')).toThrow(
      'format: not a Backprop Lens file: expected one of "backprop-lens/weights", "backprop-lens/batch", "backprop-lens/gradients", got nothing',
    );
  });
});
