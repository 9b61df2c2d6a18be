/**
 * What attaching costs a PyTorch loop (issue 13's target: ≤ 10 % of steps/s at 20 frames/s):
 * the M network 784-256-128-10, batch 128, PyTorch CPU (/usr/bin/python3), alternating plain and
 * attached rounds against an in-process attach server that asks for 20 full steps/s decimated to
 * 64×64 (the dashboard's default needs), no breakpoints.
 *
 *   npm run bench:attach                       # prints the table
 *   npm run bench:attach -- --append           # also records it in BENCHMARKS.md
 *   npm run bench:attach -- --steps 400 --rounds 5 --rate 20 --threads 1
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AttachServer } from '../engine/attach/node-attach-server.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: number): number => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
};
const steps = arg('steps', 300);
const rounds = arg('rounds', 5);
const rate = arg('rate', 20);
const threads = arg('threads', 0);

interface Round {
  plain: number;
  attached: number;
  /** CPU seconds per step of the Python process (all its threads). */
  plainCpu: number;
  attachedCpu: number;
  isAttached: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  let fullSteps = 0;
  let allSteps = 0;
  const server = new AttachServer({
    log: () => {},
    runOptions: () => ({
      rate,
      maxSize: 64,
      onFrame: (f) => {
        fullSteps++;
        allSteps += f.losses.length;
      },
    }),
  });
  await server.start();
  const cpuBefore = process.cpuUsage();
  const args = [join('bench/attach_bench.py'), String(steps), String(rounds), server.address];
  if (threads > 0) args.push(String(threads));
  const child = spawn('/usr/bin/python3', args, { cwd: root, env: { ...process.env, PYTHONPATH: `${root}python` } });
  const results: Round[] = [];
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (let k = out.indexOf('\n'); k >= 0; k = out.indexOf('\n')) {
      const line = out.slice(0, k);
      out = out.slice(k + 1);
      const r = JSON.parse(line) as Round;
      results.push(r);
      console.log(
        `round ${results.length}: plain ${r.plain.toFixed(1)} steps/s, attached ${r.attached.toFixed(1)} steps/s`,
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
  const costs = results.map((r) => 1 - r.attached / r.plain);
  const cost = median(costs);
  const fps = (fullSteps / Math.max(1, allSteps)) * attached;
  // CPU per step: robust to a loaded machine, unlike steps/s. The app's share is this process's CPU
  // (the attach server: decoding, stats, frames) over every attached step.
  const plainCpu = median(results.map((r) => r.plainCpu));
  const clientCpu = median(results.map((r) => r.attachedCpu));
  const appCpu = (serverCpu.user + serverCpu.system) / 1e6 / (steps * results.length);
  const cpuCost = (clientCpu + appCpu) / plainCpu - 1;
  console.log(
    `CPU per step: plain ${(plainCpu * 1e3).toFixed(2)} ms, attached ${(clientCpu * 1e3).toFixed(2)} ms in Python + ${(appCpu * 1e3).toFixed(2)} ms in the app: +${(100 * cpuCost).toFixed(1)} %`,
  );
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  const row = `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${load} | ${steps}×${rounds} | ${plain.toFixed(1)} | ${attached.toFixed(1)} | ${(100 * cost).toFixed(1)} % | ${(plainCpu * 1e3).toFixed(2)} | ${(clientCpu * 1e3).toFixed(2)} + ${(appCpu * 1e3).toFixed(2)} | +${(100 * cpuCost).toFixed(1)} % | ${fps.toFixed(1)} |`;
  console.log(
    `\nmedian: plain ${plain.toFixed(1)} steps/s, attached ${attached.toFixed(1)} steps/s, cost ${(100 * cost).toFixed(1)} %, ${fps.toFixed(1)} full frames/s received`,
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
