import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catchDatasetError } from '../test-helpers.js';
import { encodeNpy, parseNpy } from './npy.js';

/** Files written by NumPy itself (engine/data/fixtures/make-npy-fixtures.py). */
const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))));

describe('NumPy .npy files', () => {
  it('reads arrays written by NumPy: dtypes, byte orders, ranks and format 2.0', () => {
    expect(parseNpy(fixture('f8-3x2.npy'))).toMatchObject({ dtype: '<f8', shape: [3, 2] });
    expect(Array.from(parseNpy(fixture('f8-3x2.npy')).data)).toEqual([0.5, -1, 1e-300, 2.5, 3, -4.25]);
    expect(Array.from(parseNpy(fixture('f4-be-2x3.npy')).data)).toEqual([1.5, 2, 3, -4, 5.25, 6]);
    expect(parseNpy(fixture('i8-labels.npy'))).toMatchObject({ dtype: '<i8', shape: [4] });
    expect(Array.from(parseNpy(fixture('i8-labels.npy')).data)).toEqual([0, 2, 1, 2]);
    expect(Array.from(parseNpy(fixture('i2-be-col.npy')).data)).toEqual([-300, 7, 32000]);
    expect(Array.from(parseNpy(fixture('bool-3.npy')).data)).toEqual([1, 0, 1]);
    const img = parseNpy(fixture('u1-images-2x2x3.npy'));
    expect(img.shape).toEqual([2, 2, 3]);
    expect(img.data[11]).toBe(220);
    expect(Array.from(parseNpy(fixture('f8-v2.npy')).data)).toEqual([1, 2]);
  });

  it('writes byte-for-byte what NumPy writes', () => {
    expect(encodeNpy([3, 2], [0.5, -1, 1e-300, 2.5, 3, -4.25])).toEqual(fixture('f8-3x2.npy'));
  });

  it('round-trips every supported dtype in both byte orders', () => {
    const values = [0, 1, 2, 100, 7, 3];
    for (const t of ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8']) {
      for (const order of ['<', '>']) {
        const a = parseNpy(encodeNpy([2, 3], values, `${t.endsWith('1') ? '|' : order}${t}`));
        expect(Array.from(a.data)).toEqual(values);
      }
    }
    expect(Array.from(parseNpy(encodeNpy([3], [-1, -128, 127], '|i1')).data)).toEqual([-1, -128, 127]);
  });

  it('rejects Fortran order with a clear message', () => {
    const e = catchDatasetError(() => parseNpy(fixture('fortran-2x2.npy'), { fileName: 'f.npy' }));
    expect(e).toMatchObject({ code: 'fortran-order', file: 'f.npy', field: 'fortran_order', offset: 10 });
    expect(e.message).toContain('np.ascontiguousarray');
  });

  it('rejects unsupported dtypes: float16, structured, unicode', () => {
    const half = catchDatasetError(() => parseNpy(fixture('f2-2.npy')));
    expect(half).toMatchObject({ code: 'unsupported-dtype', field: 'descr' });
    expect(half.message).toContain("'<f2'");
    expect(catchDatasetError(() => parseNpy(fixture('structured.npy')))).toMatchObject({ code: 'unsupported-dtype' });
    expect(catchDatasetError(() => parseNpy(fixture('unicode.npy'))).message).toContain("'<U2'");
  });

  it('rejects bad magic, truncated preambles, headers and data, and trailing bytes', () => {
    const good = fixture('f8-3x2.npy');
    expect(catchDatasetError(() => parseNpy(new TextEncoder().encode('hello world')))).toMatchObject({
      code: 'bad-magic',
      offset: 0,
    });
    expect(catchDatasetError(() => parseNpy(new Uint8Array()))).toMatchObject({ code: 'empty' });
    expect(catchDatasetError(() => parseNpy(good.subarray(0, 4)))).toMatchObject({ code: 'truncated', offset: 4 });
    expect(catchDatasetError(() => parseNpy(good.subarray(0, 40)))).toMatchObject({ code: 'truncated', offset: 40 });
    expect(catchDatasetError(() => parseNpy(good.subarray(0, good.length - 3)))).toMatchObject({
      code: 'truncated',
      offset: good.length - 3,
    });
    const long = new Uint8Array(good.length + 8);
    long.set(good);
    expect(catchDatasetError(() => parseNpy(long))).toMatchObject({ code: 'trailing-bytes', offset: good.length });
    const badHeader = good.slice();
    badHeader[10] = 0x5b; // '[' where the dict's '{' should be
    expect(catchDatasetError(() => parseNpy(badHeader))).toMatchObject({ code: 'bad-header' });
    const badVersion = good.slice();
    badVersion[6] = 9;
    expect(catchDatasetError(() => parseNpy(badVersion))).toMatchObject({ code: 'bad-header', offset: 6 });
  });

  it('rejects NaN and Infinity with the element index', () => {
    const e = catchDatasetError(() => parseNpy(encodeNpy([2, 2], [1, 2, Infinity, 4])));
    expect(e).toMatchObject({ code: 'non-finite' });
    expect(e.message).toContain('[1, 0]');
  });
});
