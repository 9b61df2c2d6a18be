/**
 * Telemetry cost (issue 5): training throughput of the engine host with telemetry frames at
 * 20 Hz against frames switched off (fps 0), on the same session. Target: ≤ 10% slower.
 *
 *   npm run bench:telemetry                     # S and M, prints a table
 *   npm run bench:telemetry -- --append         # also records the rows in BENCHMARKS.md
 *   npm run bench:telemetry -- --workloads S --seconds 3 --rounds 2
 *
 * What a frame costs here: reading every matrix of every layer back from the backend, decimating
 * them to ≤ 256×256 float32, the per-layer statistics message and the loss points, and posting
 * (in-process endpoints pass by reference, as a transfer does across threads; a consumer acks each
 * frame at once). Both arms run the same session (per-step statistics and history on, as in the
 * app), the same slice scheduling, and checkpoints every 2 s, so the difference is the frames alone.
 * Arms alternate within each round (off-on, then on-off) and every round yields one paired
 * slowdown, 1 − (steps/s with frames) / (steps/s without): on this shared 2-core machine a single
 * arm's rate swings by ±20% from one second to the next, and short adjacent pairs see the same
 * load. The verdict is the median of the paired slowdowns of wall-clock throughput (what a user
 * waits on); the interquartile range of the pairs shows how noisy the run was, and the same
 * median per CPU-second of the process is listed beside it (it also counts the garbage collector's
 * concurrent threads on the other core, which frames' allocations keep busier).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEndpointPair, PROTOCOL_VERSION } from '../engine/protocol/index.js';
import type { EngineEvent } from '../engine/protocol/index.js';
import { EngineHost, cpuBackendProvider } from '../engine/host/index.js';
import type { BackendProvider } from '../engine/host/index.js';
import { cpu32Provider } from './providers.js';
import { createRng } from '../engine/core/rng.js';
import { median, quantile } from './stats.js';
import { parseWorkload } from './workloads.js';
import type { Workload } from './workloads.js';

interface Args {
  workloads: Workload[];
  seconds: number;
  rounds: number;
  fps: number;
  append: boolean;
  backend: 'cpu-f32' | 'cpu-f64';
  /** set-telemetry budget (omitted: the engine's default). */
  budget: number | null;
  /** set-telemetry matrix names, as a dashboard view subscribes (omitted: every matrix). */
  names: string[] | null;
  optimizer: 'sgd' | 'adam';
}

