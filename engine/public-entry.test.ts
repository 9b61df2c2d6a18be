import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The public entry is loaded in a Web Worker and a sandboxed renderer: nothing reachable from
// it may import Node built-ins or node-* modules, and the engine imports nothing outside engine/.
const engineDir = dirname(fileURLToPath(import.meta.url));

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms)) out.push(m[1]!);
  for (const m of src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const specs = importsOf(file);
    seen.set(file, specs);
    for (const s of specs) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(file), s.replace(/\.js$/, '.ts'));
      stack.push(target);
    }
  }
  return seen;
}

function allSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return allSources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('engine public entry', () => {
  it('reaches no Node built-in and no node-* module', () => {
    const graph = reachable(join(engineDir, 'index.ts'));
    const offenders: string[] = [];
    for (const [file, specs] of graph) {
      if (/[/\\]node-[^/\\]*\.ts$/.test(file)) offenders.push(`${file} is Node-only`);
      for (const s of specs) if (s.startsWith('node:') || ['fs', 'path', 'os', 'child_process'].includes(s)) offenders.push(`${file} imports ${s}`);
    }
    expect(offenders).toEqual([]);
    expect(graph.size).toBeGreaterThan(20);
  });

  it('engine/ imports nothing from electron/ or renderer/', () => {
    const offenders = allSources(engineDir).flatMap((file) =>
      importsOf(file)
        .filter((s) => /(^|\/)(electron|renderer)\//.test(s) || s === 'electron' || s === 'vue' || s === 'pinia')
        .map((s) => `${file}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('loads and exposes the reference backend and the session', async () => {
    const engine = await import('./index.js');
    expect(typeof engine.Cpu64Backend).toBe('function');
    expect(typeof engine.Session).toBe('function');
  });
});
