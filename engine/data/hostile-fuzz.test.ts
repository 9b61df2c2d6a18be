/**
 * The adversarial probe's categories (issue 16), generated here from a seed: wide lines, wide
 * arrays, identifier-like and high-cardinality labels, gzip bombs and corrupted gzip, deep JSON,
 * binary data posing as text, mixed and single-byte encodings, counts headers, odd delimiters and
 * preambles. Each input must load into a consistent dataset or fail with a DatasetError that
 * names a limit or a place — never another exception, and never by allocating past the limits
 * (they are small here, so a violation shows as a slow or crashing test).
 */
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../core/rng.js';
import { DatasetError } from './errors.js';
import { loadDataset } from './load.js';
import { encodeNpy } from './parsers/npy.js';
import type { LoadOptions } from './load.js';

const LIMITS = { maxBytes: 4 << 20, maxCells: 200_000, maxColumns: 2_000, maxClasses: 200, maxDepth: 32 };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0) & 0xff));

type Case = { name: string; bytes: Uint8Array; options: LoadOptions };

const CATEGORIES: ((rng: Rng) => Case)[] = [
  (rng) => {
    const n = LIMITS.maxColumns - 5 + rng.int(20);
    return {
      name: `wide line of ${n}`,
      bytes: enc(`${Array(n).fill('1').join(',')}\n`.repeat(1 + rng.int(3))),
      options: {},
    };
  },
  (rng) => {
    const cols = LIMITS.maxColumns - 5 + rng.int(20);
    return {
      name: `1 × ${cols} npy`,
      bytes: encodeNpy([1, cols], new Float64Array(cols)),
      options: { fileName: 'w.npy' },
    };
  },
  (rng) => {
    const n = 50 + rng.int(400);
    const distinct = 1 + rng.int(n);
    const rows = Array.from({ length: n }, (_, i) => `${i % 7},id${i % distinct}`);
    const task = (['auto', 'classification'] as const)[rng.int(2)];
    return {
      name: `${distinct} labels in ${n} rows (${task})`,
      bytes: enc(`x,label\n${rows.join('\n')}\n`),
      options: { task },
    };
  },
  (rng) => {
    const members = 1 + rng.int(2);
    const parts = Array.from({ length: members }, () => gzipSync(new Uint8Array((1 + rng.int(3)) << 20).fill(48)));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return {
      name: `bomb of ${members} members`,
      bytes,
      options: { fileName: 'b.csv.gz', limits: { maxExpansion: 1 + rng.int(300) } },
    };
  },
  (rng) => {
    const gz = gzipSync(enc(`x,y\n${Array.from({ length: 50 }, (_, i) => `${i},${i * 2}`).join('\n')}\n`));
    const bad = gz.slice();
    const at = 10 + rng.int(gz.length - 10);
    bad[at]! ^= 1 << rng.int(8);
    return { name: `gzip with byte ${at} flipped`, bytes: bad, options: {} };
  },
  (rng) => {
    const depth = 20 + rng.int(200);
    const open = rng.int(2) ? '[' : '{"a":';
    return { name: `JSON nested ${depth}`, bytes: enc(open.repeat(depth)), options: { fileName: 'd.json' } };
  },
  (rng) => {
    const b = new Uint8Array(100 + rng.int(100_000));
    for (let i = 0; i < b.length; i += 1 + rng.int(50)) b[i] = rng.int(256);
    return { name: 'binary noise', bytes: b, options: { fileName: rng.int(2) ? 'x.csv' : 'x' } };
  },
  (rng) => {
    const words = ['café', 'cafè', 'naïve', 'Zürich', 'plain'];
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${words[rng.int(words.length)]}`);
    const text = `x,label\n${rows.join('\n')}\n`;
    const kind = rng.int(3);
    const bytes =
      kind === 0 ? latin1(text) : kind === 1 ? enc(text) : new Uint8Array([...enc(text), ...latin1('99,café\n')]);
    const encoding = (['auto', 'utf-8', 'latin1', 'windows-1252'] as const)[rng.int(4)];
    return { name: `encoding ${kind} read as ${encoding}`, bytes, options: { encoding } };
  },
  (rng) => {
    const k = 2 + rng.int(4);
    const n = 10 + rng.int(40);
    const names = Array.from({ length: k }, (_, i) => `c${i}`);
    const rows = Array.from({ length: n }, (_, i) => `${i},${i % 3},${rng.int(k + rng.int(2))}`);
    const header = (['auto', 'yes', 'no'] as const)[rng.int(3)];
    return {
      name: `counts header, ${k} classes, header ${header}`,
      bytes: enc(`${n},2,${names.join(',')}\n${rows.join('\n')}\n`),
      options: { header },
    };
  },
  (rng) => {
    const sep = [' ', '  ', '\t', ';', '|', ','][rng.int(6)]!;
    const rows = Array.from({ length: 10 }, (_, i) => [i, i * 2, i % 2].join(sep));
    const skip = rng.int(3);
    const preamble = Array.from({ length: skip }, (_, i) => `title line ${i}`).join('\n');
    const text = `${skip ? `${preamble}\n` : ''}${rows.join('\n')}\n`;
    return {
      name: `delimiter ${JSON.stringify(sep)}, ${skip} preamble lines`,
      bytes: enc(text),
      options: { fileName: 'd.csv', skipLines: rng.int(2) ? skip : 0 },
    };
  },
];

function check(c: Case): string {
  try {
    const ds = loadDataset(c.bytes, { ...c.options, limits: { ...LIMITS, ...c.options.limits } });
    expect(ds.X.cols).toBeLessThanOrEqual(LIMITS.maxColumns);
    expect(ds.Y.cols).toBeLessThanOrEqual(LIMITS.maxClasses);
    expect(ds.X.rows * (ds.X.cols + ds.Y.cols)).toBeLessThanOrEqual(2 * LIMITS.maxCells);
    expect(ds.meta.inferred?.taskReason.length).toBeGreaterThan(0);
    if (ds.meta.classNames) expect(new Set(ds.meta.classNames).size).toBe(ds.meta.classNames.length);
    return 'ok';
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    expect(e.message.length).toBeGreaterThan(10);
    return e.code;
  }
}

describe('the probe\u2019s categories, generated from seeds', () => {
  it('every category: a consistent dataset or a DatasetError (300 inputs)', () => {
    const outcomes = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const rng = createRng(16_000 + seed);
      const c = CATEGORIES[seed % CATEGORIES.length]!(rng);
      let outcome: string;
      try {
        outcome = check(c);
      } catch (e) {
        throw new Error(`seed ${16_000 + seed} (${c.name}): ${String(e)}`, { cause: e });
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Both sides are exercised: some inputs load, and the limits and checks do fire.
    expect(outcomes.get('ok')).toBeGreaterThan(20);
    for (const code of ['too-large', 'bad-gzip', 'too-deep', 'unknown-format', 'identifier-labels'])
      expect(outcomes.get(code), `${code} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  });
});
