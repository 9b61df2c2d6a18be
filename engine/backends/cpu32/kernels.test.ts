/**
 * Blocking and tiling edge cases: sizes around every tile and block width (4-row and 2-row tiles,
 * 8/4/1-column tiles, 4-wide SIMD reduction steps, JS blocks of 128 and 512), checked against
 * plain float64 loops for both kernel sets. A wrong remainder loop shows up as a wrong row/column.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { dotBound } from '../../testing/tolerances.js';
import type { Float32Heap } from './heap.js';
import { jsKernels, type MatrixKernels } from './kernels.js';
import v8 from 'node:v8';
import { wasmRelaxedSimdSupported, wasmSimdKernels, wasmSimdSupported } from './kernels-wasm.js';
import { JB, KB } from './kernels-js.js';
import { nodeSpawner } from './node-threads.js';

const EDGE = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17];
const BLOCK_EDGE = [KB - 1, KB + 1, JB + 3];

function fill(heap: Float32Heap, len: number, seed: number): number {
  const off = heap.alloc(len);
  let s = seed;
  for (let k = 0; k < len; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    heap.data[off + k] = (s / 2 ** 32) * 2 - 1;
  }
  return off;
}

/** Plain f64 reference of C = a·b where a(i, k) and b(k, j) are given as functions. */
function naive(M: number, N: number, K: number, a: (i: number, k: number) => number, b: (k: number, j: number) => number) {
  const out = new Float64Array(M * N);
  const mag = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        s += a(i, k) * b(k, j);
        m += Math.abs(a(i, k) * b(k, j));
      }
      out[i * N + j] = s;
      mag[i * N + j] = m;
    }
  return { out, mag };
}

function expectClose(got: Float32Array, off: number, want: { out: Float64Array; mag: Float64Array }, K: number, what: string): void {
  for (let k = 0; k < want.out.length; k++) {
    const err = Math.abs(got[off + k]! - want.out[k]!);
    if (!(err <= dotBound(K + 1, want.mag[k]!))) throw new Error(`${what}: element ${k} is ${got[off + k]}, expected ${want.out[k]}`);
  }
}

const kernelSets: [string, () => Promise<MatrixKernels>, boolean][] = [
  ['js', async () => jsKernels(), true],
  ['wasm-simd', () => wasmSimdKernels({ fma: false }), wasmSimdSupported()],
  // Every product split across 3 threads (uneven row ranges, ranges smaller than a tile).
  ['wasm-simd ×3 threads', () => wasmSimdKernels({ fma: false, threads: 3, spawn: nodeSpawner, parallelMinMacs: 0 }), wasmSimdSupported()],
  ['wasm relaxed-simd FMA', () => wasmSimdKernels({ fma: true }), relaxedSimd()],
];

/** Relaxed SIMD is on by default in Chromium/Electron; Node 20's V8 has it behind a flag. */
function relaxedSimd(): boolean {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return wasmRelaxedSimdSupported();
}