/** cpu-f32 (single-threaded, as the app picks for these sizes without WebGPU) or the f64 reference. */
function providerFor(name: Args['backend']): BackendProvider {
  return name === 'cpu-f64' ? cpuBackendProvider : cpu32Provider();
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    workloads: ['S', 'M'].map(parseWorkload),
    seconds: 1.5,
    rounds: 12,
    fps: 20,
    append: false,
    backend: 'cpu-f32',
    budget: null,
    names: null,
    optimizer: 'sgd',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--append') args.append = true;
    else if (a === '--workloads') args.workloads = next().split(',').map(parseWorkload);
    else if (a === '--seconds') args.seconds = Number(next());
    else if (a === '--rounds') args.rounds = Number(next());
    else if (a === '--fps') args.fps = Number(next());
    else if (a === '--budget') args.budget = Number(next());
    else if (a === '--names') args.names = next().split(',').filter((n) => n !== '');
    else if (a === '--optimizer') {
      const o = next();
      if (o !== 'sgd' && o !== 'adam') throw new Error('--optimizer: sgd or adam');
      args.optimizer = o;
    }
    else if (a === '--backend') {
      const b = next();
      if (b !== 'cpu-f32' && b !== 'cpu-f64') throw new Error('--backend: cpu-f32 or cpu-f64');
      args.backend = b;
    } else if (a === '--help') {
      console.log(
        'bench/telemetry.ts [--workloads S,M] [--seconds 1.5] [--rounds 12] [--fps 20] [--budget 0.01…1] [--names A,H,G,W,dW,db,b] [--backend cpu-f32|cpu-f64] [--optimizer sgd|adam] [--append]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (!(args.seconds > 0) || !(args.rounds >= 1)) throw new Error('--seconds and --rounds must be positive');
  return args;
}

/** One engine host on in-process endpoints, with a dashboard end that acks every frame. */
async function rig(w: Workload, provider: BackendProvider, budget: number | null, names: string[] | null, optimizer: 'sgd' | 'adam') {
  const [engineEnd, dashEnd] = createEndpointPair();
  const host = new EngineHost(engineEnd, { backendProvider: provider });
  const waiters: { pred: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }[] = [];
  let frames = 0;
  let bytes = 0;
  dashEnd.addEventListener('message', (m) => {
    const e = m.data as EngineEvent;
    if (e.type === 'frame') {
      frames++;
      for (const p of e.matrices) bytes += p.data.byteLength;
      dashEnd.postMessage({ v: PROTOCOL_VERSION, type: 'ack', seq: e.seq });
    }
    if (e.type === 'error') console.error(`engine error: ${e.message}`);
    for (let k = waiters.length - 1; k >= 0; k--) {
      const waiter = waiters[k]!;
      if (waiter.pred(e)) {
        waiters.splice(k, 1);
        waiter.resolve(e);
      }
    }
  });
  let nextId = 1;
  const request = (c: Record<string, unknown>, type: EngineEvent['type']): Promise<EngineEvent> => {
    const id = nextId++;
    const p = new Promise<EngineEvent>((resolve) =>
      waiters.push({ pred: (e) => e.replyTo === id && (e.type === type || e.type === 'error'), resolve }),
    );
    dashEnd.postMessage({ v: PROTOCOL_VERSION, id, ...c });
    return p;
  };
  await host.start();
  const rng = createRng(1);
  const p0 = w.widths[0]!;
  const pL = w.widths[w.widths.length - 1]!;
  const X = Float64Array.from({ length: w.batch * p0 }, () => rng.normal());
  const Y = Float64Array.from({ length: w.batch * pL }, () => rng.normal());
  await request(
    {
      type: 'load-dataset',
      source: {
        kind: 'matrices',
        name: w.name,
        X: { rows: w.batch, cols: p0, data: X },
        Y: { rows: w.batch, cols: pL, data: Y },
      },
    },
    'dataset-loaded',
  );
  const layers = w.widths
    .slice(1)
    .map((units, i) => ({ units, activation: i === w.widths.length - 2 ? 'identity' : 'tanh' }));
  const configured = await request(
    {
      type: 'configure',
      config: {
        model: { inputSize: p0, layers, loss: 'sse' },
        optimizer: { kind: optimizer, lr: 1e-4 },
        batchSize: 'full',
        seed: 1,
      },
    },
    'configured',
  );
  if (configured.type !== 'configured') throw new Error(`configure failed: ${JSON.stringify(configured)}`);
  if (budget !== null) await request({ type: 'set-telemetry', budget }, 'accepted');
  if (names !== null) await request({ type: 'set-telemetry', matrices: { names } }, 'accepted');
  return {
    host,
    counters: () => ({ frames, bytes }),
    /** Train for `seconds` at `fps`; steps per second and frames per second. */
    async measure(
      fps: number,
      seconds: number,
    ): Promise<{ stepsPerSecond: number; stepsPerCpuSecond: number; framesPerSecond: number; mbPerSecond: number }> {
      await request({ type: 'set-frame-rate', fps }, 'accepted');
      const s0 = await request({ type: 'ping' }, 'pong');
      const f0 = frames;
      const b0 = bytes;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await request({ type: 'start' }, 'state');
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const end = await request({ type: 'pause' }, 'state');
      const dt = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const steps = (end as { step: number }).step - (s0 as { step: number }).step;
      // The pause itself sends one frame (a paused view must be current); it is not part of the stream.
      return {
        stepsPerSecond: steps / dt,
        stepsPerCpuSecond: steps / cpuSeconds,
        framesPerSecond: Math.max(0, frames - f0 - 1) / dt,
        mbPerSecond: (bytes - b0) / dt / 2 ** 20,
      };
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: string[] = [];
  console.log(
    `telemetry cost: ${args.fps} Hz frames vs none; ${args.rounds} rounds of both arms, ${args.seconds} s each; ${args.backend} in Node ${process.version}`,
  );
  for (const w of args.workloads) {
    const r = await rig(w, providerFor(args.backend), args.budget, args.names, args.optimizer);
    await r.measure(0, 1); // warm-up: JIT, allocations
    const off: number[] = [];
    const on: number[] = [];
    const paired: number[] = [];
    const pairedCpu: number[] = [];
    const fpsSeen: number[] = [];
    const mb: number[] = [];
    for (let k = 0; k < args.rounds; k++) {
      const first = k % 2 === 0;
      const a = await r.measure(first ? 0 : args.fps, args.seconds);
      const b = await r.measure(first ? args.fps : 0, args.seconds);
      const [noFrames, withFrames] = first ? [a, b] : [b, a];
      off.push(noFrames.stepsPerSecond);
      on.push(withFrames.stepsPerSecond);
      paired.push(1 - withFrames.stepsPerSecond / noFrames.stepsPerSecond);
      pairedCpu.push(1 - withFrames.stepsPerCpuSecond / noFrames.stepsPerCpuSecond);
      fpsSeen.push(withFrames.framesPerSecond);
      mb.push(withFrames.mbPerSecond);
    }
    await r.host.dispose();
    const slowdown = median(paired) * 100;
    const iqr = `${(quantile(paired, 0.25) * 100).toFixed(1)}…${(quantile(paired, 0.75) * 100).toFixed(1)}%`;
    const cpuSlowdown = median(pairedCpu) * 100;
    const verdict = slowdown <= 10 ? 'pass' : 'FAIL';
    const name = `${w.name} ${w.widths.join('-')} batch ${w.batch}, ${args.backend}${args.optimizer === 'adam' ? ', Adam' : ''}${args.budget !== null ? `, budget ${args.budget}` : ''}${args.names !== null ? `, matrices ${args.names.join('+') || 'none'}` : ''}`;
    console.log(
      `${name.padEnd(32)} steps/s: none ${median(off).toFixed(1).padStart(8)} | ${args.fps} Hz ${median(on).toFixed(1).padStart(8)} | ${slowdown.toFixed(1)}% slower (pairs ${iqr}; per CPU-s ${cpuSlowdown.toFixed(1)}%): ${verdict}` +
        `   (${median(fpsSeen).toFixed(1)} frames/s, ${median(mb).toFixed(1)} MiB/s, ${args.rounds} rounds of 2 × ${args.seconds} s)`,
    );
    rows.push(
      `| ${new Date().toISOString().slice(0, 16)} | ${name} | ${median(off).toFixed(1)} | ${median(on).toFixed(1)} | ${median(fpsSeen).toFixed(1)} | ${median(mb).toFixed(1)} | ${slowdown.toFixed(1)}% (${iqr}) | ${cpuSlowdown.toFixed(1)}% | ${args.rounds} × 2 × ${args.seconds} s | ${verdict} |`,
    );
  }
  if (args.append) appendRows(rows);
}

const SECTION = '## Telemetry cost (issue 5)';
const TABLE_HEADER =
  '| date | workload | steps/s, no frames | steps/s, 20 Hz | frames/s | MiB/s streamed | slowdown: median of pairs (IQR) | per CPU-s | rounds | result |';

/** Adds rows to this benchmark's paired-rounds table in BENCHMARKS.md, creating section or table the first time. */
function appendRows(rows: string[]): void {
  const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
  let text = readFileSync(file, 'utf8');
  const table = `${TABLE_HEADER}\n|---|---|---|---|---|---|---|---|---|---|\n`;
  const intro =
    '`bench/telemetry.ts` (`npm run bench:telemetry -- --append`): wall-clock training throughput of the engine host with telemetry frames at 20 Hz ' +
    '(every matrix of every layer read back and decimated to ≤ 256×256 float32, per-layer stats and histograms, loss points; acknowledged at once) ' +
    'against frames off, on the same session. Each round runs both arms back to back (order alternating) and gives one paired slowdown; the verdict is their median. Target: ≤ 10% slower.\n\n';
  if (!text.includes(SECTION)) text += `\n${SECTION}\n\n${intro}`;
  const lines = text.split('\n');
  const start = lines.indexOf(SECTION);
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith('## ')) end++;
  let header = lines.indexOf(TABLE_HEADER, start);
  if (header < 0 || header >= end) {
    // The paired-rounds table goes at the end of the section (older tables above keep their columns).
    while (end > start + 1 && lines[end - 1]!.trim() === '') end--;
    lines.splice(end, 0, '', ...table.trimEnd().split('\n'));
    header = end + 1;
  }
  let lastRow = header + 1;
  while (lastRow + 1 < lines.length && lines[lastRow + 1]!.startsWith('|')) lastRow++;
  lines.splice(lastRow + 1, 0, ...rows);
  writeFileSync(file, lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
