/**
 * The readers of the user's array files take any bytes: damaged .npz/.npy/.safetensors/JSON must
 * end in one of the user-facing errors (which the CLI turns into exit 2), never in a crash.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { DatasetError } from '../data/errors.js';
import { encodeNpy } from '../data/parsers/npy.js';
import { ArrayFileError, writeNpz, writeSafetensors } from '../io/arrays/index.js';
import { FormatError } from '../io/format-error.js';
import { readArraysFile } from './read-arrays.js';
import { CompareInputError } from './types.js';

const arrays = [
  { name: 'dW0', shape: [3, 4], data: Float64Array.from({ length: 12 }, (_, k) => k / 7) },
  { name: 'loss', shape: [], data: Float64Array.of(0.25) },
];
const SOURCES: readonly [string, Uint8Array][] = [
  ['mine.npz', writeNpz(arrays)],
  ['mine.npz', writeNpz(arrays, { compress: true })],
  ['dW0.npy', encodeNpy([3, 4], arrays[0]!.data)],
  ['mine.safetensors', writeSafetensors(arrays.map((a) => ({ ...a, dtype: 'F64' as const })))],
  ['mine.json', new TextEncoder().encode(JSON.stringify({ dW0: [[1, 2], [3, 4]], loss: 0.5 }))],
];

const userFacing = (e: unknown): boolean =>
  e instanceof ArrayFileError || e instanceof FormatError || e instanceof DatasetError || e instanceof CompareInputError;

describe('readArraysFile', () => {
  it('reads every container it is given', () => {
    for (const [name, bytes] of SOURCES) {
      const got = readArraysFile(bytes, name);
      expect(got.length, name).toBeGreaterThan(0);
      expect(got.every((a) => a.data.every(Number.isFinite)), name).toBe(true);
    }
  });

  it('turns 2000 damaged files (truncated, flipped bytes) into user-facing errors or arrays, never a crash', () => {
    const rng = createRng(11);
    for (let t = 0; t < 2000; t++) {
      const [name, good] = SOURCES[t % SOURCES.length]!;
      let bytes = good.slice();
      if (rng.next() < 0.5) bytes = bytes.subarray(0, Math.floor(rng.next() * bytes.length));
      const flips = Math.floor(rng.next() * 4);
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[Math.floor(rng.next() * bytes.length)] = Math.floor(rng.next() * 256);
      try {
        readArraysFile(bytes, name);
      } catch (e) {
        if (!userFacing(e)) throw new Error(`case ${t} (${name}, ${bytes.length} bytes): ${String(e)}`);
      }
    }
  });
});
