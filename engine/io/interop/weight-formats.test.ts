import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpz, writeSafetensors } from '../arrays/index.js';
import { FormatError } from '../format-error.js';
import { PICKLE_CONVERSION, decodeWeightsAs, encodeWeightsAs, weightFormatOf } from './index.js';
import { readWeightsAnyFormat, writeWeightsAnyFormat } from './node-weight-files.js';
import { CLASSIFIER, REGRESSOR, forwardF64, sampleInputs, seededWeights } from './test-models.js';

const PYTHON = '/usr/bin/python3';

function errorOf(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

describe('weights in every format', () => {
  for (const format of ['json', 'npz', 'safetensors'] as const) {
    for (const model of [CLASSIFIER, REGRESSOR]) {
      it(`${format}: a round trip keeps the model and gives a bit-identical forward pass (${model.layers.map((l) => l.activation).join('-')})`, () => {
        const w = seededWeights(model);
        const back = decodeWeightsAs(encodeWeightsAs(w, format), format);
        expect(back.weights.model).toEqual(w.model);
        expect(back.notes).toEqual([]);
        const X = sampleInputs(11, model.inputSize);
        expect(Array.from(forwardF64(back.weights, X).data)).toEqual(Array.from(forwardF64(w, X).data));
      });
    }
  }

  it('safetensors uses PyTorch nn.Sequential names: W_iᵀ (out × in), activation modules counted', () => {
    const w = seededWeights(CLASSIFIER); // Linear, ReLU, Linear, Tanh, Linear, Softmax
    const bytes = encodeWeightsAs(w, 'safetensors', { fileName: 'out/mlp.safetensors' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
      string,
      { shape: number[] }
    > & {
      __metadata__: Record<string, string>;
    };
    expect(Object.keys(header).filter((k) => k !== '__metadata__')).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
      '4.weight',
      '4.bias',
    ]);
    expect(header['0.weight']!.shape).toEqual([5, 3]);
    expect(header.__metadata__['pytorch']).toContain(
      'nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3), nn.Softmax(dim=-1)).double()',
    );
    expect(header.__metadata__['pytorch']).toContain('load_file("mlp.safetensors")');
  });

  it('loads into a real torch nn.Sequential with the same outputs (Debian python3-torch)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-torch-'));
    const w = seededWeights(CLASSIFIER);
    const file = join(dir, 'mlp.safetensors');
    writeFileSync(file, encodeWeightsAs(w, 'safetensors', { fileName: file }));
    const X = sampleInputs(6, CLASSIFIER.inputSize);
    // Debian has no python3-safetensors: the test reads the format with the standard library, then
    // builds the module list from the snippet's nn.Sequential line and load_state_dict(strict=True).
    const script = `
import json, struct, sys, numpy as np, torch
from torch import nn
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n]); data = raw[8 + n:]
state = {}
for k, v in header.items():
    if k == '__metadata__': continue
    a, b = v['data_offsets']
    state[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype='<f8').reshape(v['shape']).copy())
line = [l for l in header['__metadata__']['pytorch'].splitlines() if l.startswith('model = ')][0]
exec(line)
model.load_state_dict(state, strict=True)
x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float64)
print(json.dumps(model(x).detach().numpy().tolist()))
`;
    const rows = Array.from({ length: X.rows }, (_, r) => Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)));
    const out = JSON.parse(
      execFileSync(PYTHON, ['-c', script, file, JSON.stringify(rows)], { encoding: 'utf8' }),
    ) as number[][];
    const expected = forwardF64(w, X);
    out.flat().forEach((v, k) => expect(v).toBeCloseTo(expected.data[k]!, 12));
  });

  // A network trained on standardised inputs: without them it answers nonsense.
  const PREPROCESSING = {
    version: 1,
    inputs: { method: 'standardize', names: ['a', 'b'], offset: [5.5, -1.25], scale: [0.75, 3] },
    outputs: { method: 'min-max', names: ['price'], offset: [10], scale: [40] },
  };

  for (const format of ['npz', 'safetensors'] as const) {
    it(`${format}: keeps the weights file's preprocessing on a round trip`, () => {
      const w = { ...seededWeights(REGRESSOR), preprocessing: PREPROCESSING };
      const back = decodeWeightsAs(encodeWeightsAs(w, format), format);
      expect(back.weights.preprocessing).toEqual(PREPROCESSING);
      expect(decodeWeightsAs(encodeWeightsAs(seededWeights(REGRESSOR), format), format).weights.preprocessing).toBe(
        undefined,
      );
    });
  }

  it('the PyTorch snippet normalises raw inputs and un-normalises outputs as the preprocessing says (torch)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-torch-pre-'));
    const w = { ...seededWeights(REGRESSOR), preprocessing: PREPROCESSING };
    const file = join(dir, 'reg.safetensors');
    writeFileSync(file, encodeWeightsAs(w, 'safetensors', { fileName: file }));
    const raw = sampleInputs(5, REGRESSOR.inputSize);
    // The whole snippet runs as printed, with a standard-library load_file (Debian has no
    // python3-safetensors) and the raw rows in place of its example zeros.
    const script = `
import json, struct, sys, numpy as np, torch
def load_file(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n]); data = raw[8 + n:]
    return {k: torch.from_numpy(np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype='<f8').reshape(v['shape']).copy())
            for k, v in header.items() if k != '__metadata__'}
raw = open(sys.argv[1], 'rb').read()
header = json.loads(raw[8:8 + struct.unpack('<Q', raw[:8])[0]])
code = []
for line in header['__metadata__']['pytorch'].splitlines():
    if line.startswith('from safetensors'): continue
    if line.startswith('x = '): line = 'x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float64)'
    if line.startswith('print('): line = 'print(json.dumps(y.detach().numpy().tolist()))'
    code.append(line)
exec('\\n'.join(code))
`;
    const rows = Array.from({ length: raw.rows }, (_, r) =>
      Array.from(raw.data.subarray(r * raw.cols, (r + 1) * raw.cols)),
    );
    const out = JSON.parse(
      execFileSync(PYTHON, ['-c', script, file, JSON.stringify(rows)], { cwd: dir, encoding: 'utf8' }),
    ) as number[][];
    const X = raw.data.map((v, k) => (v - PREPROCESSING.inputs.offset[k % 2]!) / PREPROCESSING.inputs.scale[k % 2]!);
    const F = forwardF64(w, { rows: raw.rows, cols: raw.cols, data: Float64Array.from(X) });
    out.flat().forEach((v, k) => expect(v).toBeCloseTo(F.data[k]! * 40 + 10, 10));
  });

  it('reads a bare PyTorch state_dict (prefixed names, no metadata) with the activations it is told', () => {
    const st = writeSafetensors([
      { name: 'net.0.weight', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
      { name: 'net.0.bias', shape: [2], data: [0.5, -0.5] },
      { name: 'net.2.weight', shape: [1, 2], data: [7, 8] },
      { name: 'net.2.bias', shape: [1], data: [0] },
    ]);
    const { weights, notes } = decodeWeightsAs(st, 'safetensors', { activation: 'relu' });
    expect(weights.model).toEqual({
      inputSize: 3,
      layers: [
        { units: 2, activation: 'relu' },
        { units: 1, activation: 'identity' },
      ],
      loss: 'mse',
    });
    expect(Array.from(weights.parameters.W[0]!.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(notes[0]).toContain('no model description');
  });

  it('refuses pickles with the conversion snippet, by extension and by content', () => {
    expect(errorOf(() => weightFormatOf('model.pt')).message).toContain(PICKLE_CONVERSION);
    expect(errorOf(() => weightFormatOf('model.PTH')).message).toContain('safetensors.torch import save_file');
    expect(errorOf(() => decodeWeightsAs(Uint8Array.from([0x80, 0x04, 0x95]), 'safetensors')).message).toContain(
      'pickles',
    );
    const torchZip = zipSync({
      'archive/data.pkl': Uint8Array.from([0x80, 2]),
      'archive/version': Uint8Array.from([51]),
    });
    expect(errorOf(() => decodeWeightsAs(torchZip, 'npz')).message).toContain('pickles');
    expect(errorOf(() => weightFormatOf('w.txt')).message).toContain('.json, .npz, .safetensors or .onnx');
  });

  it('errors name the array: a missing bias, a wrong shape, a model that does not fit', () => {
    // Encoding refuses parameters that do not fit the model, naming them.
    const w = seededWeights(REGRESSOR);
    const mismatched = { ...w, parameters: { W: w.parameters.W, b: [w.parameters.b[0]!, w.parameters.b[0]!] } };
    expect(errorOf(() => encodeWeightsAs(mismatched, 'npz')).message).toContain('parameters[1].b');
    const npz = writeNpz([
      { name: 'W0', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
      { name: 'b0', shape: [2], data: [0, 0] },
    ]);
    expect(errorOf(() => decodeWeightsAs(npz, 'npz')).message).toBe(
      'b0.npy: expected 3 values (one per unit), got shape (2)',
    );
    const st = writeSafetensors([{ name: 'W0', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }]);
    expect(errorOf(() => decodeWeightsAs(st, 'safetensors')).message).toBe('b0: is missing');
  });

  it('fuzz: damaged npz, safetensors and ONNX weights only fail with FormatError', () => {
    const w = seededWeights(CLASSIFIER);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (const format of ['npz', 'safetensors', 'onnx', 'json'] as const) {
      const good = encodeWeightsAs(w, format);
      for (let trial = 0; trial < 200; trial++) {
        const bytes = good.slice(0, trial % 3 === 0 ? rand(good.length) : good.length);
        for (let k = 0; k < 1 + rand(4); k++) if (bytes.length) bytes[rand(bytes.length)] = rand(256);
        try {
          decodeWeightsAs(bytes, format);
        } catch (e) {
          if (!(e instanceof FormatError)) throw new Error(`${format} trial ${trial}: ${String(e)}`);
        }
      }
    }
  });

  it('node files: written atomically by extension, read back with the file named in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-w-'));
    const w = seededWeights(REGRESSOR);
    for (const ext of ['json', 'npz', 'safetensors', 'onnx']) {
      const file = join(dir, `w.${ext}`);
      await writeWeightsAnyFormat(file, w);
      const back = await readWeightsAnyFormat(file, `w.${ext}`);
      expect(back.weights.model).toEqual(w.model);
    }
    writeFileSync(join(dir, 'bad.npz'), readFileSync(join(dir, 'w.npz')).subarray(0, 50));
    await expect(readWeightsAnyFormat(join(dir, 'bad.npz'), 'bad.npz')).rejects.toThrow(/^bad\.npz: /);
  });
});
