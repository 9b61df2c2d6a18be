#!/usr/bin/env node
// Compares electronegativity's SARIF report with the committed allow-list: every HIGH or MEDIUM
// finding must match an entry (check + file) that gives a reason. (SARIF rather than CSV: the CSV
// writer of electronegativity 1.10 interleaves rows; its SARIF maps HIGH and MEDIUM to "warning"
// or "error", LOW and informational to "note".)
import { readFileSync } from 'node:fs';

const [sarifPath, allowPath] = process.argv.slice(2);
const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
const findings = (sarif.runs ?? []).flatMap((run) =>
  (run.results ?? []).map((r) => {
    const loc = r.locations?.[0]?.physicalLocation;
    return {
      check: r.ruleId,
      serious: r.level === 'warning' || r.level === 'error',
      level: r.level,
      file: loc?.artifactLocation?.uri ?? '?',
      line: loc?.region?.startLine ?? 0,
      message: r.message?.text ?? '',
    };
  }),
);

const allow = JSON.parse(readFileSync(allowPath, 'utf8'));
if (!Array.isArray(allow.entries)) throw new Error(`${allowPath}: expected { "entries": [...] }`);
for (const [i, e] of allow.entries.entries()) {
  if (!e.check || !e.file || typeof e.reason !== 'string' || e.reason.trim().length < 20) {
    console.error(`${allowPath}: entries[${i}] needs "check", "file" and a "reason" of at least a sentence`);
    process.exit(2);
  }
}

const used = new Set();
const unexplained = [];
for (const f of findings) {
  if (!f.serious) continue;
  const k = allow.entries.findIndex((e) => e.check === f.check && e.file === f.file);
  if (k >= 0) used.add(k);
  else unexplained.push(f);
}

const serious = findings.filter((f) => f.serious).length;
console.log(
  `electronegativity: ${findings.length} finding(s), ${serious} HIGH/MEDIUM, ${serious - unexplained.length} explained by the allow-list`,
);
for (const f of findings) {
  const mark = !f.serious ? 'low ' : unexplained.includes(f) ? 'FAIL' : 'ok  ';
  console.log(`  [${mark}] ${f.check} ${f.file}:${f.line} ${f.message}`);
}
allow.entries.forEach((e, k) => {
  if (!used.has(k))
    console.log(`  note: allow-list entry ${e.check} ${e.file} matched nothing (remove it if the code changed)`);
});
if (unexplained.length > 0) {
  console.error(`\n${unexplained.length} HIGH/MEDIUM finding(s) are not explained in ${allowPath}.`);
  process.exit(1);
}