for (const [name, make, available] of kernelSets) {
  describe.skipIf(!available)(`${name} kernels at tile and block edges`, () => {
    const shapes: [number, number, number][] = [];
    for (const n of EDGE) for (const q of EDGE) shapes.push([n, (n * 3 + q) % 19 + 1, q]);
    for (const big of BLOCK_EDGE) shapes.push([5, big, 9], [big, 3, 7], [3, 9, big]);
    // Both operands packed (≥ 8 rows, ≥ 16 columns), with row and column remainders and, threaded,
    // row ranges that start mid-panel-buffer.
    shapes.push([37, 70, 45], [66, 129, 1027]);

    it('gemmNN with and without bias', async () => {
      const K = await make();
      onTestFinished(() => K.dispose?.());
      for (const [n, p, q] of shapes) {
        const h = K.heap;
        const A = fill(h, n * p, n);
        const W = fill(h, p * q, q);
        const b = fill(h, q, 7);
        const C = h.alloc(n * q);
        const C2 = h.alloc(n * q);
        const d = h.data;
        const want = naive(n, q, p, (i, k) => d[A + i * p + k]!, (k, j) => d[W + k * q + j]!);
        K.gemmNN(n, p, q, { data: h.data, offset: A }, { data: h.data, offset: W }, null, { data: h.data, offset: C });
        expectClose(h.data, C, want, p, `${name} nn ${n}×${p}×${q}`);
        K.gemmNN(n, p, q, { data: h.data, offset: A }, { data: h.data, offset: W }, { data: h.data, offset: b }, { data: h.data, offset: C2 });
        for (let k = 0; k < n * q; k++) {
          want.out[k] = want.out[k]! + h.data[b + (k % q)]!;
          want.mag[k] = want.mag[k]! + Math.abs(h.data[b + (k % q)]!);
        }
        expectClose(h.data, C2, want, p, `${name} nn+bias ${n}×${p}×${q}`);
      }
    });

    it('gemmTN (Aᵀ G in place) and column sums', async () => {
      const K = await make();
      onTestFinished(() => K.dispose?.());
      for (const [n, p, q] of shapes) {
        const h = K.heap;
        const A = fill(h, n * p, p + 1);
        const G = fill(h, n * q, q + 2);
        const D = h.alloc(p * q);
        const db = h.alloc(q);
        const d = h.data;
        const want = naive(p, q, n, (k, i) => d[A + i * p + k]!, (i, j) => d[G + i * q + j]!);
        K.gemmTN(n, p, q, { data: d, offset: A }, { data: d, offset: G }, { data: d, offset: D }, { data: d, offset: db });
        expectClose(h.data, D, want, n, `${name} tn ${n}×${p}×${q}`);
        expectClose(h.data, db, naive(1, q, n, () => 1, (i, j) => d[G + i * q + j]!), n, `${name} colsum`);
      }
    });

    it('gemmNT (G Wᵀ in place)', async () => {
      const K = await make();
      onTestFinished(() => K.dispose?.());
      for (const [n, p, q] of shapes) {
        const h = K.heap;
        const G = fill(h, n * q, n + 5);
        const W = fill(h, p * q, p + 6);
        const X = h.alloc(n * p);
        const d = h.data;
        const want = naive(n, p, q, (i, j) => d[G + i * q + j]!, (j, k) => d[W + k * q + j]!);
        K.gemmNT(n, q, p, { data: d, offset: G }, { data: d, offset: W }, { data: d, offset: X });
        expectClose(h.data, X, want, q, `${name} nt ${n}×${q}×${p}`);
      }
    });

    it('does not write outside its output', async () => {
      const K = await make();
      onTestFinished(() => K.dispose?.());
      const h = K.heap;
      const [n, p, q] = [5, 7, 9];
      const A = fill(h, n * p, 1);
      const W = fill(h, p * q, 2);
      const guard = h.alloc(n * q + 8);
      h.data.fill(42, guard, guard + n * q + 8);
      K.gemmNN(n, p, q, { data: h.data, offset: A }, { data: h.data, offset: W }, null, { data: h.data, offset: guard });
      expect(Array.from(h.data.subarray(guard + n * q, guard + n * q + 8))).toEqual(new Array(8).fill(42));
    });
  });
}

describe.skipIf(!wasmSimdSupported())('wasm element-wise kernels', () => {
  it('tanh is within 4 ulps of Math.tanh on [−20, 20], exact at ±∞, keeps NaN, all lengths', async () => {
    const K = await wasmSimdKernels({ fma: false });
    const xs = [-Infinity, Infinity, NaN, 0, -0, 1e-30, -1e-7, 1e-3, 8.99, 9, 9.01, 30];
    for (let k = 0; k <= 4000; k++) xs.push(-20 + k / 100);
    const h = K.heap;
    const src = h.alloc(xs.length);
    const dst = h.alloc(xs.length);
    h.data.set(xs, src);
    K.tanh!(xs.length, { data: h.data, offset: src }, { data: h.data, offset: dst });
    xs.forEach((x, k) => {
      const got = h.data[dst + k]!;
      const want = Math.tanh(x);
      if (Number.isNaN(want)) return expect(got).toBeNaN();
      // An ulp of the result's binade in f32, floored at the smallest normal.
      const ulp = Math.max(2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 2 ** -126))) - 23), 2 ** -149);
      if (!(Math.abs(got - want) <= 4 * ulp)) throw new Error(`tanh(${x}) = ${got}, Math.tanh ${want}`);
    });
    K.dispose?.();
  });
});
