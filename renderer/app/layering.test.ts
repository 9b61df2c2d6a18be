import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// ESLint checks the .ts files (eslint.config.js) but skips .vue single-file components, so the
// layering rule of ARCHITECTURE.md is checked here for both: renderer/** reaches the engine only
// through its public entry (engine/index.ts) and engine/protocol; only the engine-host page
// (renderer/engine-host) and the transport test that runs a real host in-process import engine/host.
const rendererDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const engineDir = resolve(rendererDir, '..', 'engine');
const hostImporters = (file: string): boolean => {
  const r = relative(rendererDir, file).replaceAll('\\', '/');
  return r.startsWith('engine-host/') || r === 'app/transport/client.test.ts';
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sources(p);
    return /\.(ts|vue)$/.test(name) ? [p] : [];
  });
}

function engineImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs = [...src.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(engineDir, resolve(dirname(file), s)).replaceAll('\\', '/'))
    .filter((r) => !r.startsWith('..'));
}

describe('renderer layering', () => {
  it('imports only engine/index and engine/protocol from the engine (.ts and .vue)', () => {
    const bad = sources(rendererDir).flatMap((f) =>
      engineImports(f)
        .filter((r) => r !== 'index.js' && !r.startsWith('protocol/') && !(r.startsWith('host/') && hostImporters(f)))
        .map((r) => `${relative(rendererDir, f)} → engine/${r}`),
    );
    expect(bad).toEqual([]);
  });
  it('leaves engine/host to the engine-host page', () => {
    const hosts = sources(rendererDir).filter((f) => engineImports(f).some((r) => r.startsWith('host/')));
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.filter((f) => !hostImporters(f))).toEqual([]);
  });
  it('finds the engine imports it checks (the scan is not vacuous)', () => {
    const all = sources(rendererDir).flatMap(engineImports);
    expect(all).toContain('index.js');
    expect(all).toContain('protocol/index.js');
  });
});
