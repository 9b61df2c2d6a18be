#!/usr/bin/env node
// Compares electronegativity's SARIF report with the committed allow-list: every HIGH or MEDIUM
// finding must match an entry that gives a reason. An entry names the check, the file and, for a
// finding on a `new BrowserWindow(…)` call, the window: the options function the call is given
// (e.g. "dashboardWindowOptions"). So an entry explains that one window only, and a new window
// created without the secure option functions fails the scan even in an allowed file. (SARIF
// rather than CSV: the CSV writer of electronegativity 1.10 interleaves rows; its SARIF maps HIGH
// and MEDIUM to "warning" or "error", LOW and informational to "note".)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The findings of a SARIF report. */
export function findingsOf(sarif) {
  return (sarif.runs ?? []).flatMap((run) =>
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
}

/**
 * The window a finding is about: the first thing passed to the `new BrowserWindow(` call that
 * starts within two lines of `line` (1-based), e.g. "dashboardWindowOptions", or "{" for an
 * inline options object; null when there is no such call (a finding about something else).
 */
export function windowAt(source, line) {
  const lines = source.split('\n');
  for (let l = Math.max(0, line - 3); l < Math.min(lines.length, line + 2); l++) {
    const at = lines[l].indexOf('new BrowserWindow(');
    if (at < 0) continue;
    const rest = lines.slice(l).join('\n').slice(at + 'new BrowserWindow('.length);
    const m = /^\s*([A-Za-z_$][\w$]*|\{|\))/.exec(rest);
    return m ? m[1] : null;
  }
  return null;
}

/** Checks the allow-list's shape; returns a message for the first bad entry, or null. */
export function allowListProblem(allow) {
  if (!Array.isArray(allow.entries)) return 'expected { "entries": [...] }';
  for (const [i, e] of allow.entries.entries()) {
    if (!e.check || !e.file || typeof e.reason !== 'string' || e.reason.trim().length < 20)
      return `entries[${i}] needs "check", "file" and a "reason" of at least a sentence`;
    if (e.window !== undefined && (typeof e.window !== 'string' || e.window === ''))
      return `entries[${i}]: "window" must name the options function given to new BrowserWindow(…)`;
  }
  return null;
}

/**
 * Matches serious findings to entries. `sourceOf(file)` gives a finding's source text. A finding
 * on a window matches only an entry naming that window; any other finding matches an entry with
 * no window.
 */
export function explain(findings, allow, sourceOf) {
  const used = new Set();
  const unexplained = [];
  for (const f of findings) {
    if (!f.serious) continue;
    let source = null;
    try {
      source = sourceOf(f.file);
    } catch {
      source = null;
    }
    f.window = source === null ? null : windowAt(source, f.line);
    const k = allow.entries.findIndex(
      (e) => e.check === f.check && e.file === f.file && (e.window ?? null) === f.window,
    );
    if (k >= 0) used.add(k);
    else unexplained.push(f);
  }
  return { used, unexplained };
}

function main() {
  const [sarifPath, allowPath, sourceRoot] = process.argv.slice(2);
  const findings = findingsOf(JSON.parse(readFileSync(sarifPath, 'utf8')));
  const allow = JSON.parse(readFileSync(allowPath, 'utf8'));
  const problem = allowListProblem(allow);
  if (problem) {
    console.error(`${allowPath}: ${problem}`);
    process.exit(2);
  }
  const root = sourceRoot ?? dirname(allowPath);
  const { used, unexplained } = explain(findings, allow, (file) => readFileSync(join(root, file), 'utf8'));
  const serious = findings.filter((f) => f.serious).length;
  console.log(
    `electronegativity: ${findings.length} finding(s), ${serious} HIGH/MEDIUM, ${serious - unexplained.length} explained by the allow-list`,
  );
  for (const f of findings) {
    const mark = !f.serious ? 'low ' : unexplained.includes(f) ? 'FAIL' : 'ok  ';
    const win = f.window ? ` [window ${f.window}]` : '';
    console.log(`  [${mark}] ${f.check} ${f.file}:${f.line}${win} ${f.message}`);
  }
  allow.entries.forEach((e, k) => {
    if (!used.has(k))
      console.log(
        `  note: allow-list entry ${e.check} ${e.file}${e.window ? ` (${e.window})` : ''} matched nothing (remove it if the code changed)`,
      );
  });
  if (unexplained.length > 0) {
    console.error(`\n${unexplained.length} HIGH/MEDIUM finding(s) are not explained in ${allowPath}.`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
