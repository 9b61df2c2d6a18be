/**
 * Memory bounds of the loaders on hostile input: each limit is checked before the memory it
 * guards is allocated, with a message that names the limit and how to raise it.
 */
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadTable } from './load.js';
import { crc32, gunzip } from './parsers/gzip.js';
import { encodeNpy } from './parsers/npy.js';
import { catchDatasetError } from './test-helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('wide inputs', () => {
  it('a CSV line of a million fields is refused while it is read, naming the limit', () => {
    const line = `${'1,'.repeat(1_000_000)}1\n`;
    const e = catchDatasetError(() => loadTable(line + line, { fileName: 'wide.csv' }));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(
      /wide\.csv, line 1: a line with 100,001 fields is over the limit of 100,000 columns; raise maxColumns \(--max-columns\)/,
    );
  });

  it('a raised column limit lets a wide line through', () => {
    const line = `${'1,'.repeat(150_000)}1\n`;
    expect(loadTable(line + line, { header: 'no', limits: { maxColumns: 200_000 } }).columns).toHaveLength(150_001);
  });

  it('a 1 × 1,000,000 .npy is refused before a column is built', () => {
    const e = catchDatasetError(() =>
      loadTable(encodeNpy([1, 1_000_000], new Float64Array(1_000_000)), { fileName: 'wide.npy' }),
    );
    expect(e.message).toMatch(
      /wide\.npy: the array has shape \(1, 1000000\): 1,000,000 columns, over the limit of 100,000/,
    );
  });
});

describe('gzip', () => {
  const data = enc('x,y\n1,2\n3,4\n5,6\n');

  it('computes the CRC-32 of the gzip trailer', () => {
    expect(crc32(enc('123456789'))).toBe(0xcbf43926);
  });

  it('a changed byte in the compressed data or the trailer is an error, not different data', () => {
    const gz = gzipSync(data);
    for (const at of [gz.length - 8, gz.length - 3]) {
      const bad = gz.slice();
      bad[at]! ^= 0x01;
      const e = catchDatasetError(() => loadDataset(bad, { fileName: 'd.csv.gz' }));
      expect(e.code).toBe('bad-gzip');
      expect(e.message).toMatch(/d\.csv\.gz.*corrupt: its CRC-32 or length does not match/);
    }
    expect(loadDataset(gz).X.rows).toBe(3);
  });

  it('checks every member of a multi-member file', () => {
    const two = new Uint8Array([...gzipSync(enc('x,y\n1,2\n')), ...gzipSync(enc('3,4\n'))]);
    expect(loadDataset(two, { task: 'regression' }).X.rows).toBe(2);
    const bad = two.slice();
    bad[gzipSync(enc('x,y\n1,2\n')).length - 6]! ^= 0x10; // the first member's CRC
    expect(catchDatasetError(() => loadDataset(bad)).code).toBe('bad-gzip');
  });

  it('a decompression bomb is refused once its expansion ratio shows, before it is held whole', () => {
    const member = gzipSync(new Uint8Array(1 << 20)); // 1 MiB of zeros → about 1 KiB
    const bomb = new Uint8Array(member.length * 80);
    for (let k = 0; k < 80; k++) bomb.set(member, k * member.length);
    const e = catchDatasetError(() => gunzip(bomb, { fileName: 'bomb.gz' }));
    expect(e.message).toMatch(
      /bomb\.gz: expands more than 200× .*decompression bomb; raise maxExpansion \(--max-expansion\)/,
    );
    expect(gunzip(bomb, { limits: { maxExpansion: 10_000 } }).length).toBe(80 << 20);
  });

  it('gzipped text is parsed as it inflates, with the same inference', () => {
    const ds = loadDataset(gzipSync(enc('a b c\n1 2 3\n4 5 6\n')), { fileName: 'spaces.csv.gz' });
    expect(ds.meta.inferred).toMatchObject({ format: 'text', delimiter: 'whitespace', header: 'yes' });
  });
});

describe('binary data as text', () => {
  it('NUL bytes (/dev/zero, UTF-16) are refused at the start', () => {
    const e = catchDatasetError(() => loadDataset(new Uint8Array(100_000), { fileName: 'zero' }));
    expect(e.message).toMatch(/zero: binary data, not text/);
  });
});

describe('deeply nested JSON', () => {
  it('100,000 "[" is refused with the place, not a stack overflow', () => {
    const e = catchDatasetError(() => loadDataset('['.repeat(100_000), { fileName: 'deep.json' }));
    expect(e.code).toBe('too-deep');
    expect(e.message).toMatch(/deep\.json, line 1, column 65: arrays and objects are nested more than 64 levels deep/);
  });
  it('brackets inside strings do not count', () => {
    expect(
      loadDataset(`{"X": [[1], [2]], "Y": [[1], [2]], "note": "${'['.repeat(500)}"}`, { format: 'json' }).X.rows,
    ).toBe(2);
  });
});
