#!/usr/bin/env node
// Writes the hostile data files of issue 16's memory measurements into a folder (default
// /tmp/bpl-hostile): run `backprop-lens info` on each under `/usr/bin/time -v` and read
// "Maximum resident set size". See BENCHMARKS.md, "Peak memory of `info` on hostile files".
//   node bench/hostile-inputs.mjs [FOLDER]
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

const dir = process.argv[2] ?? '/tmp/bpl-hostile';
mkdirSync(dir, { recursive: true });

// One CSV line with a million columns (2 MB).
writeFileSync(join(dir, 'wide.csv'), `${Array(1_000_000).fill('0').join(',')}\n`);

// A 1 × 1,000,000 float64 .npy (8 MB).
const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1000000), }";
const pad = 64 - ((10 + header.length + 1) % 64);
const head = `${header}${' '.repeat(pad % 64)}\n`;
const pre = Buffer.alloc(10);
pre.write('\x93NUMPY', 0, 'latin1');
pre[6] = 1;
pre[7] = 0;
pre.writeUInt16LE(head.length, 8);
writeFileSync(join(dir, 'wide.npy'), Buffer.concat([pre, Buffer.from(head, 'latin1'), Buffer.alloc(8_000_000)]));

// An identifier-like last column: 20,000 rows, 20,000 distinct labels.
const rows = ['x,label'];
for (let i = 0; i < 20_000; i++) rows.push(`${i % 97},user-${i}`);
writeFileSync(join(dir, 'many-labels.csv'), `${rows.join('\n')}\n`);

// A gzip bomb: 1 GiB of "0,0,0,0\n" compressed to about 1 MB.
const line = Buffer.from('0,0,0,0\n'.repeat(131_072)); // 1 MiB
async function* gib() {
  for (let i = 0; i < 1024; i++) yield line;
}
await pipeline(Readable.from(gib()), createGzip({ level: 9 }), createWriteStream(join(dir, 'bomb.csv.gz')));
console.log(`wrote wide.csv, wide.npy, many-labels.csv, bomb.csv.gz to ${dir}`);
