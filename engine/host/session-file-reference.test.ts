import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { config, regression, setup } from './host-test-kit.js';

const CSV = `a,b,y\n${Array.from({ length: 30 }, (_, i) => `${Math.cos(i).toFixed(5)},${Math.sin(3 * i).toFixed(5)},${(Math.cos(i) - 2 * Math.sin(3 * i)).toFixed(5)}`).join('\n')}\n`;
const csvBytes = () => new TextEncoder().encode(CSV);
const loadCsv = {
  type: 'load-dataset' as const,
  id: 1,
  source: { kind: 'file' as const, fileName: 'line.csv', bytes: csvBytes(), options: { targets: ['y'] } },
};

describe('EngineHost sessions that refer to their data file (Embed the data set off)', () => {
  it('export with embedData false refers to the file; open needs it, checks it, and continues exactly', async () => {
    const a = await setup();
    a.send(loadCsv);
    a.send({ type: 'configure', config: { ...config, batchSize: 8 } });
    a.send({ type: 'step', count: 6, id: 2 });
    await a.waitFor('state', (s) => s.replyTo === 2);
    a.send({ type: 'export', what: 'session', id: 3, embedData: false });
    const bytes = (await a.waitFor('export', (e) => e.replyTo === 3)).bytes!;
    const manifest = JSON.parse(new TextDecoder().decode(unzipSync(bytes)['manifest.json']!)) as {
      dataset: { file?: { path: string; bytes: number; read?: unknown }; embedded?: unknown };
    };
    expect(manifest.dataset.embedded).toBeUndefined();
    expect(manifest.dataset.file).toMatchObject({
      path: 'line.csv',
      bytes: csvBytes().length,
      read: { targets: ['y'] },
    });
    a.send({ type: 'step', count: 4, id: 4 });
    await a.waitFor('state', (s) => s.replyTo === 4);
    const expected = a.of('frame').at(-1)!.loss;

    const b = await setup();
    b.send({ type: 'open-session', id: 5, fileName: 'ref.bplens', bytes });
    const missing = await b.waitFor('error', (e) => e.replyTo === 5);
    expect(missing.code).toBe('file-error');
    expect(missing.message).toMatch(
      /^ref\.bplens: manifest\.json: dataset\.file: the data is not in this session file: it refers to line\.csv \(\d+ bytes, SHA-256 [0-9a-f]{64}\); locate that file/,
    );
    const other = new TextEncoder().encode(CSV.replace('0.', '1.'));
    b.send({
      type: 'open-session',
      id: 6,
      fileName: 'ref.bplens',
      bytes,
      data: { fileName: 'copy.csv', bytes: other },
    });
    const changed = await b.waitFor('error', (e) => e.replyTo === 6);
    expect(changed.code).toBe('file-error');
    expect(changed.message).toContain('dataset.file: copy.csv is not the data file the session was saved with');
    b.send({
      type: 'open-session',
      id: 7,
      fileName: 'ref.bplens',
      bytes,
      data: { fileName: 'line.csv', bytes: csvBytes() },
    });
    expect((await b.waitFor('session-opened', (e) => e.replyTo === 7)).step).toBe(6);
    b.send({ type: 'step', count: 4, id: 8 });
    await b.waitFor('state', (s) => s.replyTo === 8);
    expect(b.of('frame').at(-1)!.loss).toBe(expected);
    // The read options come from the file: only the loader's own options, checked, reach the loader.
    const entries = unzipSync(bytes);
    const m = JSON.parse(new TextDecoder().decode(entries['manifest.json']!)) as {
      dataset: { file: { read: Record<string, unknown> } };
    };
    m.dataset.file.read = { ...m.dataset.file.read, delimiter: 'nope' };
    const tampered = zipSync({ ...entries, 'manifest.json': new TextEncoder().encode(JSON.stringify(m)) });
    b.send({
      type: 'open-session',
      id: 10,
      fileName: 't.bplens',
      bytes: tampered,
      data: { fileName: 'line.csv', bytes: csvBytes() },
    });
    const refused = await b.waitFor('error', (e) => e.replyTo === 10);
    expect(refused.code).toBe('file-error');
    expect(refused.message).toMatch(/^t\.bplens: manifest\.json: dataset\.file\.read\.delimiter: /);
    // Saved again without embedding, it still refers to the located file.
    b.send({ type: 'export', what: 'session', id: 9, embedData: false });
    expect((await b.waitFor('export', (e) => e.replyTo === 9)).bytes).toBeInstanceOf(Uint8Array);
  });

  it('data that did not come from a file can only be embedded', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config });
    a.send({ type: 'export', what: 'session', id: 2, embedData: false });
    const err = await a.waitFor('error', (e) => e.replyTo === 2);
    expect(err.code).toBe('invalid-state');
    expect(err.message).toContain('it can only be embedded');
  });
});

