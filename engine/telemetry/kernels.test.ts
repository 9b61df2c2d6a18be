/**
 * The WebAssembly telemetry kernels against the JS paths they replace (the same functions with the
 * kernels switched off) and against naive references, on shapes that exercise the SIMD tails
 * (lengths and widths not multiples of 4), uneven blocks, ties, −0, ±Infinity and NaN.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { decimate as payloadDecimate } from '../protocol/matrix-payload.js';
import { decimate as historyDecimate } from './decimate.js';
import {
  describeF32,
  momentsF32,
  poolF32,
  setTelemetryKernelMemoryLimit,
  setTelemetryKernelsEnabled,
  telemetryKernelsAvailable,
  uniformStarts,
} from './kernels.js';
import { countNonFinite, finiteRange, frobeniusNorm, histogram, layerStats } from './stats.js';
import { TELEMETRY_WASM_BASE64 } from './wasm/telemetry-wasm.generated.js';

const rng = createRng(7);

/** Random float32 values; `specials` of them replaced by ties, −0, ±Infinity or NaN as asked. */
function values(n: number, opts: { inf?: boolean; nan?: boolean; scale?: number } = {}): Float32Array {
  const a = Float32Array.from({ length: n }, () => rng.normal() * (opts.scale ?? 1));
  for (let k = 0; k < n; k += 7) a[k] = -a[Math.max(0, k - 3)]!; // exact ties of |x|
  if (n > 5) a[5] = -0;
  if (opts.inf && n > 2) a[n - 2] = rng.uniform(0, 1) < 0.5 ? Infinity : -Infinity;
  if (opts.nan && n > 1) a[Math.floor(n / 2)] = NaN;
  return a;
}

/** Runs f with the JS paths (kernels off). */
function withJs<T>(f: () => T): T {
  setTelemetryKernelsEnabled(false);
  try {
    return f();
  } finally {
    setTelemetryKernelsEnabled(true);
  }
}

/** Block picks by definition: NaN, then largest |x|, x over −x. */
function naivePool(a: ArrayLike<number>, C: number, rs: ArrayLike<number>, cs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r + 1 < rs.length; r++)
    for (let o = 0; o + 1 < cs.length; o++) {
      let best = NaN;
      let any = false;
      let nan = false;
      for (let i = rs[r]!; i < rs[r + 1]!; i++)
        for (let j = cs[o]!; j < cs[o + 1]!; j++) {
          const v = a[i * C + j]!;
          if (Number.isNaN(v)) nan = true;
          else if (!any || Math.abs(v) > Math.abs(best) || (Math.abs(v) === Math.abs(best) && v > best)) best = v;
          any = true;
        }
      out.push(nan ? NaN : best);
    }
  return out;
}

