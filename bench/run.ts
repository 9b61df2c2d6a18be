/**
 * npm run bench -- [--workloads=S,M,L] [--contenders=ours-cpu,ours-webgpu,tfjs-cpu,tfjs-wasm,tfjs-webgpu]
 *                  [--iters=N] [--warmup=N] [--budget-s=S] [--json=out.json]
 *
 * Runs one training step (forward + backward + SGD, f32, tanh hidden, identity output, sse) of
 * each workload on each contender in one process, prints the median ms/step and every ratio of
 * ours to the TensorFlow.js peers. WebGPU on dawn.node: our backend and tfjs-webgpu share the one
 * GPU object (same adapter). Without a GPU, SwiftShader (VK_ICD_FILENAMES, set here if unset).
 */
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { flopsPerStep, parseWorkload, type Workload } from './workloads.js';
import { benchData, ourStepper, type Stepper } from './ours.js';
import { timeSteps } from './stats.js';
import { activateTfjs, tfjsStepper } from './tfjs-peer.js';
import { createCpu32Backend } from '../engine/backends/cpu32/index.js';
import { nodeSpawner } from '../engine/backends/cpu32/node-threads.js';
import { cpu32OptionsFor } from '../engine/backends/select.js';
import { isSoftwareAdapter } from '../engine/backends/select.js';

