import { describe, expect, it } from 'vitest';
import { fromRows, fromRows as rows } from '../core/matrix.js';
import { FormatError } from './format-error.js';
import { parseBatch, serializeBatch } from './batch-file.js';
import { checkBatchFitsModel } from './compat.js';
import { tinyBatch, tinyWeights } from './test-fixtures.js';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e.message.replace(/ \(line \d+, column \d+\)$/, '');
    throw e;
  }
  throw new Error('expected a FormatError');
};

describe('batch file', () => {
  it('round-trips X and Y exactly and keeps unknown keys', () => {
    const b = { ...tinyBatch(), extra: { note: 'hand-made' } };
    const back = parseBatch(serializeBatch(b));
    expect(back).toEqual(b);
  });

  it('reads the example of FORMATS.md', () => {
    const b = parseBatch(
      '{ "format": "backprop-lens/batch", "version": 1, "X": [[0.5, -1.0], [0.1, 0.2]], "Y": [[1.0], [0.0]] }',
    );
    expect(b.X).toEqual(
      fromRows([
        [0.5, -1],
        [0.1, 0.2],
      ]),
    );
    expect(b.Y).toEqual(fromRows([[1], [0]]));
  });

  it.each<[string, string, string]>([
    ['no samples', '{"format":"backprop-lens/batch","version":1,"X":[],"Y":[]}', 'X: expected at least 1 row, got 0'],
    [
      'ragged X',
      '{"format":"backprop-lens/batch","version":1,"X":[[1,2],[3]],"Y":[[1],[2]]}',
      'X[1]: expected 2 numbers (as wide as row 0), got 1',
    ],
    [
      'empty row',
      '{"format":"backprop-lens/batch","version":1,"X":[[]],"Y":[[1]]}',
      'X[0]: expected a row with at least one number, got an empty array',
    ],
    [
      'Y rows ≠ X rows',
      '{"format":"backprop-lens/batch","version":1,"X":[[1],[2]],"Y":[[1]]}',
      'Y: expected 2 rows (one target row per sample of X), got 1',
    ],
    ['missing Y', '{"format":"backprop-lens/batch","version":1,"X":[[1]]}', 'Y: missing (this key is required)'],
    [
      'Y entry boolean',
      '{"format":"backprop-lens/batch","version":1,"X":[[1]],"Y":[[true]]}',
      'Y[0][0]: expected a finite number, got true',
    ],
    [
      'X a vector',
      '{"format":"backprop-lens/batch","version":1,"X":[1,2],"Y":[[1],[2]]}',
      'X[0]: expected a row (an array of numbers), got 1',
    ],
    [
      'weights given as batch',
      '{"format":"backprop-lens/weights","version":1}',
      'format: expected "backprop-lens/batch", got "backprop-lens/weights" (this is a weights file, not a batch file)',
    ],
    ['root an array', '[1, 2]', 'expected the file to hold a JSON object, got an array of 2'],
    [
      'unknown key non-finite',
      '{"format":"backprop-lens/batch","version":1,"X":[[1]],"Y":[[1]],"w":{"x":[1e400]}}',
      'w.x[0]: expected a finite number, got Infinity',
    ],
  ])('%s', (_name, text, expected) => {
    expect(message(() => parseBatch(text))).toBe(expected);
  });

  it('refuses to write NaN', () => {
    const b = tinyBatch();
    b.Y.data[2] = NaN;
    expect(() => serializeBatch(b)).toThrow('Y[2][0]: cannot write NaN');
  });
});

describe('batch against a model', () => {
  it('accepts a batch that fits', () => {
    expect(() => checkBatchFitsModel(tinyWeights().model, tinyBatch())).not.toThrow();
  });

  it('names X or Y and both sizes on a mismatch', () => {
    const model = tinyWeights().model;
    const wide = { X: rows([[1, 2, 3]]), Y: rows([[1]]) };
    expect(message(() => checkBatchFitsModel(model, wide, 'w.json'))).toBe(
      'X: has 3 columns but model.inputSize in w.json is 2',
    );
    const twoOut = { X: rows([[1, 2]]), Y: rows([[1, 2]]) };
    expect(message(() => checkBatchFitsModel(model, twoOut))).toBe(
      'Y: has 2 columns but the output layer in the weights has 1 unit',
    );
  });

  it('checks cross-entropy targets are probability rows', () => {
    const model = {
      inputSize: 1,
      layers: [{ units: 2, activation: 'softmax' as const }],
      loss: 'cross-entropy' as const,
    };
    expect(() =>
      checkBatchFitsModel(model, {
        X: rows([[1], [2]]),
        Y: rows([
          [1, 0],
          [0.25, 0.75],
        ]),
      }),
    ).not.toThrow();
    expect(
      message(() =>
        checkBatchFitsModel(model, {
          X: rows([[1], [2]]),
          Y: rows([
            [1, 0],
            [0.5, 0.4],
          ]),
        }),
      ),
    ).toMatch(/^Y\[1\]: cross-entropy targets must sum to 1 in each row .* sums to 0\.9/);
    expect(message(() => checkBatchFitsModel(model, { X: rows([[1]]), Y: rows([[1.5, -0.5]]) }))).toBe(
      'Y[0][1]: cross-entropy targets must be ≥ 0, got -0.5',
    );
  });
});
