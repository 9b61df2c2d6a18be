/**
 * Writes the sample files in assets/datasets/ from the built-in generators (Node-only).
 * Run: npx tsx engine/data/node-write-assets.ts. A test checks the committed files still match.
 */
import { gzipSync } from 'fflate';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx } from './parsers/idx.js';
import { generateBuiltin } from './registry.js';
import { formatDelimited } from './utils.js';

export interface SampleFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The sample files, generated deterministically (the test compares them with the committed ones). */
export function sampleFiles(): SampleFile[] {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const xsin = generateBuiltin('xsin');
  const spiral = generateBuiltin('spiral', { classes: 3 });
  const digits = generateBuiltin('digits', { n: 200 }).train;
  const pixels = Array.from(digits.X.data, (v) => Math.round(v * 255));
  const labels = Array.from({ length: digits.Y.rows }, (_, i) =>
    digits.Y.data.subarray(i * 10, i * 10 + 10).indexOf(1),
  );
  // mtime 0 in the gzip header keeps the bytes reproducible.
  const gz = (b: Uint8Array): Uint8Array => gzipSync(b, { mtime: 0, level: 9 });
  return [
    { name: 'xsin-train.txt', bytes: text(formatDelimited(xsin.train, { delimiter: 'whitespace', header: false })) },
    { name: 'xsin-test.txt', bytes: text(formatDelimited(xsin.test, { delimiter: 'whitespace', header: false })) },
    { name: 'spiral-3.csv', bytes: text(formatDelimited(spiral.train)) },
    { name: 'digits8-images-idx3-ubyte.gz', bytes: gz(encodeIdx('uint8', [200, 8, 8], pixels)) },
    { name: 'digits8-labels-idx1-ubyte.gz', bytes: gz(encodeIdx('uint8', [200], labels)) },
  ];
}

export function writeSampleFiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of sampleFiles()) {
    const tmp = join(dir, `.${f.name}.tmp`);
    writeFileSync(tmp, f.bytes);
    renameSync(tmp, join(dir, f.name)); // atomic: never a half-written sample
  }
}

if (process.argv[1]?.endsWith('node-write-assets.ts')) writeSampleFiles(join(process.cwd(), 'assets', 'datasets'));
