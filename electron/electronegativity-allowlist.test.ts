/**
 * The electronegativity allow-list explains findings window by window: a finding on a
 * `new BrowserWindow(…)` call matches only an entry naming that call's options function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowListProblem, explain, windowAt, type Finding } from '../scripts/electronegativity-check.mjs';

const root = join(import.meta.dirname, '..');
const allow = JSON.parse(readFileSync(join(root, 'electronegativity-allowlist.json'), 'utf8')) as Parameters<
  typeof explain
>[1];
const setupWindows = readFileSync(join(root, 'electron/setup-windows.ts'), 'utf8');
const lineOf = (source: string, text: string, nth = 0): number => {
  const lines = source.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  return hits[nth]!;
};
const finding = (check: string, file: string, line: number): Finding => ({
  check,
  serious: true,
  level: 'warning',
  file,
  line,
  message: '',
});
const CHECKS = ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'AUXCLICK_JS_CHECK'];

describe('electronegativity allow-list', () => {
  it('is well formed and every entry names the window it explains', () => {
    expect(allowListProblem(allow)).toBeNull();
    for (const e of allow.entries) expect(e.window).toMatch(/WindowOptions$/);
  });

  it('finds the options function of each window created in setup-windows.ts', () => {
    expect(windowAt(setupWindows, lineOf(setupWindows, 'new BrowserWindow(', 0))).toBe('dashboardWindowOptions');
    expect(windowAt(setupWindows, lineOf(setupWindows, 'new BrowserWindow(', 1))).toBe('engineWindowOptions');
  });

  it('explains the findings on both of today\u2019s windows', () => {
    const findings = CHECKS.flatMap((c) =>
      [0, 1].map((n) => finding(c, 'electron/setup-windows.ts', lineOf(setupWindows, 'new BrowserWindow(', n))),
    );
    const { unexplained, used } = explain(findings, allow, () => setupWindows);
    expect(unexplained).toEqual([]);
    expect(used.size).toBe(allow.entries.length);
  });

  it('fails a new window without the secure option functions, even in the same file', () => {
    const extra = `${setupWindows}\nexport function createToolWindow(): BrowserWindow {\n  return new BrowserWindow({ width: 300, webPreferences: { sandbox: false } });\n}\n`;
    const line = lineOf(extra, 'new BrowserWindow({');
    const { unexplained } = explain(
      CHECKS.map((c) => finding(c, 'electron/setup-windows.ts', line)),
      allow,
      () => extra,
    );
    expect(unexplained.map((f) => f.check)).toEqual(CHECKS);
    expect(unexplained[0]!.window).toBe('{');
  });

  it('fails a finding in another file, and one on a window given another options function', () => {
    const other = 'const w = new BrowserWindow(toolWindowOptions());\n';
    expect(explain([finding('SANDBOX_JS_CHECK', 'electron/tool.ts', 1)], allow, () => other).unexplained).toHaveLength(
      1,
    );
    expect(
      explain([finding('SANDBOX_JS_CHECK', 'electron/setup-windows.ts', 1)], allow, () => other).unexplained,
    ).toHaveLength(1);
  });
});
