#!/usr/bin/env node
// Size budget: a source file (TypeScript, Vue, JavaScript) past LIMIT lines must say why at its
// top, in a comment line holding "size-budget:" and the reason (within the first 15 lines).
// Generated files (*.generated.*) are exempt. Prints each offender and exits 1 if there is one.
// Usage: node scripts/check-size.mjs [--limit N] [--list N]   (--list: also print the N largest)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LIMIT = opt('--limit', 500);
const LIST = opt('--list', 0);
const SOURCE = /\.(ts|mts|cts|vue|js|mjs|cjs)$/;
const GENERATED = /\.generated\./;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => SOURCE.test(f) && !GENERATED.test(f) && !f.startsWith('node_modules/'));

const sizes = [];
const offenders = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed but deleted in the work tree
  }
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  sizes.push([lines, file]);
  if (lines <= LIMIT) continue;
  const head = text.split('\n').slice(0, 15).join('\n');
  if (!/size-budget:\s*\S/.test(head)) offenders.push([lines, file]);
}

if (LIST > 0) {
  for (const [n, f] of sizes.sort((a, b) => b[0] - a[0]).slice(0, LIST)) console.log(`${String(n).padStart(6)} ${f}`);
}
if (offenders.length > 0) {
  console.error(`size budget: ${offenders.length} file(s) over ${LIMIT} lines without a "size-budget: <reason>" comment at the top:`);
  for (const [n, f] of offenders.sort((a, b) => b[0] - a[0])) console.error(`  ${f}: ${n} lines`);
  process.exit(1);
}
console.log(`size budget: every source file is within ${LIMIT} lines or says why (${files.length} files checked)`);
