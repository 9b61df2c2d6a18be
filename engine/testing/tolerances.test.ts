import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { U32, dotBound, sequenceRelativeBound } from './tolerances.js';

/** Sequential float32 summation, the least accurate order a kernel may use. */
function f32Dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s = Math.fround(s + Math.fround(a[k]! * b[k]!));
  return s;
}

describe('dotBound', () => {
  it('holds for sequential f32 sums of random data up to k = 16384', () => {
    const rng = createRng(3);
    let worst = 0;
    for (const k of [1, 3, 17, 257, 1024, 4096, 16384]) {
      for (let t = 0; t < 20; t++) {
        const a = Float64Array.from({ length: k }, () => Math.fround(rng.uniform(-1, 1)));
        const b = Float64Array.from({ length: k }, () => Math.fround(rng.uniform(0, 1)));
        let exact = 0;
        let mag = 0;
        for (let i = 0; i < k; i++) {
          exact += a[i]! * b[i]!;
          mag += Math.abs(a[i]! * b[i]!);
        }
        worst = Math.max(worst, Math.abs(f32Dot(a, b) - exact) / dotBound(k, mag));
      }
    }
    expect(worst).toBeLessThan(1);
  });

  it('is far tighter than a half-precision error (it can catch precision bugs)', () => {
    // An 8-bit-mantissa result is off by ~2⁻⁹ relative: hundreds of times the bound for k = 1000.
    expect(dotBound(1000, 1)).toBeLessThan(2 ** -9 / 100);
    expect(dotBound(1, 1)).toBeCloseTo(4 * U32, 20);
  });

  it('sequence bound grows with steps and width', () => {
    expect(sequenceRelativeBound(5, 33)).toBeGreaterThan(sequenceRelativeBound(1, 33));
    expect(sequenceRelativeBound(5, 257)).toBeLessThan(1e-2);
  });
});
