/**
 * The browser / Electron-renderer entry (index.ts) must never reach Node-only code: no `node:`
 * modules, no dawn.node (`webgpu` package), no node-*.ts file, through any chain of imports.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const specs = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('webgpu-f32 browser entry', () => {
  it('imports nothing Node-only, directly or indirectly', () => {
    const graph = reachable(join(here, 'index.ts'));
    expect(graph.size).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const [file, specs] of graph) {
      if (/[\\/]node-[^\\/]*\.ts$/.test(file)) offenders.push(file);
      for (const s of specs) if (s.startsWith('node:') || s === 'webgpu') offenders.push(`${file} → ${s}`);
    }
    expect(offenders).toEqual([]);
  });
});
