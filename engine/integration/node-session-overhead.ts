/**
 * Measures what the Session costs over the bare backend calls of the same training steps
 * (`npx tsx engine/integration/node-session-overhead.ts [steps] [backend]`). A script, not a timed
 * test: speed is checked by measurement, never by unit tests (BRIEF). The workload is the seed
 * tutorial's x·sin(4πx) net ([1] + 10×[10] + [1], tanh, sse, full batch of 100, Adam).
 */
import type { Backend, Tensor } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/index.js';
import { matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { initParameters } from '../train/init.js';
import { Session, type SessionOptions } from '../train/session.js';
import type { TrainConfig } from '../train/types.js';

const steps = Number(process.argv[2] ?? 1000);
const backendName = process.argv[3] ?? 'cpu-f64';
/** Every mode runs once per round, in rotating order; the median of the rounds is reported (timings drift). */
const rounds = Number(process.argv[4] ?? 5);

const spec: ModelSpec = {
  inputSize: 1,
  layers: [
    ...Array.from({ length: 10 }, () => ({ units: 10, activation: 'tanh' as const })),
    { units: 1, activation: 'identity' },
  ],
  loss: 'sse',
};
const n = 100;
const X = matrix(n, 1);
const Y = matrix(n, 1);
for (let i = 0; i < n; i++) {
  const x = i / (n - 1);
  X.data[i] = x;
  Y.data[i] = x * Math.sin(4 * Math.PI * x);
}
const optimizer = { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 } as const;
const config: TrainConfig = {
  model: spec,
  init: 'xavier',
  optimizer,
  batchSize: 'full',
  seed: 1,
  validationFraction: 0,
  historySize: 0,
};

async function makeBackend(): Promise<Backend> {
  return backendName === 'cpu-f32' ? createCpu32Backend() : new Cpu64Backend();
}

/** The same backend calls a Session step makes, written out by hand with nothing around them. */
async function raw(): Promise<number> {
  const be = await makeBackend();
  const p = initParameters(spec, 'xavier', 1);
  const L = spec.layers.length;
  const W = p.W.map((w) => be.upload(w));
  const b = p.b.map((v) => be.upload(v));
  const m = [...W, ...b].map((t) => be.zeros(t.rows, t.cols));
  const v = [...W, ...b].map((t) => be.zeros(t.rows, t.cols));
  const x = be.upload(X);
  const y = be.upload(Y);
  const t0 = performance.now();
  for (let s = 1; s <= steps; s++) {
    const A: Tensor[] = [x];
    const H: Tensor[] = [];
    for (let i = 0; i < L; i++) {
      const o = be.denseForward(A[i]!, W[i]!, b[i]!, spec.layers[i]!.activation);
      H.push(o.H);
      A.push(o.A);
    }
    const lg = be.lossAndGradient(H[L - 1]!, A[L]!, y, 'identity', 'sse');
    const G: Tensor[] = [];
    G[L - 1] = lg.G;
    const dW: Tensor[] = [];
    const db: Tensor[] = [];
    for (let i = L - 1; i >= 0; i--) {
      const g = be.weightGradients(A[i]!, G[i]!);
      dW[i] = g.dW;
      db[i] = g.db;
      if (i > 0) G[i - 1] = be.backpropagate(G[i]!, W[i]!, { H: H[i - 1]!, A: A[i]!, activation: 'tanh' });
    }
    for (let i = 0; i < L; i++) {
      const o = { ...optimizer, step: s };
      be.adamStep(W[i]!, dW[i]!, m[i]!, v[i]!, o);
      be.adamStep(b[i]!, db[i]!, m[L + i]!, v[L + i]!, { ...o, weightDecay: 0 });
    }
    await be.read(lg.loss);
    for (const t of [...A.slice(1), ...H, ...G, ...dW, ...db, lg.loss]) be.release(t);
  }
  const ms = performance.now() - t0;
  be.dispose();
  return ms / steps;
}

function session(options: SessionOptions, historySize: number, chunk: number): () => Promise<number> {
  return async () => {
    const be = await makeBackend();
    const s = await Session.create({ ...config, historySize }, { X, Y }, be, options);
    const t0 = performance.now();
    for (let done = 0; done < steps; done += chunk) await s.runSteps(Math.min(chunk, steps - done));
    const ms = performance.now() - t0;
    await s.dispose();
    be.dispose();
    return ms / steps;
  };
}

const quiet = { recordEvery: 0, histogramBins: null } as const;
const modes: [string, () => Promise<number>][] = [
  ['raw backend calls', raw],
  ['session, recording off (runSteps(n))', session(quiet, 0, steps)],
  ['  … one runStep() call per step', session(quiet, 0, 1)],
  ['  … + a non-finite breakpoint', session({ ...quiet, breakpoints: [{ kind: 'non-finite' }] }, 0, steps)],
  ['session, recording every 10th step', session({ recordEvery: 10 }, 100, steps)],
  ['session, recording every step', session({ recordEvery: 1 }, 100, steps)],
];

console.log(`${backendName}, x·sin(4πx) net, ${steps} steps per run, median of ${rounds} rounds`);
for (const [, run] of modes) await run(); // warm up the JIT on every path
const times: number[][] = modes.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < modes.length; k++) {
    const j = (k + r) % modes.length;
    times[j]!.push(await modes[j]![1]());
  }
}
const median = (xs: number[]): number => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)]!;
const base = median(times[0]!);
modes.forEach(([label], j) => {
  const t = median(times[j]!);
  const over = j === 0 ? '' : `  ${t >= base ? '+' : ''}${(((t - base) / base) * 100).toFixed(1)}% over raw`;
  console.log(`  ${label.padEnd(38)} ${t.toFixed(4)} ms/step (min ${Math.min(...times[j]!).toFixed(4)})${over}`);
});
