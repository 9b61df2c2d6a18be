/**
 * Seeded mutation fuzzing of every parser: valid files of each format are damaged (bytes flipped,
 * inserted, deleted, duplicated, truncated, special tokens spliced in) thousands of times. Each
 * input must either load into a consistent, finite dataset or fail with a DatasetError; any other
 * exception is a bug. Failures print the seed and the input so they can be replayed.
 */
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../core/rng.js';
import { DatasetError } from './errors.js';
import { loadArrayPair, loadDataset } from './load.js';
import { DelimitedTextParser, parseDelimited } from './parsers/delimited.js';
import { encodeIdx } from './parsers/idx.js';
import { encodeNpy } from './parsers/npy.js';
import { parseCell, parseFiniteNumber } from './parsers/number.js';
import { generateBuiltin } from './registry.js';
import type { LabeledDataset } from './types.js';
import { formatDelimited, formatJson } from './utils.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const LIMITS = { maxBytes: 256 * 1024, maxCells: 50_000 };

const TOKENS = [
  'NaN',
  'Infinity',
  '-inf',
  '1e999',
  '""',
  '"',
  ',,',
  '\n\n',
  '\r',
  '#',
  '\t',
  ' ',
  '{',
  '}',
  '[',
  ']',
  ':',
  'null',
  'true',
  '0x1F',
  '-',
  '.',
  'e',
  '\uFEFF',
  '\u0000',
  'é',
];

function mutate(input: Uint8Array, rng: Rng): Uint8Array {
  let b = Array.from(input);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    // Binary headers are where the structure lives: aim a third of the edits at the first bytes.
    const head = rng.next() < 0.33 ? Math.min(b.length - 1, rng.int(24)) : at;
    switch (rng.int(8)) {
      case 0:
        if (b.length > 0) b[head] = rng.int(256);
        break;
      case 1:
        if (b.length > 0) b[head] = [0, 0xff, 0x7f, 0x80, 1, 8, 13, 0x0e][rng.int(8)]!;
        break;
      case 2:
        b.splice(at, 0, ...Array.from(enc(TOKENS[rng.int(TOKENS.length)]!)));
        break;
      case 3:
        b.splice(at, 1 + rng.int(8));
        break;
      case 4:
        b = b.slice(0, rng.int(b.length + 1));
        break;
      case 5: {
        const len = 1 + rng.int(16);
        b.splice(rng.int(b.length + 1), 0, ...b.slice(at, at + len));
        break;
      }
      case 6:
        b.splice(at, 0, ...Array.from({ length: 1 + rng.int(4) }, () => rng.int(256)));
        break;
      default:
        if (b.length > 0) b[at] = b[at]! ^ (1 << rng.int(8));
    }
  }
  return Uint8Array.from(b);
}

function checkDataset(ds: LabeledDataset): void {
  expect(ds.X.data.length).toBe(ds.X.rows * ds.X.cols);
  expect(ds.Y.data.length).toBe(ds.Y.rows * ds.Y.cols);
  expect(ds.X.rows).toBe(ds.Y.rows);
  expect(ds.X.rows).toBeGreaterThan(0);
  expect(ds.meta.featureNames.length).toBe(ds.X.cols);
  expect(ds.meta.targetNames.length).toBe(ds.Y.cols);
  for (const v of ds.X.data) if (!Number.isFinite(v)) throw new Error('non-finite value in X');
  for (const v of ds.Y.data) if (!Number.isFinite(v)) throw new Error('non-finite value in Y');
  if (ds.meta.task === 'classification') {
    for (let i = 0; i < ds.Y.rows; i++) {
      let s = 0;
      for (let j = 0; j < ds.Y.cols; j++) s += ds.Y.data[i * ds.Y.cols + j]!;
      if (s !== 1) throw new Error('a one-hot row does not sum to 1');
    }
  }
}

interface Outcome {
  ok: number;
  rejected: number;
  codes: Set<string>;
}