/** A small deterministic generator, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Replaces, deletes or retypes one random value somewhere in a JSON document. */
function mutateJson(doc: unknown, r: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]): void => {
    paths.push(at);
    if (Array.isArray(v)) v.forEach((x, k) => walk(x, [...at, k]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(copy, []);
  const path = paths[1 + Math.floor(r() * (paths.length - 1))]!;
  let parent: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path.at(-1)!;
  const choices: unknown[] = [undefined, null, -1, 0, 1e308, 'x', '../../etc/passwd', [], {}, true, 2 ** 40];
  const v = choices[Math.floor(r() * choices.length)];
  if (v === undefined && !Array.isArray(parent)) delete parent[key];
  else parent[key] = v;
  return copy;
}

describe('EngineHost open-session fuzz', () => {
  it('damaged session bytes from the dashboard only ever give a file-error event; the engine keeps working', async () => {
    const a = await setup();
    a.send(loadCsv);
    a.send({ type: 'configure', config: { ...config, batchSize: 8 } });
    a.send({ type: 'step', count: 3, id: 2 });
    await a.waitFor('state', (s) => s.replyTo === 2);
    a.send({ type: 'export', what: 'session', id: 3 });
    const good = (await a.waitFor('export', (e) => e.replyTo === 3)).bytes!;
    const entries = unzipSync(good);
    const manifest = JSON.parse(new TextDecoder().decode(entries['manifest.json']!)) as unknown;

    const b = await setup();
    const r = rng(12);
    const cases: Uint8Array[] = [];
    for (let k = 0; k < 40; k++) {
      const bytes = good.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(r() * bytes.length);
        bytes[at] = bytes[at]! ^ (1 + Math.floor(r() * 255));
      }
      cases.push(k % 4 === 0 ? bytes.slice(0, Math.floor(r() * bytes.length)) : bytes);
    }
    // Well-formed zips whose manifest is damaged in one place: the checks past the zip layer.
    for (let k = 0; k < 60; k++) {
      const m = mutateJson(manifest, r);
      cases.push(zipSync({ ...entries, 'manifest.json': new TextEncoder().encode(JSON.stringify(m)) }));
    }
    let id = 100;
    const codes = new Map<string, number>();
    for (const bytes of cases) {
      b.send({ type: 'open-session', id: ++id, fileName: 'fuzz.bplens', bytes });
      const answer = await Promise.race([
        b.waitFor('error', (e) => e.replyTo === id).then((e) => ({ error: e })),
        b.waitFor('session-opened', (e) => e.replyTo === id).then(() => ({ error: null })),
      ]);
      const code = answer.error ? answer.error.code : 'opened';
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (answer.error) {
        expect(answer.error.code, answer.error.message).toBe('file-error');
        expect(answer.error.message.startsWith('fuzz.bplens: '), answer.error.message).toBe(true);
        expect(answer.error.fatal).toBe(false);
      }
    }
    expect(codes.get('file-error')).toBeGreaterThan(50);
    // Still working: the intact file opens and trains.
    b.send({ type: 'open-session', id: 1000, fileName: 'ok.bplens', bytes: good });
    expect((await b.waitFor('session-opened', (e) => e.replyTo === 1000)).step).toBe(3);
    b.send({ type: 'step', count: 1, id: 1001 });
    await b.waitFor('state', (s) => s.replyTo === 1001);
  }, 60_000);
});