/** Equal as numbers (−0 equals 0), NaN equal to NaN. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) {
    if (Number.isNaN(b[k]!)) expect(a[k], `index ${k}`).toBeNaN();
    else expect(a[k] === b[k], `index ${k}: ${a[k]} vs ${b[k]}`).toBe(true);
  }
}

afterEach(() => setTelemetryKernelsEnabled(true));

describe('telemetry kernels', () => {
  it('load on this host, stay under 4 KB (synchronous compile on a page main thread) and can be switched off', () => {
    expect(telemetryKernelsAvailable()).toBe(true);
    expect(atob(TELEMETRY_WASM_BASE64).length).toBeLessThan(4096);
    setTelemetryKernelsEnabled(false);
    expect(telemetryKernelsAvailable()).toBe(false);
    expect(momentsF32(new Float32Array(4))).toBeNull();
  });

  it('moments: Σx², min, max of every length; Σx² turns non-finite with any NaN or infinity', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 1000]) {
      const a = values(n);
      const m = momentsF32(a)!;
      let s = 0;
      for (const x of a) s += x * x;
      expect(m.sumSq).toBeCloseTo(s, 10);
      expect(Math.abs(m.sumSq - s)).toBeLessThanOrEqual(1e-13 * s);
      if (n > 0) {
        expect(m.min).toBe(Math.min(...a));
        expect(m.max).toBe(Math.max(...a));
      }
      if (n > 2) {
        expect(momentsF32(values(n, { inf: true }))!.sumSq).toBe(Infinity);
        expect(momentsF32(values(n, { nan: true }))!.sumSq).toBeNaN();
      }
    }
  });

  it('histogram: the very counts of the JS loop, for any bin count and length, values on bin edges included', () => {
    for (const n of [1, 3, 4, 5, 31, 64, 1001]) {
      for (const bins of [1, 2, 7, 32, 100]) {
        const a = values(n, { scale: 3 });
        // Bin edges and the ends of the range exactly.
        if (n > 4) a[3] = a[4]! + ((Math.max(...a) - Math.min(...a)) * 3) / bins;
        const ref = withJs(() => histogram(a, bins));
        const { min, max } = ref;
        const halfWidth = (max / 2 - min / 2) / bins;
        if (!(halfWidth > 0)) continue;
        expect(histogram(a, bins)).toEqual(ref);
        expect(describeF32(a, bins)!.counts).toEqual(ref.counts);
      }
    }
    // A constant matrix: no kernel histogram (every value in the middle bin, as the JS loop puts it).
    expect(describeF32(new Float32Array(9).fill(2), 4)!.counts).toBeNull();
    expect(histogram(new Float32Array(9).fill(2), 4).counts).toEqual([0, 0, 9, 0]);
  });

  it('pool: per block the largest magnitude with its sign (x over −x), ±Infinity over finite, for uniform and uneven blocks', () => {
    for (let trial = 0; trial < 60; trial++) {
      const R = 1 + Math.floor(rng.uniform(0, 1) * 40);
      const C = 1 + Math.floor(rng.uniform(0, 1) * 40);
      const a = values(R * C, { inf: trial % 3 === 0 });
      const br = 1 + Math.floor(rng.uniform(0, 1) * 6);
      const bc = 1 + Math.floor(rng.uniform(0, 1) * 6);
      const rs =
        trial % 2
          ? uniformStarts(R, br)
          : Int32Array.from({ length: Math.min(R, 7) + 1 }, (_, k) => Math.ceil((k * R) / Math.min(R, 7)));
      const cs = trial % 4 < 2 ? uniformStarts(C, bc) : null;
      const colStarts = cs ?? uniformStarts(C, 1);
      const out = new Float32Array((rs.length - 1) * (colStarts.length - 1));
      const r = poolF32(a, C, rs, cs, out)!;
      expect(r.nan).toBe(false);
      const want = naivePool(a, C, rs, colStarts);
      sameValues(out, want);
      expect(r.min).toBe(Math.min(...a));
      expect(r.max).toBe(Math.max(...a));
    }
  });

  it('an input the module cannot hold takes the JS paths instead of failing', () => {
    const a = values(5000, { scale: 2 });
    const want = withJs(() => [
      frobeniusNorm(a),
      histogram(a, 16),
      payloadDecimate({ rows: 50, cols: 100, data: a }, 0, 'W', 16),
    ]);
    setTelemetryKernelMemoryLimit(1024);
    try {
      expect(momentsF32(a)).toBeNull();
      expect(poolF32(a, 100, uniformStarts(50, 4), null, new Float32Array(13 * 100))).toBeNull();
      const got = [frobeniusNorm(a), histogram(a, 16), payloadDecimate({ rows: 50, cols: 100, data: a }, 0, 'W', 16)];
      expect(got).toEqual(want);
    } finally {
      setTelemetryKernelMemoryLimit(null);
    }
    expect(momentsF32(a)).not.toBeNull();
  });

  it('pool reports a NaN (the callers then take their exact paths)', () => {
    const a = values(12 * 9, { nan: true });
    const out = new Float32Array(4 * 9);
    expect(poolF32(a, 9, uniformStarts(12, 3), null, out)!.nan).toBe(true);
  });
});

describe('callers give the same results with and without the kernels', () => {
  const shapes: [number, number][] = [
    [784, 256],
    [300, 7],
    [5, 1030],
    [129, 130],
    [3, 3],
  ];

  it('frame payloads (decimate to ≤ 256×256 and ≤ 16×16)', () => {
    for (const [R, C] of shapes)
      for (const special of [{}, { inf: true }, { nan: true }])
        for (const maxSize of [256, 16]) {
          const m = { rows: R, cols: C, data: values(R * C, special) };
          const fast = payloadDecimate(m, 0, 'W', maxSize);
          const slow = withJs(() => payloadDecimate(m, 0, 'W', maxSize));
          expect({ ...fast, data: null }).toEqual({ ...slow, data: null });
          sameValues(fast.data, slow.data);
        }
  });

  it('history copies (decimate to 64×64: the same decimator, without layer and name)', () => {
    for (const [R, C] of shapes)
      for (const special of [{}, { inf: true }, { nan: true }]) {
        const m = { rows: R, cols: C, data: values(R * C, special) };
        const fast = historyDecimate(m, 64, 64);
        const slow = withJs(() => historyDecimate(m, 64, 64));
        expect({ ...fast, data: null }).toEqual({ ...slow, data: null });
        sameValues(fast.data, slow.data);
      }
  });

  it('per-layer statistics (norms to the last few bits: the kernel sums in four lanes)', () => {
    for (const special of [{}, { inf: true }, { nan: true }]) {
      const mat = (rows: number, cols: number, s = {}) => ({ rows, cols, data: values(rows * cols, s) });
      const input = {
        layer: 0,
        activation: 'tanh' as const,
        A: { rows: 33, cols: 17, data: values(33 * 17).map(Math.tanh) },
        H: mat(33, 17),
        G: mat(33, 17),
        W: mat(45, 17, special),
        b: mat(1, 17),
        dW: mat(45, 17),
        db: mat(1, 17),
      };
      const fast = layerStats(input);
      const slow = withJs(() => layerStats(input));
      for (const key of ['normG', 'normW', 'normDW', 'normDb', 'gradToWeight'] as const) {
        if (Number.isFinite(slow[key])) expect(fast[key]).toBeCloseTo(slow[key], 12);
        else expect(fast[key]).toBe(slow[key]);
      }
      expect({ ...fast, normG: 0, normW: 0, normDW: 0, normDb: 0, gradToWeight: 0 }).toEqual({
        ...slow,
        normG: 0,
        normW: 0,
        normDW: 0,
        normDb: 0,
        gradToWeight: 0,
      });
      const W = input.W.data;
      expect(countNonFinite(W)).toBe(withJs(() => countNonFinite(W)));
      expect(finiteRange(W)).toEqual(withJs(() => finiteRange(W)));
      const norm = frobeniusNorm(W);
      if (Number.isFinite(norm))
        expect(norm).toBeCloseTo(
          withJs(() => frobeniusNorm(W)),
          12,
        );
      else expect(norm).toBe(withJs(() => frobeniusNorm(W)));
    }
  });
});
