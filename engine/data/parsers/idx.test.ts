import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { catchDatasetError } from '../test-helpers.js';
import { encodeIdx, parseIdx, type IdxType } from './idx.js';

describe('IDX (MNIST) files', () => {
  it('round-trips every IDX type, plain and gzipped', () => {
    const cases: [IdxType, number[]][] = [
      ['uint8', [0, 1, 128, 255, 7, 9]],
      ['int8', [-128, -1, 0, 1, 127, 5]],
      ['int16', [-32768, -2, 0, 300, 32767, 1]],
      ['int32', [-(2 ** 31), -5, 0, 70000, 2 ** 31 - 1, 3]],
      ['float32', [0.5, -1.25, 3, 1e-3, -0, 2 ** 20]],
      ['float64', [Math.PI, -Math.E, 1e-300, 1e300, 0, -7]],
    ];
    for (const [type, values] of cases) {
      const bytes = encodeIdx(type, [2, 3], values);
      const want = type === 'float32' ? values.map(Math.fround) : values;
      for (const input of [bytes, gzipSync(bytes)]) {
        const a = parseIdx(input);
        expect(a.type).toBe(type);
        expect(a.shape).toEqual([2, 3]);
        expect(Array.from(a.data)).toEqual(want);
      }
    }
  });

  it('reads the MNIST header layout (magic 0x00000803, big-endian dims)', () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40]);
    const a = parseIdx(bytes);
    expect(a.shape).toEqual([2, 1, 2]);
    expect(Array.from(a.data)).toEqual([10, 20, 30, 40]);
  });

  it('rejects wrong magic, unknown types and a zero rank at their byte offset', () => {
    expect(
      catchDatasetError(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), { fileName: 'x.idx' })),
    ).toMatchObject({ code: 'bad-magic', offset: 0, file: 'x.idx' });
    const e = catchDatasetError(() => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0])));
    expect(e).toMatchObject({ code: 'unsupported-dtype', offset: 2 });
    expect(e.message).toContain('0x0a');
    expect(catchDatasetError(() => parseIdx(new Uint8Array([0, 0, 8, 0])))).toMatchObject({
      code: 'bad-header',
      offset: 3,
    });
  });

  it('rejects empty, truncated and over-long files with the offset where it goes wrong', () => {
    expect(catchDatasetError(() => parseIdx(new Uint8Array()))).toMatchObject({ code: 'empty' });
    expect(catchDatasetError(() => parseIdx(new Uint8Array([0, 0])))).toMatchObject({ code: 'truncated', offset: 2 });
    expect(catchDatasetError(() => parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 3])))).toMatchObject({
      code: 'truncated',
      offset: 8,
    });
    const full = encodeIdx('int16', [4], [1, 2, 3, 4]);
    const cut = catchDatasetError(() => parseIdx(full.subarray(0, full.length - 1)));
    expect(cut).toMatchObject({ code: 'truncated', offset: full.length - 1 });
    expect(cut.message).toContain(`need ${full.length} bytes`);
    const long = new Uint8Array(full.length + 3);
    long.set(full);
    expect(catchDatasetError(() => parseIdx(long))).toMatchObject({ code: 'trailing-bytes', offset: full.length });
  });

  it('rejects non-finite floats, corrupt gzip and oversized data', () => {
    const nan = encodeIdx('float32', [3], [1, NaN, 2]);
    expect(catchDatasetError(() => parseIdx(nan))).toMatchObject({ code: 'non-finite', offset: 12 });
    const gz = gzipSync(encodeIdx('uint8', [100], new Array(100).fill(1)));
    expect(catchDatasetError(() => parseIdx(gz.subarray(0, gz.length - 12)))).toMatchObject({ code: 'bad-gzip' });
    const broken = gz.slice();
    broken[12] = broken[12]! ^ 0xff;
    expect(['bad-gzip', 'truncated', 'trailing-bytes', 'bad-magic']).toContain(
      catchDatasetError(() => parseIdx(broken)).code,
    );
    // Dimensions claiming more values than the limit fail before any allocation.
    const huge = new Uint8Array([0, 0, 8, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]);
    expect(catchDatasetError(() => parseIdx(huge))).toMatchObject({ code: 'too-large', offset: 4 });
    // A small gzip that inflates past maxBytes stops while inflating.
    const bomb = gzipSync(new Uint8Array(1 << 20));
    expect(catchDatasetError(() => parseIdx(bomb, { limits: { maxBytes: 64 * 1024 } }))).toMatchObject({
      code: 'too-large',
    });
  });
});