/** Runs f; a DatasetError counts as a clean rejection, anything else fails the test with the input. */
function attempt(label: string, seed: number, input: Uint8Array, f: () => LabeledDataset, out: Outcome): void {
  try {
    checkDataset(f());
    out.ok++;
  } catch (e) {
    if (e instanceof DatasetError) {
      expect(e.message.length).toBeGreaterThan(0);
      out.rejected++;
      out.codes.add(e.code);
      return;
    }
    const shown = Buffer.from(input.subarray(0, 400)).toString('base64');
    throw new Error(`${label} (fuzz seed ${seed}) threw ${String(e)}; input (base64): ${shown}`, { cause: e });
  }
}

function textSeeds(): { name: string; bytes: Uint8Array }[] {
  const spiral = generateBuiltin('spiral', { n: 12, classes: 3 }).train;
  const xsin = generateBuiltin('xsin', { n: 10 }).train;
  const plane = generateBuiltin('plane', { n: 8 }).train;
  return [
    { name: 'spiral.csv', bytes: enc(formatDelimited(spiral)) },
    { name: 'xsin.txt', bytes: enc(formatDelimited(xsin, { delimiter: 'whitespace', header: false })) },
    { name: 'plane.tsv', bytes: enc(formatDelimited(plane, { delimiter: '\t' })) },
    { name: 'q.csv', bytes: enc('# comment\r\nname,"x, y",z\r\n"a ""b""",1,2\r\n"multi\nline",3,4\r\nc,5,6\r\n') },
    { name: 'semi.csv', bytes: enc('a;b;c\n1,5;2;x\n3;4;y\n') },
    { name: 'plane.json', bytes: enc(formatJson(plane)) },
    { name: 'batch.json', bytes: enc(formatJson(plane, true)) },
    {
      name: 'objects.json',
      bytes: enc(
        JSON.stringify([
          { a: 1, b: 2, label: 'x' },
          { a: 3, b: 4, label: 'y' },
          { a: 5, b: null, label: 'x' },
        ]),
      ),
    },
    { name: 'rows.json', bytes: enc('[[1, 2, 3], [4, 5, 6], [7, 8, 9]]') },
  ];
}

