import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../format-error.js';
import { decodeOnnx } from './onnx-read.js';
import { encodeOnnx } from './onnx-write.js';
import { ProtoWriter } from './protobuf.js';
import { CLASSIFIER, REGRESSOR, forwardF64, sampleInputs, seededWeights } from './test-models.js';

const PYTHON = '/usr/bin/python3';

function formatErrorOf(bytes: Uint8Array): FormatError {
  try {
    decodeOnnx(bytes);
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

describe('ONNX export and import', () => {
  for (const [name, model] of [
    ['classifier (relu, tanh, softmax)', CLASSIFIER],
    ['regressor (sigmoid, identity)', REGRESSOR],
  ] as const) {
    it(`round trips the ${name}: same model, parameters rounded to float32`, () => {
      const w = seededWeights(model);
      const back = decodeOnnx(encodeOnnx(w, '0.1.0'));
      expect(back.weights.model).toEqual(w.model);
      expect(back.notes).toEqual([]);
      back.weights.parameters.W.forEach((m, i) => {
        expect([m.rows, m.cols]).toEqual([w.parameters.W[i]!.rows, w.parameters.W[i]!.cols]);
        expect(Array.from(m.data)).toEqual(Array.from(w.parameters.W[i]!.data, Math.fround));
      });
      back.weights.parameters.b.forEach((m, i) =>
        expect(Array.from(m.data)).toEqual(Array.from(w.parameters.b[i]!.data, Math.fround)),
      );
    });

    it(`runs the ${name} in ONNX Runtime with our forward pass's outputs (float32 rounding)`, async () => {
      const w = seededWeights(model);
      const X = sampleInputs(9, model.inputSize);
      const session = await ort.InferenceSession.create(encodeOnnx(w));
      const result = await session.run({
        input: new ort.Tensor('float32', Float32Array.from(X.data), [X.rows, X.cols]),
      });
      const out = result['output']!;
      const expected = forwardF64(w, X);
      expect(out.dims).toEqual([X.rows, expected.cols]);
      const got = out.data as Float32Array;
      for (let k = 0; k < expected.data.length; k++) expect(got[k]).toBeCloseTo(expected.data[k]!, 5);
      await session.release();
    });
  }

  it('passes the onnx reference checker (Debian python3-onnx, full check with shape inference)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-onnx-'));
    const files = [CLASSIFIER, REGRESSOR].map((m, k) => {
      const file = join(dir, `m${k}.onnx`);
      writeFileSync(file, encodeOnnx(seededWeights(m)));
      return file;
    });
    const script = [
      'import sys, onnx',
      'for f in sys.argv[1:]:',
      '    m = onnx.load(f)',
      '    onnx.checker.check_model(m, full_check=True)',
      '    print(f, [n.op_type for n in m.graph.node])',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
    expect(out).toContain("['Gemm', 'Relu', 'Gemm', 'Tanh', 'Gemm', 'Softmax']");
    expect(out).toContain("['Gemm', 'Sigmoid', 'Gemm']");
  });

  it('reads a PyTorch-style export: Gemm with transB = 1 (out × in weights), no loss in the file', () => {
    // Build the graph the way torch.onnx.export writes nn.Linear: weight out×in, transB = 1.
    const tensor = (name: string, dims: number[], values: number[]): Uint8Array => {
      const t = new ProtoWriter();
      dims.forEach((d) => t.varint(1, d));
      t.varint(2, 1).string(8, name);
      const raw = new Uint8Array(values.length * 4);
      values.forEach((v, k) => new DataView(raw.buffer).setFloat32(k * 4, v, true));
      return t.bytes(9, raw).finish();
    };
    const attr = new ProtoWriter().string(1, 'transB').varint(3, 1).varint(20, 2).finish();
    const gemm = new ProtoWriter()
      .string(1, 'x')
      .string(1, 'fc.weight')
      .string(1, 'fc.bias')
      .string(2, 'h')
      .string(4, 'Gemm')
      .bytes(5, attr)
      .finish();
    const relu = new ProtoWriter().string(1, 'h').string(2, 'y').string(4, 'Relu').finish();
    const vi = (n: string): Uint8Array => new ProtoWriter().string(1, n).finish();
    const graph = new ProtoWriter()
      .bytes(1, gemm)
      .bytes(1, relu)
      .bytes(5, tensor('fc.weight', [3, 2], [1, 2, 3, 4, 5, 6]))
      .bytes(5, tensor('fc.bias', [3], [0.5, -0.5, 0]))
      .bytes(11, vi('x'))
      .bytes(11, vi('fc.weight'))
      .bytes(12, vi('y'))
      .finish();
    const bytes = new ProtoWriter().varint(1, 7).bytes(7, graph).finish();
    const { weights, notes } = decodeOnnx(bytes);
    expect(weights.model).toEqual({ inputSize: 2, layers: [{ units: 3, activation: 'relu' }], loss: 'mse' });
    // W is fan-in × fan-out: the transpose of the stored 3×2 weight.
    expect(Array.from(weights.parameters.W[0]!.data)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(Array.from(weights.parameters.b[0]!.data)).toEqual([0.5, -0.5, 0]);
    expect(notes.join()).toContain('assumed mse');
  });

  it('refuses what it cannot read, naming the node or tensor', () => {
    const conv = new ProtoWriter()
      .string(1, 'x')
      .string(1, 'k')
      .string(2, 'y')
      .string(3, 'conv1')
      .string(4, 'Conv')
      .finish();
    const graph = new ProtoWriter()
      .bytes(1, conv)
      .bytes(11, new ProtoWriter().string(1, 'x').finish())
      .bytes(12, new ProtoWriter().string(1, 'y').finish())
      .finish();
    const e = formatErrorOf(new ProtoWriter().varint(1, 8).bytes(7, graph).finish());
    expect(e.message).toContain("Conv node 'conv1'");
    expect(e.message).toContain('cannot be read');
    expect(e.path).toBe('graph.node[0]');

    const good = encodeOnnx(seededWeights(REGRESSOR));
    expect(formatErrorOf(good.subarray(0, good.length - 40)).message).toMatch(
      /not a readable ONNX file|ends|past the end/,
    );
    expect(formatErrorOf(new TextEncoder().encode('{"format": "json"}')).message).toMatch(/ONNX/);
    expect(formatErrorOf(new Uint8Array()).message).toContain('no graph');
  });

  it('never throws anything but FormatError on damaged files (fuzz)', () => {
    const good = encodeOnnx(seededWeights(CLASSIFIER));
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let trial = 0; trial < 400; trial++) {
      const bytes = good.slice(0, trial % 3 === 0 ? rand(good.length) : good.length);
      for (let k = 0; k < 1 + rand(6); k++) if (bytes.length) bytes[rand(bytes.length)] = rand(256);
      try {
        decodeOnnx(bytes);
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`trial ${trial}: ${String(e)}`);
      }
    }
  });
});
