/**
 * Engine memory over a free run (history memory budget): the L network (1024-1024-1024-1024,
 * batch 256, Adam, cpu-f32) trains with 20 Hz frames for `--seconds`, and the process's resident
 * set and ArrayBuffer bytes are sampled every 5 s. Before `historyBytes` the history kept 100
 * entries of full float64 parameters and Adam moments (75 MB each) and the engine grew by
 * ≈ 120 MB a second; now the state is bounded (default 256 MiB) and memory must level off.
 *
 *   npm run bench:memory                       # 40 s, prints the samples
 *   npm run bench:memory -- --seconds 60 --history-bytes 536870912 --append
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEndpointPair, PROTOCOL_VERSION } from '../engine/protocol/index.js';
import type { EngineEvent } from '../engine/protocol/index.js';
import { EngineHost } from '../engine/host/index.js';
import { cpu32Provider } from './providers.js';
import { createRng } from '../engine/core/rng.js';

function parseArgs(argv: string[]): { seconds: number; historyBytes: number | null; append: boolean } {
  const out = { seconds: 40, historyBytes: null as number | null, append: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number ≥ 0`);
      return v;
    };
    if (a === '--seconds') out.seconds = value();
    else if (a === '--history-bytes') out.historyBytes = value();
    else if (a === '--append') out.append = true;
    else throw new Error(`unknown option ${a} (--seconds N, --history-bytes N, --append)`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const [engineEnd, dashEnd] = createEndpointPair();
  const host = new EngineHost(engineEnd, { backendProvider: cpu32Provider() });
  let nextId = 1;
  const waiting = new Map<number, (e: EngineEvent) => void>();
  dashEnd.addEventListener('message', (m) => {
    const e = m.data as EngineEvent;
    if (e.type === 'frame' && !e.historical) dashEnd.postMessage({ v: PROTOCOL_VERSION, type: 'ack', seq: e.seq });
    if (e.type === 'error') console.error(`engine error: ${e.message}`);
    if (e.replyTo !== undefined) waiting.get(e.replyTo)?.(e);
  });
  const request = (c: Record<string, unknown>): Promise<EngineEvent> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      dashEnd.postMessage({ v: PROTOCOL_VERSION, id, ...c });
    });
  await host.start();
  const rng = createRng(1);
  const n = 256;
  const p = 1024;
  const matrix = () => ({ rows: n, cols: p, data: Float64Array.from({ length: n * p }, () => rng.normal()) });
  await request({ type: 'load-dataset', source: { kind: 'matrices', name: 'L', X: matrix(), Y: matrix() } });
  const configured = await request({
    type: 'configure',
    config: {
      model: {
        inputSize: p,
        layers: [
          { units: p, activation: 'tanh' },
          { units: p, activation: 'tanh' },
          { units: p, activation: 'identity' },
        ],
        loss: 'sse',
      },
      optimizer: { kind: 'adam', lr: 1e-4 },
      batchSize: 'full',
      seed: 1,
      ...(args.historyBytes !== null ? { historyBytes: args.historyBytes } : {}),
    },
  });
  if (configured.type !== 'configured') throw new Error(`configure failed: ${JSON.stringify(configured)}`);
  await request({ type: 'set-telemetry', budget: 1 });
  await request({ type: 'start' });
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  const samples: string[] = [];
  let peak = 0;
  for (let t = 5; t <= args.seconds; t += 5) {
    await new Promise((r) => setTimeout(r, 5000));
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    const pong = (await request({ type: 'ping' })) as { step?: number };
    const line = `t=${t}s step ${pong.step} rss ${mb(m.rss)} MB, ArrayBuffers ${mb(m.arrayBuffers)} MB`;
    samples.push(`${mb(m.rss)}`);
    console.log(line);
  }
  await request({ type: 'pause' });
  const history = (await request({ type: 'request-history' })) as { steps?: number[] };
  console.log(`history: ${history.steps?.length} steps kept; peak rss ${mb(peak)} MB`);
  await host.dispose();
  if (args.append) {
    const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
    const row = `| ${new Date().toISOString().slice(0, 16)} | L 1024³ batch 256, Adam, cpu-f32, 20 Hz frames | ${args.historyBytes ?? 'default (256 MiB)'} | ${samples.join(', ')} | ${mb(peak)} |`;
    const text = readFileSync(file, 'utf8');
    const header = '| date | workload | historyBytes | rss every 5 s (MB) | peak rss (MB) |';
    const lines = text.split('\n');
    let at = lines.indexOf(header);
    if (at < 0) {
      lines.push(
        '',
        '## Engine memory (history budget)',
        '',
        '`bench/memory.ts` (`npm run bench:memory -- --append`): resident set of the engine process over a free run of the L network.',
        '',
        header,
        '|---|---|---|---|---|',
      );
      at = lines.length - 2;
    }
    let last = at + 1;
    while (last + 1 < lines.length && lines[last + 1]!.startsWith('|')) last++;
    lines.splice(last + 1, 0, row);
    writeFileSync(file, lines.join('\n'));
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
