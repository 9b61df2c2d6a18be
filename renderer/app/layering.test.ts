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

// Inside the app (docs/dashboard.md "Code layout"), from the top down: the entry (main.ts,
// App.vue) and wiring/ (what connects the stores to the engine link and the menu); views/ and
// bench/; charts/ and components/; stores/; services/ and transport/ (helpers and the engine link).
// A folder imports its own and those below it, never one above; nothing but tests imports testing/.
const appDir = resolve(rendererDir, 'app');
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  entry: ['wiring', 'views', 'bench', 'charts', 'components', 'stores', 'services', 'transport'],
  wiring: ['wiring', 'stores', 'services', 'transport'],
  views: ['views', 'charts', 'components', 'stores', 'services'],
  bench: ['bench', 'charts', 'components', 'stores', 'services'],
  charts: ['charts', 'components', 'stores', 'services'],
  components: ['components', 'charts', 'stores', 'services'],
  stores: ['stores', 'services'],
  services: ['services', 'transport'],
  transport: ['transport', 'services'],
  testing: ['testing', 'services'],
};

/** The app folder a file belongs to ('entry' for main.ts, App.vue and anything else at the top). */
function appLayer(file: string): string {
  const top = relative(appDir, file).replaceAll('\\', '/').split('/');
  return top.length > 1 && top[0]! in MAY_IMPORT ? top[0]! : 'entry';
}

function appImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g)]
    .map((m) => resolve(dirname(file), m[1]!))
    .filter((p) => !relative(appDir, p).startsWith('..'));
}

describe('app layering', () => {
  const files = sources(appDir).filter((f) => !/\.test\.ts$/.test(f));
  it('imports only its own folder and the folders below it (wiring above stores, helpers below)', () => {
    const bad = files.flatMap((f) =>
      appImports(f)
        .filter((p) => !MAY_IMPORT[appLayer(f)]!.includes(appLayer(p)) && !(appLayer(f) === 'entry' && appLayer(p) === 'entry'))
        .map((p) => `${relative(appDir, f)} (${appLayer(f)}) → ${relative(appDir, p)} (${appLayer(p)})`),
    );
    expect(bad).toEqual([]);
  });
  it('sees every folder it rules on, and the rule bites (a store importing wiring would be caught)', () => {
    const layers = new Set(files.map(appLayer));
    for (const l of Object.keys(MAY_IMPORT)) expect(layers, l).toContain(l);
    expect(MAY_IMPORT[appLayer(join(appDir, 'stores', 'x.ts'))]).not.toContain(appLayer(join(appDir, 'wiring', 'connect.ts')));
    expect(appImports(join(appDir, 'main.ts')).map(appLayer)).toContain('wiring');
  });
});
