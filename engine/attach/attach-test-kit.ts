/** Test helpers for engine/attach: client frames built the way python/backprop_lens_attach builds them. */
import { encodeFrame, WIRE_MAGIC } from './wire.js';
import type { HelloMessage } from './messages.js';

export const TEST_TOKEN = 'f'.repeat(32);

export function helloFor(
  layers: { units: number; activation: 'tanh' | 'relu' | 'identity' }[],
  inputSize = 2,
): HelloMessage {
  return {
    type: 'hello',
    protocol: 1,
    token: TEST_TOKEN,
    pid: 1234,
    host: 'test-host',
    client: { python: '3.11', torch: '1.13', package: '0.1.0' },
    model: { kind: 'sequential', inputSize, layers, loss: null },
  };
}

export function withMagic(...frames: Uint8Array[]): Uint8Array {
  const total = 4 + frames.reduce((s, f) => s + f.length, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(WIRE_MAGIC));
  let o = 4;
  for (const f of frames) {
    out.set(f, o);
    o += f.length;
  }
  return out;
}

/** A step frame with the given full-resolution tensors (name_index → rows, cols, values). */
export function stepFrame(
  step: number,
  loss: number | string,
  tensors: Record<string, { rows: number; cols: number; data: number[] }>,
): Uint8Array {
  const refs = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [key, t] of Object.entries(tensors)) {
    const [name, index] = key.split('_') as [string, string];
    refs.push({
      name,
      index: Number(index),
      rows: t.rows,
      cols: t.cols,
      sourceRows: t.rows,
      sourceCols: t.cols,
      offset,
    });
    chunks.push(new Float32Array(t.data));
    offset += t.data.length * 4;
  }
  const payload = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    payload.set(new Uint8Array(c.buffer), o);
    o += c.byteLength;
  }
  return encodeFrame({ type: 'step', step, loss, tensors: refs }, payload);
}
