/**
 * What attaching costs a PyTorch loop (issue 13's target: ≤ 10 % of steps/s at 20 frames/s):
 * the M network 784-256-128-10, batch 128, PyTorch CPU (/usr/bin/python3), against an in-process
 * attach server that asks for 20 full steps/s decimated to 64×64 (the dashboard's default needs),
 * no breakpoints.
 *
 * Built for a loaded, shared 2-core machine (as bench/telemetry.ts): many short rounds, each one
 * adjacent pair of a plain and an attached run in alternating order (plain first, then attached
 * first), so both arms of a pair see the same load and a drift within a round cancels over two;
 * the verdict is the median of the paired costs 1 − attached/plain, with their interquartile range
 * to show how noisy the run was, and the same paired median of CPU per step beside it. PyTorch gets
 * one intra-op thread by default: with two, the attach server's thread and any other load preempt
 * one of them and the other waits at every op's barrier, which multiplies the noise.
 *
 *   npm run bench:attach                       # prints the table
 *   npm run bench:attach -- --append           # also records it in BENCHMARKS.md
 *   npm run bench:attach -- --steps 300 --rounds 16 --rate 20 --threads 1
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AttachServer } from '../engine/attach/node-attach-server.js';
import { median, quantile } from './stats.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: number): number => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
};
const steps = arg('steps', 300);
const rounds = arg('rounds', 16);
const rate = arg('rate', 20);
/** PyTorch intra-op threads; 0 = PyTorch's default (all cores). */
const threads = arg('threads', 1);

interface Round {
  plain: number;
  attached: number;
  /** CPU seconds per step of the Python process (all its threads). */
  plainCpu: number;
  attachedCpu: number;
  isAttached: boolean;
  /** The plain run came first in this round (alternates). */
  plainFirst: boolean;
  /** This process's CPU (the attach server) during the round, seconds per attached step. */
  appCpu?: number;
}

async function main(): Promise<void> {
  let fullSteps = 0;
  const server = new AttachServer({
    log: () => {},
    runOptions: () => ({
      rate,
      maxSize: 64,
      onFrame: () => {
        fullSteps++;
      },
    }),
  });
  await server.start();
  const cpuBefore = process.cpuUsage();
  const args = [join('bench/attach_bench.py'), String(steps), String(rounds), server.address];
  if (threads > 0) args.push(String(threads));
  // torch.set_num_threads does not reach Debian's OpenBLAS, which would still use every core (and
  // race the app for them): the thread count goes in through the environment too.
  const pinned = threads > 0 ? { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) } : {};
  const child = spawn('/usr/bin/python3', args, {
    cwd: root,
    env: { ...process.env, ...pinned, PYTHONPATH: `${root}python` },
  });
  const results: Round[] = [];
  let out = '';
  let roundCpu = process.cpuUsage();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (let k = out.indexOf('\n'); k >= 0; k = out.indexOf('\n')) {
      const line = out.slice(0, k);
      out = out.slice(k + 1);
      const r = JSON.parse(line) as Round;
      // The server's CPU since the previous round ended: it only works while a run is attached.
      const used = process.cpuUsage(roundCpu);
      roundCpu = process.cpuUsage();
      r.appCpu = (used.user + used.system) / 1e6 / steps;
      results.push(r);
      console.log(
        `round ${results.length} (${r.plainFirst ? 'plain first' : 'attached first'}): plain ${r.plain.toFixed(1)} steps/s, attached ${r.attached.toFixed(1)} steps/s, cost ${(100 * (1 - r.attached / r.plain)).toFixed(1)} %`,
      );
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => process.stderr.write(d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const serverCpu = process.cpuUsage(cpuBefore);
  await server.close();
  if (code !== 0 || results.length === 0 || !results.every((r) => r.isAttached))
    throw new Error(`the python benchmark failed (exit ${code}, ${results.length} rounds)`);
  const plain = median(results.map((r) => r.plain));
  const attached = median(results.map((r) => r.attached));
  // Paired: each round's two arms ran back to back, so their ratio is what load cannot fake.
  const costs = results.map((r) => 1 - r.attached / r.plain);
  const cost = median(costs);
  const iqr = `${(100 * quantile(costs, 0.25)).toFixed(1)}…${(100 * quantile(costs, 0.75)).toFixed(1)} %`;
  // Full frames per second of attached running: every attached step is counted by the rounds
  // (frames' loss lists miss the losses still batched in the client when an arm ends).
  const fps = fullSteps / results.reduce((t, r) => t + steps / r.attached, 0);
  // CPU per step, paired the same way: Python's CPU of the attached run plus the app's (the attach
  // server in this process: decoding, statistics, frames) over the plain run's.
  const plainCpu = median(results.map((r) => r.plainCpu));
  const clientCpu = median(results.map((r) => r.attachedCpu));
  const appCpuTotal = (serverCpu.user + serverCpu.system) / 1e6 / (steps * results.length);
  const appCpu = median(results.map((r) => r.appCpu ?? appCpuTotal));
  const cpuCost = median(results.map((r) => (r.attachedCpu + (r.appCpu ?? appCpuTotal)) / r.plainCpu - 1));
  console.log(
    `CPU per step (medians): plain ${(plainCpu * 1e3).toFixed(2)} ms, attached ${(clientCpu * 1e3).toFixed(2)} ms in Python + ${(appCpu * 1e3).toFixed(2)} ms in the app: +${(100 * cpuCost).toFixed(1)} % (median of pairs)`,
  );
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  const row = `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${load} | ${steps}×${rounds}, ${threads || 'all'} thread(s) | ${plain.toFixed(1)} | ${attached.toFixed(1)} | ${(100 * cost).toFixed(1)} % (pairs ${iqr}) | ${(plainCpu * 1e3).toFixed(2)} | ${(clientCpu * 1e3).toFixed(2)} + ${(appCpu * 1e3).toFixed(2)} | +${(100 * cpuCost).toFixed(1)} % | ${fps.toFixed(1)} |`;
  console.log(
    `\nmedian of ${results.length} paired rounds: plain ${plain.toFixed(1)} steps/s, attached ${attached.toFixed(1)} steps/s, cost ${(100 * cost).toFixed(1)} % (interquartile ${iqr}), ${fps.toFixed(1)} full frames/s received`,
  );
  if (process.argv.includes('--append')) appendRow(row);
  else console.log(row);
}

/** Adds the row at the end of the attach-mode table of BENCHMARKS.md (other sections may follow it). */
function appendRow(row: string): void {
  const file = join('BENCHMARKS.md');
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('## Attach mode'));
  if (start < 0) throw new Error('BENCHMARKS.md has no "## Attach mode" section');
  let at = lines.findIndex((l, k) => k > start && l.startsWith('|'));
  while (at >= 0 && lines[at + 1]?.startsWith('|')) at++;
  lines.splice(at + 1, 0, row);
  writeFileSync(file, lines.join('\n'));
}

function join(rel: string): string {
  return `${root}${rel}`;
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
