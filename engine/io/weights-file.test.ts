import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '../core/matrix.js';
import { FormatError } from './format-error.js';
import { encodeWeights, parseWeights, serializeWeights } from './weights-file.js';
import { tinyWeights } from './test-fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break parsed JSON documents key by key
type Doc = any;

/** A valid weights document as plain JSON, to break one key at a time. */
function doc(): Doc {
  return JSON.parse(serializeWeights(tinyWeights()));
}

function errorOf(text: string): FormatError {
  try {
    parseWeights(text);
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

function errorFor(mutate: (d: Doc) => void): FormatError {
  const d = doc();
  mutate(d);
  return errorOf(JSON.stringify(d, null, 2));
}

describe('weights file round trip', () => {
  it('reads back exactly what it wrote, bit for bit', () => {
    const w = tinyWeights();
    const back = parseWeights(serializeWeights(w));
    expect(back.model).toEqual(w.model);
    back.parameters.W.forEach((m, i) => expect(Array.from(m.data)).toEqual(Array.from(w.parameters.W[i]!.data)));
    back.parameters.b.forEach((m, i) => {
      expect(m.rows).toBe(1);
      expect(Array.from(m.data)).toEqual(Array.from(w.parameters.b[i]!.data));
    });
    // Denormals and values needing 17 significant digits survive.
    expect(back.parameters.W[0]!.data[4]).toBe(-5e-324);
    expect(back.parameters.W[0]!.data[2]).toBe(0.30000000000000004);
    // The sign of zero survives too (JSON allows -0; String(-0) would write 0).
    const z = tinyWeights();
    z.parameters.b[0]!.data[0] = -0;
    expect(Object.is(parseWeights(serializeWeights(z)).parameters.b[0]!.data[0], -0)).toBe(true);
  });

  it('keeps the optional keys and keys it does not know', () => {
    const w = {
      ...tinyWeights(),
      preprocessing: { inputs: { kind: 'standardize', mean: [0.5, 1], std: [2, 3] } },
      training: { steps: 1000, optimizer: 'adam', learningRate: 0.001, finalLoss: 0.0123, futureField: [1, 2] },
      dataset: { name: 'xsin4pix', features: ['x'], targets: ['y'] },
      createdWith: 'backprop-lens 0.1.0 (cli)',
      extra: { comment: 'from a newer tool', nested: { a: [1, null, true] } },
    };
    const back = parseWeights(serializeWeights(w));
    expect(back.preprocessing).toEqual(w.preprocessing);
    expect(back.training).toEqual(w.training);
    expect(back.dataset).toEqual(w.dataset);
    expect(back.createdWith).toBe(w.createdWith);
    expect(back.extra).toEqual(w.extra);
    expect(parseWeights(serializeWeights(back))).toEqual(back);
  });

  it('writes the shape FORMATS.md shows: W as rows of fan-out numbers, one row per line', () => {
    const text = serializeWeights(tinyWeights());
    const d = JSON.parse(text);
    expect(d.format).toBe('backprop-lens/weights');
    expect(d.version).toBe(1);
    expect(d.parameters[0].W).toEqual(toRows(tinyWeights().parameters.W[0]!));
    expect(d.parameters[1].b).toEqual([0.7]);
    expect(text).toContain('\n        [0.5],\n        [-0.25],\n        [2]\n');
    expect(Object.keys(d)).toEqual(['format', 'version', 'model', 'parameters']);
  });

  it('reads a file with a byte-order mark and numbers written in exponent form', () => {
    const text = '\uFEFF' + serializeWeights(tinyWeights()).replace('0.7', '7E-1');
    expect(parseWeights(text).parameters.b[1]!.data[0]).toBe(0.7);
  });
});

describe('weights file validation names the key path', () => {
  it.each<[string, (d: Doc) => void, string]>([
    [
      'missing format',
      (d) => delete d.format,
      'format: missing (expected "backprop-lens/weights": is this a Backprop Lens weights file?)',
    ],
    [
      'another of our formats',
      (d) => (d.format = 'backprop-lens/batch'),
      'format: expected "backprop-lens/weights", got "backprop-lens/batch" (this is a batch file, not a weights file)',
    ],
    ['unknown format', (d) => (d.format = 'keras'), 'format: expected "backprop-lens/weights", got "keras"'],
    [
      'newer version',
      (d) => (d.version = 2),
      'version: version 2 is newer than this build of Backprop Lens can read (it reads weights files up to version 1); update Backprop Lens',
    ],
    ['unknown older version', (d) => (d.version = 0), 'version: unknown version 0 (this build reads versions 1)'],
    ['version as a string', (d) => (d.version = '1'), 'version: expected an integer, got "1"'],
    ['missing version', (d) => delete d.version, 'version: missing (this key is required)'],
    ['missing model', (d) => delete d.model, 'model: missing (this key is required)'],
    ['model not an object', (d) => (d.model = [1]), 'model: expected an object, got an array of 1'],
    ['inputSize zero', (d) => (d.model.inputSize = 0), 'model.inputSize: expected an integer ≥ 1, got 0'],
    ['inputSize fractional', (d) => (d.model.inputSize = 1.5), 'model.inputSize: expected an integer, got 1.5'],
    ['no layers', (d) => (d.model.layers = []), 'model.layers: expected at least one layer, got an empty array'],
    [
      'layer units missing',
      (d) => delete d.model.layers[1].units,
      'model.layers[1].units: missing (this key is required)',
    ],
    [
      'unknown activation',
      (d) => (d.model.layers[0].activation = 'gelu'),
      'model.layers[0].activation: expected one of "identity", "tanh", "sigmoid", "relu", "softmax", got "gelu"',
    ],
    [
      'unknown loss',
      (d) => (d.model.loss = 'l1'),
      'model.loss: expected one of "sse", "mse", "cross-entropy", got "l1"',
    ],
    [
      'softmax inside',
      (d) => (d.model.layers[0].activation = 'softmax'),
      'model.layers[0].activation: softmax is allowed on the output layer only',
    ],
    [
      'softmax with sse',
      (d) => (d.model.layers[1].activation = 'softmax'),
      'model.loss: a softmax output needs the cross-entropy loss',
    ],
    ['missing parameters', (d) => delete d.parameters, 'parameters: missing (this key is required)'],
    [
      'too few parameter entries',
      (d) => d.parameters.pop(),
      'parameters: expected 2 entries (one per model.layers entry), got 1',
    ],
    ['parameter entry not an object', (d) => (d.parameters[1] = 3), 'parameters[1]: expected an object, got 3'],
    ['missing W', (d) => delete d.parameters[0].W, 'parameters[0].W: missing (this key is required)'],
    ['missing b', (d) => delete d.parameters[1].b, 'parameters[1].b: missing (this key is required)'],
    [
      'W with a row too many',
      (d) => d.parameters[0].W.push([1, 2, 3]),
      'parameters[0].W: expected 2 rows (model.inputSize), got 3',
    ],
    [
      'W rows of layer 1 follow layer 0',
      (d) => d.parameters[1].W.pop(),
      'parameters[1].W: expected 3 rows (model.layers[0].units), got 2',
    ],
    [
      'W row too short',
      (d) => d.parameters[0].W[1].pop(),
      'parameters[0].W[1]: expected 3 numbers (model.layers[0].units), got 2',
    ],
    [
      'W row not an array',
      (d) => (d.parameters[1].W[2] = 2),
      'parameters[1].W[2]: expected a row (an array of numbers), got 2',
    ],
    [
      'W entry a string',
      (d) => (d.parameters[1].W[2][0] = 'abc'),
      'parameters[1].W[2][0]: expected a finite number, got "abc"',
    ],
    [
      'W entry null (how JSON.stringify writes NaN)',
      (d) => (d.parameters[0].W[0][1] = null),
      'parameters[0].W[0][1]: expected a finite number, got null',
    ],
    [
      'b too long',
      (d) => d.parameters[0].b.push(1),
      'parameters[0].b: expected 3 numbers (model.layers[0].units), got 4',
    ],
    [
      'b a matrix',
      (d) => (d.parameters[1].b = [[0.7]]),
      'parameters[1].b[0]: expected a finite number, got an array of 1',
    ],
    ['training.steps negative', (d) => (d.training = { steps: -1 }), 'training.steps: expected a number ≥ 0, got -1'],
    [
      'training.learningRate a string',
      (d) => (d.training = { learningRate: 'fast' }),
      'training.learningRate: expected a finite number, got "fast"',
    ],
    [
      'dataset.features not strings',
      (d) => (d.dataset = { features: ['x', 2] }),
      'dataset.features[1]: expected a string, got 2',
    ],
    [
      'preprocessing not an object',
      (d) => (d.preprocessing = 'zscore'),
      'preprocessing: expected an object, got "zscore"',
    ],
    ['createdWith a number', (d) => (d.createdWith = 5), 'createdWith: unexpected value 5'],
  ])('%s', (_name, mutate, message) => {
    const e = errorFor(mutate);
    expect(e.message.replace(/ \(line \d+, column \d+\)$/, '')).toBe(message);
  });

  it('says where a non-finite number is: 1e999 is Infinity', () => {
    const text = serializeWeights(tinyWeights()).replace('0.7', '1e999');
    expect(errorOf(text).message).toMatch(
      /^parameters\[1\]\.b\[0\]: expected a finite number, got Infinity \(out of float64 range\) \(line \d+, column \d+\)$/,
    );
  });

  it('gives the line and column of the offending key', () => {
    const text = serializeWeights(tinyWeights()).replace('-0.25', '"abc"');
    const e = errorOf(text);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"abc"')) + 1;
    expect(e.path).toBe('parameters[1].W[1][0]');
    expect(e.location).toEqual({ line, column: lines[line - 1]!.indexOf('"abc"') + 1 });
  });

  it('points a missing key at its parent object', () => {
    const d = doc();
    delete d.parameters[1].b;
    const text = JSON.stringify(d, null, 2);
    const e = errorOf(text);
    const lines = text.split('\n');
    const line = e.location!.line;
    // The `{` that opens parameters[1]: after layer 0's "b", just before layer 1's "W".
    expect(lines[line - 1]!.trim()).toBe('{');
    expect(lines.slice(0, line).join('\n').match(/"b"/g)).toHaveLength(1);
    expect(lines[line]).toContain('"W"');
  });

  it.each([
    [
      '{\n  "format": "backprop-lens/weights",\n  "version": 1,\n}',
      4,
      1,
      'expected a property name in double quotes (JSON allows no comma before a closing bracket)',
    ],
    ['{"format": "backprop-lens/weights", "version": NaN}', 1, 48, 'unexpected character'],
    ['{"format": "backprop-lens/weights"', 1, 35, "expected ',' or '}'"],
    ['', 1, 1, 'the file is empty'],
    ['{"a": 1} {"b": 2}', 1, 10, 'unexpected text after the end'],
    ['{"a": [1, 2,\n]}', 2, 1, 'expected a value (JSON allows no comma before a closing bracket)'],
  ])('JSON syntax errors give line and column: %j', (text, line, column, reason) => {
    const e = errorOf(text);
    expect(e.location).toEqual({ line, column });
    expect(e.message).toContain(reason);
    expect(e.message).toContain(`(line ${line}, column ${column})`);
  });
});

describe('weights file writing', () => {
  it('refuses NaN and Infinity, naming the key path', () => {
    const w = tinyWeights();
    w.parameters.W[1]!.data[2] = NaN;
    expect(() => serializeWeights(w)).toThrow('parameters[1].W[2][0]: cannot write NaN: the file needs finite numbers');
    const w2 = { ...tinyWeights(), training: { finalLoss: Infinity } };
    expect(() => serializeWeights(w2)).toThrow('training.finalLoss: cannot write Infinity');
  });

  it('refuses parameters that do not fit the model', () => {
    const w = tinyWeights();
    const bad = { ...w, parameters: { W: [fromRows([[1, 2, 3]]), w.parameters.W[1]!], b: w.parameters.b } };
    expect(() => encodeWeights(bad)).toThrow('parameters[0].W: expected 2 rows (model.inputSize), got 1');
    const missing = { ...w, parameters: { W: [w.parameters.W[0]!], b: w.parameters.b } };
    expect(() => encodeWeights(missing)).toThrow(FormatError);
  });

  it('does not let extra keys overwrite the format keys', () => {
    const w = { ...tinyWeights(), extra: { format: 'evil', version: 9, note: 'kept' } };
    const d = JSON.parse(serializeWeights(w));
    expect(d.format).toBe('backprop-lens/weights');
    expect(d.version).toBe(1);
    expect(d.note).toBe('kept');
  });
});
