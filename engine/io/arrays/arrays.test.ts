import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { crc32 } from '../../core/crc32.js';
import { encodeNpy } from '../../data/parsers/npy.js';
import {
  ArrayFileError,
  readNpz,
  readSafetensors,
  readZipEntries,
  writeNpz,
  writeSafetensors,
  writeZip,
} from './index.js';

const W = { name: 'W0', shape: [2, 3], data: [0.1, -0.2, 1e-300, Number.MAX_VALUE, -0, 3] };
const B = { name: 'b0', shape: [3], data: [1, 2, 3] };

function thrown(f: () => unknown): ArrayFileError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ArrayFileError);
    return err as ArrayFileError;
  }
  throw new Error('expected an ArrayFileError');
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('npz', () => {
  it.each([false, true])('round-trips float64 arrays bit for bit (compress %s)', (compress) => {
    const back = readNpz(writeNpz([W, B], { compress }));
    expect(back.map((a) => a.name)).toEqual(['W0', 'b0']);
    expect(back[0]!.shape).toEqual([2, 3]);
    expect(Array.from(back[0]!.data)).toEqual(W.data);
    expect(Object.is(back[0]!.data[4], -0)).toBe(true);
    expect(Array.from(back[1]!.data)).toEqual(B.data);
  });

  const python = '/usr/bin/python3';
  const hasNumpy =
    existsSync(python) &&
    (() => {
      try {
        execFileSync(python, ['-c', 'import numpy'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
  it.skipIf(!hasNumpy)('reads what numpy savez and savez_compressed write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npz-'));
    execFileSync(python, [
      '-c',
      `import numpy as np
a = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
np.savez(${JSON.stringify(join(dir, 'a.npz'))}, a=a, n=np.array([1, -2], dtype=np.int64))
np.savez_compressed(${JSON.stringify(join(dir, 'b.npz'))}, a=a)`,
    ]);
    for (const f of ['a.npz', 'b.npz']) {
      const arrays = readNpz(new Uint8Array(readFileSync(join(dir, f))), { fileName: f });
      const a = arrays.find((x) => x.name === 'a')!;
      expect(a.shape).toEqual([3, 4]);
      expect(a.dtype).toBe('<f4');
      expect(a.data[5]).toBe(Math.fround(5 / 7));
    }
    const n = readNpz(new Uint8Array(readFileSync(join(dir, 'a.npz')))).find((x) => x.name === 'n')!;
    expect(Array.from(n.data)).toEqual([1, -2]);
  });

  it('refuses a file that is not a zip, naming it', () => {
    const e = thrown(() => readNpz(new TextEncoder().encode('hello'), { fileName: 'mine.npz' }));
    expect(e.message).toMatch(/^mine\.npz: not an \.npz file/);
  });

  it('refuses a pickled (object) member without unpickling it, naming the member', () => {
    const npy = encodeNpy([1], [0]);
    const text = new TextDecoder('latin1').decode(npy).replace("'<f8'", "'|O' ");
    const bad = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const e = thrown(() => readNpz(zipSync({ 'x.npy': bad }, { level: 0 }), { fileName: 'p.npz' }));
    expect(e.entry).toBe('x.npy');
    expect(e.message).toMatch(/p\.npz: x\.npy: .*dtype/);
  });

  it('refuses members that are not .npy', () => {
    const e = thrown(() => readNpz(writeZip([{ name: 'notes.txt', data: new Uint8Array(3) }])));
    expect(e.entry).toBe('notes.txt');
  });

  it('names a truncated member', () => {
    const npy = encodeNpy([4], [1, 2, 3, 4]);
    const e = thrown(() => readNpz(writeZip([{ name: 'W0.npy', data: npy.subarray(0, npy.length - 5) }])));
    expect(e.entry).toBe('W0.npy');
    expect(e.detail).toMatch(/cut short/);
  });
});

describe('the guarded zip reader', () => {
  it('refuses entries whose names leave the folder', () => {
    for (const name of ['../evil.npy', 'a/../../evil', '/etc/passwd', 'C:/x', 'a\\b']) {
      const zip = zipSync({ [name]: new Uint8Array([1]) }, { level: 0 });
      const e = thrown(() => readZipEntries(zip));
      expect(e.entry).toBe(name);
      expect(e.detail).toMatch(/unsafe entry name/);
    }
  });

  it('refuses an entry that declares more than the limit before inflating it', () => {
    const zip = zipSync({ 'big.npy': new Uint8Array(4 << 20) }, { level: 9 });
    expect(zip.length).toBeLessThan(20_000);
    const e = thrown(() => readZipEntries(zip, { maxEntryBytes: 1 << 20 }));
    expect(e.detail).toMatch(/over the 1048576-byte limit/);
    expect(() => readZipEntries(zip, { maxEntryBytes: 8 << 20, maxTotalBytes: 2 << 20 })).toThrow(/more than the/);
  });

  it('stops inflating an entry that lies about its size (a zip bomb)', () => {
    const zip = zipSync({ 'bomb.npy': new Uint8Array(4 << 20) }, { level: 9 });
    const v = new DataView(zip.buffer);
    // Rewrite the declared (expanded) size to 1000 bytes in the local header and the directory.
    v.setUint32(22, 1000, true);
    let cd = zip.length - 22;
    while (v.getUint32(cd, true) !== 0x06054b50) cd--;
    const dir = v.getUint32(cd + 16, true);
    v.setUint32(dir + 24, 1000, true);
    const e = thrown(() => readZipEntries(zip));
    expect(e.entry).toBe('bomb.npy');
    expect(e.detail).toMatch(/expands past the 1000 bytes/);
  });

  it('detects a damaged entry by its checksum', () => {
    const zip = writeZip([{ name: 'a.npy', data: encodeNpy([3], [1, 2, 3]) }]);
    const at = 30 + 'a.npy'.length + 70; // a byte of the stored data
    zip[at] = zip[at]! ^ 0xff;
    expect(thrown(() => readZipEntries(zip)).detail).toMatch(/checksum mismatch/);
  });

  it('says so when the archive is cut short or empty', () => {
    const zip = writeNpz([W]);
    expect(thrown(() => readZipEntries(zip.subarray(0, zip.length - 30))).detail).toMatch(/cut short|damaged/);
    expect(thrown(() => readZipEntries(new Uint8Array(0))).detail).toBe('the file is empty');
  });

  it('refuses too many entries', () => {
    const zip = writeZip(Array.from({ length: 5 }, (_, k) => ({ name: `e${k}`, data: new Uint8Array(1) })));
    expect(thrown(() => readZipEntries(zip, { maxEntries: 4 })).detail).toMatch(/5 entries, over the 4-entry limit/);
  });
});

describe('safetensors', () => {
  it('round-trips F64 exactly and F32 within float32 rounding, with metadata', () => {
    const bytes = writeSafetensors([W, { ...B, dtype: 'F32' }], { format: 'pt' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.arrays[0]).toMatchObject({ name: 'W0', dtype: 'F64', shape: [2, 3] });
    expect(Array.from(back.arrays[0]!.data)).toEqual(W.data);
    expect(back.arrays[1]!.dtype).toBe('F32');
    expect(Array.from(back.arrays[1]!.data)).toEqual([1, 2, 3]);
  });

  function build(header: object, dataBytes: number): Uint8Array {
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  }

  it('decodes F16, BF16 and integer dtypes', () => {
    const bytes = build(
      {
        h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
        i: { dtype: 'I8', shape: [2], data_offsets: [6, 8] },
      },
      8,
    );
    const v = new DataView(bytes.buffer);
    const base = bytes.length - 8;
    v.setUint16(base, 0x3c00, true); // 1.0
    v.setUint16(base + 2, 0xc000, true); // -2.0
    v.setUint16(base + 4, 0x3fc0, true); // 1.5 in bfloat16
    v.setInt8(base + 6, -5);
    v.setInt8(base + 7, 7);
    const arrays = readSafetensors(bytes).arrays;
    expect(Array.from(arrays[0]!.data)).toEqual([1, -2]);
    expect(Array.from(arrays[1]!.data)).toEqual([1.5]);
    expect(Array.from(arrays[2]!.data)).toEqual([-5, 7]);
  });

  it.each([
    [{ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 12, /4 bytes after the last tensor/],
    [{ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12, /belong to no tensor/],
    [
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } },
      8,
      /overlap/,
    ],
    [{ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8, /shape \[3\] of F32 needs 12/],
    [{ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8, /past the 8 bytes of data/],
    [{ a: { dtype: 'O', shape: [1], data_offsets: [0, 8] } }, 8, /unknown dtype "O"/],
    [{ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4, /non-negative integers/],
    [{ a: 5 }, 0, /expected \{dtype, shape, data_offsets\}/],
    [{ __metadata__: { k: 1 } }, 0, /__metadata__\.k must be a string/],
  ])('refuses a bad header %#, naming the tensor', (header, dataBytes, message) => {
    expect(thrown(() => readSafetensors(build(header, dataBytes), { fileName: 'm.safetensors' })).message).toMatch(
      message,
    );
  });

  it('refuses truncated files and absurd header lengths', () => {
    expect(thrown(() => readSafetensors(new Uint8Array(5))).detail).toMatch(/shorter than the 8-byte/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(thrown(() => readSafetensors(huge)).detail).toMatch(/over the .*-byte limit/);
    const bytes = writeSafetensors([W]);
    expect(thrown(() => readSafetensors(bytes.subarray(0, 20))).detail).toMatch(/file ends/);
  });
});

describe('fuzz: damaged containers', () => {
  it('never throws anything but ArrayFileError', () => {
    const rng = createRng(7);
    const seeds = [writeNpz([W, B]), writeNpz([W, B], { compress: true }), writeSafetensors([W, B], { a: 'b' })];
    for (let round = 0; round < 2000; round++) {
      const base = seeds[round % seeds.length]!;
      const bytes = base.slice(0, rng.next() < 0.3 ? Math.floor(rng.next() * base.length) : base.length);
      const flips = 1 + Math.floor(rng.next() * 4);
      for (let k = 0; k < flips && bytes.length > 0; k++)
        bytes[Math.floor(rng.next() * bytes.length)] = Math.floor(rng.next() * 256);
      for (const read of [readNpz, readSafetensors]) {
        try {
          read(bytes);
        } catch (err) {
          if (!(err instanceof ArrayFileError)) throw new Error(`round ${round}: ${String(err)}`);
        }
      }
    }
  });
});