describe('fuzzing every parser with mutated valid inputs', () => {
  it('text and JSON: only DatasetErrors, never crashes (2400 inputs)', () => {
    const seeds = textSeeds();
    const out: Outcome = { ok: 0, rejected: 0, codes: new Set() };
    for (let s = 0; s < 2400; s++) {
      const rng = createRng(1000 + s);
      const base = seeds[s % seeds.length]!;
      const input = mutate(base.bytes, rng);
      const gz = s % 13 === 0;
      const bytes = gz ? gzipSync(input) : input;
      const task = (['auto', 'classification', 'regression'] as const)[rng.int(3)]!;
      attempt(base.name, 1000 + s, input, () => loadDataset(bytes, { fileName: base.name, limits: LIMITS, task }), out);
    }
    expect(out.ok).toBeGreaterThan(100); // the mutations are not all fatal…
    expect(out.rejected).toBeGreaterThan(500); // …and many are caught
    for (const code of ['ragged-row', 'non-numeric', 'bad-json', 'non-finite']) expect(out.codes).toContain(code);
  });

  it('IDX pairs, plain and gzipped (1200 inputs)', () => {
    const digits = generateBuiltin('digits', { n: 6 }).train;
    const images = encodeIdx(
      'uint8',
      [6, 8, 8],
      Array.from(digits.X.data, (v) => Math.round(v * 255)),
    );
    const labels = encodeIdx('uint8', [6], [0, 1, 2, 3, 4, 5]);
    const floats = encodeIdx('float32', [6, 2], [0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const out: Outcome = { ok: 0, rejected: 0, codes: new Set() };
    for (let s = 0; s < 1200; s++) {
      const rng = createRng(5000 + s);
      const x = s % 3 === 0 ? floats : images;
      const gz = s % 4 === 0;
      const mutX = s % 2 === 0;
      const mx = mutX ? mutate(gz ? gzipSync(x) : x, rng) : x;
      const my = mutX ? labels : mutate(gz ? gzipSync(labels) : labels, rng);
      attempt(
        'idx',
        5000 + s,
        mutX ? mx : my,
        () =>
          loadArrayPair(
            { bytes: mx, fileName: 'images-idx3-ubyte' },
            { bytes: my, fileName: 'labels-idx1-ubyte' },
            { limits: LIMITS },
          ),
        out,
      );
    }
    expect(out.rejected).toBeGreaterThan(300);
    for (const code of ['bad-magic', 'truncated', 'trailing-bytes', 'length-mismatch'])
      expect(out.codes).toContain(code);
  });

  it('.npy files, single and paired (1200 inputs)', () => {
    const seeds = [
      encodeNpy([4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
      encodeNpy([4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], '>f4'),
      encodeNpy([4, 2], [1, 0, 0, 1, 1, 0, 0, 1], '<i8'),
      encodeNpy([4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], '|u1'),
    ];
    const y = encodeNpy([4], [0, 1, 0, 1], '<i4');
    const out: Outcome = { ok: 0, rejected: 0, codes: new Set() };
    for (let s = 0; s < 1200; s++) {
      const rng = createRng(9000 + s);
      const input = mutate(seeds[s % seeds.length]!, rng);
      if (s % 2 === 0)
        attempt('npy', 9000 + s, input, () => loadDataset(input, { fileName: 'a.npy', limits: LIMITS }), out);
      else
        attempt(
          'npy pair',
          9000 + s,
          input,
          () => loadArrayPair({ bytes: input, fileName: 'X.npy' }, { bytes: y, fileName: 'y.npy' }, { limits: LIMITS }),
          out,
        );
    }
    expect(out.rejected).toBeGreaterThan(300);
    for (const code of ['bad-magic', 'bad-header', 'truncated', 'unsupported-dtype']) expect(out.codes).toContain(code);
  });

  it('the streaming parser gives the same result at any chunk boundary (600 inputs)', () => {
    const seeds = textSeeds().filter((t) => !t.name.endsWith('.json'));
    for (let s = 0; s < 600; s++) {
      const rng = createRng(20_000 + s);
      const text = new TextDecoder().decode(mutate(seeds[s % seeds.length]!.bytes, rng));
      const summarize = (f: () => { rows: number; columns: readonly { values: Float64Array }[] }): string => {
        try {
          const t = f();
          return JSON.stringify([
            t.rows,
            t.columns.map((c) => Array.from(c.values, (v) => (Number.isNaN(v) ? 'NaN' : v))),
          ]);
        } catch (e) {
          if (!(e instanceof DatasetError)) throw e;
          return `${e.code}@${e.line}:${e.column}`;
        }
      };
      // A given delimiter makes the parser scan each chunk as it arrives (no sniffing buffer).
      const delimiter = s % 2 === 0 ? ('auto' as const) : ([',', '\t', 'whitespace'] as const)[rng.int(3)]!;
      const whole = summarize(() => parseDelimited(text, { fileName: 'f.csv', delimiter }));
      // Random piece sizes, empty pieces included, so boundaries fall everywhere (inside quotes, between \r and \n).
      const pieces: string[] = [];
      for (let at = 0; at < text.length;) {
        const len = rng.int(12);
        pieces.push(text.slice(at, at + len));
        at += len;
      }
      const chunked = summarize(() => {
        const p = new DelimitedTextParser({ fileName: 'f.csv', delimiter });
        for (const piece of pieces) p.push(piece);
        return p.finish();
      });
      expect(chunked, `seed ${20_000 + s}`).toBe(whole);
    }
  });

  it('the fast number path agrees with the strict cell classifier', () => {
    const rng = createRng(77);
    const alphabet = [
      '0',
      '1',
      '9',
      '.',
      'e',
      'E',
      '+',
      '-',
      ' ',
      'x',
      'b',
      'o',
      'I',
      'n',
      'f',
      'N',
      'a',
      '\t',
      '_',
      '\u00a0',
    ];
    for (let s = 0; s < 20_000; s++) {
      const len = rng.int(7);
      let str = '';
      for (let k = 0; k < len; k++) str += alphabet[rng.int(alphabet.length)];
      const fast = parseFiniteNumber(str);
      const cell = parseCell(str);
      expect(Number.isNaN(fast), JSON.stringify(str)).toBe(cell.kind !== 'number');
      if (cell.kind === 'number') expect(fast).toBe(cell.value);
    }
  });
});