const CONTENDERS = ['ours-cpu', 'ours-cpu-1t', 'ours-cpu-2t', 'ours-cpu-fma', 'ours-cpu-js', 'ours-webgpu', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu'] as const;
type Contender = (typeof CONTENDERS)[number];
const DEFAULT_CONTENDERS: Contender[] = ['ours-cpu', 'ours-webgpu', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu'];

/** Iterations per workload: enough samples for a stable median, a full run in a few minutes on 2 cores. */
const DEFAULT_ITERS: Record<string, { warmup: number; iters: number }> = {
  S: { warmup: 50, iters: 300 },
  M: { warmup: 5, iters: 40 },
  L: { warmup: 1, iters: 6 },
};
/** Custom workloads: by FLOPs, so a sweep from tiny to huge stays within the budget. */
function itersFor(w: Workload): { warmup: number; iters: number } {
  const named = DEFAULT_ITERS[w.name];
  if (named) return named;
  const f = flopsPerStep(w.widths, w.batch);
  return f < 1e7 ? { warmup: 20, iters: 100 } : f < 3e8 ? { warmup: 3, iters: 20 } : { warmup: 1, iters: 5 };
}

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'S,M,L' },
    contenders: { type: 'string', default: DEFAULT_CONTENDERS.join(',') },
    iters: { type: 'string' },
    warmup: { type: 'string' },
    'budget-s': { type: 'string', default: '20' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run bench -- [--workloads=S,M,L] [--contenders=${CONTENDERS.join(',')}]
       [--iters=N] [--warmup=N] [--budget-s=S (per cell; slow cells stop after 3 samples)] [--json=FILE]`);
  process.exit(0);
}

const workloads = values.workloads!.split(',').map(parseWorkload);
const contenders = values.contenders!.split(',').map((c) => {
  if (!(CONTENDERS as readonly string[]).includes(c.trim())) throw new Error(`--contenders: unknown "${c}" (expected ${CONTENDERS.join(', ')})`);
  return c.trim() as Contender;
});
const budgetMs = Number(values['budget-s']) * 1000;

interface Cell {
  workload: string;
  contender: Contender;
  ms: number | null;
  samples: number;
  firstLoss: number | null;
  detail: string;
  error?: string;
}

let gpu: GPU | null = null;
let adapterInfo = 'n/a';
let software = true;
async function dawnGpu(): Promise<GPU> {
  if (!gpu) {
    const { nodeGpu } = await import('../engine/backends/webgpu/node-webgpu.js');
    gpu = await nodeGpu({ software: true });
  }
  return gpu;
}

async function makeStepper(c: Contender, w: Workload): Promise<{ stepper: Stepper; detail: string }> {
  const data = benchData(w);
  switch (c) {
    case 'ours-cpu':
    case 'ours-cpu-1t':
    case 'ours-cpu-2t':
    case 'ours-cpu-fma':
    case 'ours-cpu-js': {
      // ours-cpu: what the app picks by default for this size (selectCpu32Options); the others pin one choice.
      const opts =
        c === 'ours-cpu'
          ? cpu32OptionsFor(flopsPerStep(w.widths, w.batch), availableParallelism())
          : { kernels: c === 'ours-cpu-js' ? ('js' as const) : ('auto' as const), fma: c === 'ours-cpu-fma' ? ('auto' as const) : false, threads: c === 'ours-cpu-2t' ? 2 : 1 };
      const be = await createCpu32Backend({ ...opts, spawn: nodeSpawner });
      return { stepper: ourStepper(be, w, data), detail: be.describe() };
    }
    case 'ours-webgpu': {
      const { createNodeWebGpuBackend } = await import('../engine/backends/webgpu/node-webgpu.js');
      await dawnGpu();
      const { backend, adapter } = await createNodeWebGpuBackend({ software: true });
      adapterInfo = JSON.stringify(adapter);
      software = isSoftwareAdapter(adapter);
      return { stepper: ourStepper(backend, w, data), detail: 'dawn.node' };
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm':
    case 'tfjs-webgpu': {
      const name = c.slice(5) as 'cpu' | 'wasm' | 'webgpu';
      const { tf, detail } = await activateTfjs(name, name === 'webgpu' ? await dawnGpu() : undefined);
      return { stepper: tfjsStepper(tf, w, data), detail };
    }
  }
}

// Relaxed SIMD (fused multiply-add) is on by default in Chromium ≥ 114 / Electron ≥ 25, where the
// app runs; Node 20's V8 has it behind a flag, which we turn on so 'ours-cpu' measures what the app gets.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

const cells: Cell[] = [];
console.log(`backprop-lens bench — ${new Date().toISOString()} — ${availableParallelism()} of ${cpus().length}× ${cpus()[0]?.model ?? '?'} — node ${process.version}`);
for (const w of workloads) {
  const it = itersFor(w);
  const iters = values.iters ? Number(values.iters) : it.iters;
  const warmup = values.warmup ? Number(values.warmup) : it.warmup;
  for (const c of contenders) {
    // SwiftShader is a CPU emulation: fewer iterations on the big workload.
    const slow = c.endsWith('webgpu') && software && flopsPerStep(w.widths, w.batch) > 1e9;
    const cell: Cell = { workload: w.name, contender: c, ms: null, samples: 0, firstLoss: null, detail: '' };
    try {
      const { stepper, detail } = await makeStepper(c, w);
      cell.detail = detail;
      cell.firstLoss = await stepper.step();
      const t = await timeSteps(async () => void (await stepper.step()), slow ? 0 : warmup, slow ? Math.min(iters, 3) : iters, budgetMs);
      stepper.dispose();
      cell.ms = t.median;
      cell.samples = t.samples.length;
    } catch (e) {
      cell.error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    }
    cells.push(cell);
    const gflops = cell.ms ? (flopsPerStep(w.widths, w.batch) / cell.ms / 1e6).toFixed(2) : '-';
    console.log(
      `  ${w.name} ${c.padEnd(12)} ${cell.ms !== null ? cell.ms.toFixed(3).padStart(10) + ' ms/step' : 'failed: ' + cell.error}` +
        (cell.ms !== null ? `  ${gflops.padStart(6)} GFLOP/s  n=${cell.samples}  loss₀=${cell.firstLoss?.toPrecision(6)}  (${cell.detail})` : ''),
    );
  }
}

// Ratios: how many times faster each of ours is than each peer (peer ms / our ms).
console.log('\nspeed-up of ours over each peer (×, higher is better):');
for (const w of workloads) {
  const row = (c: Contender) => cells.find((x) => x.workload === w.name && x.contender === c && x.ms !== null);
  for (const ours of contenders.filter((c) => c.startsWith('ours'))) {
    const o = row(ours);
    if (!o) continue;
    const parts = contenders
      .filter((c) => c.startsWith('tfjs'))
      .map((peer) => {
        const p = row(peer);
        return `${peer} ${p ? (p.ms! / o.ms!).toFixed(2) : '-'}`;
      });
    console.log(`  ${w.name} ${ours.padEnd(12)} ${parts.join('   ')}`);
  }
  // All contenders start from the same seeded data: their first losses must agree (f32 rounding only).
  const losses = cells.filter((x) => x.workload === w.name && x.firstLoss !== null).map((x) => x.firstLoss!);
  const spread = losses.length ? (Math.max(...losses) - Math.min(...losses)) / Math.abs(losses[0]!) : 0;
  if (spread > 1e-3) console.log(`  warning: ${w.name} first-step losses differ by ${spread.toExponential(2)} relative`);
}
if (adapterInfo !== 'n/a') console.log(`\nwebgpu adapter: ${adapterInfo}`);
if (values.json) writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, cells }, null, 2));
process.exit(0);
