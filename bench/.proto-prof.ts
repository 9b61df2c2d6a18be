import { Session } from '../engine/train/session.js';
import { createCpu32Backend } from '../engine/backends/cpu32/index.js';
import { createRng } from '../engine/core/rng.js';
import { buildLiveFrame, selectedMatrices, DEFAULT_SELECTION } from '../engine/protocol/host/telemetry.js';
import { decimate } from '../engine/protocol/matrix-payload.js';

const widths = [784, 256, 128, 10]; const batch = 128;
const rng = createRng(1);
const X = { rows: batch, cols: 784, data: Float64Array.from({ length: batch * 784 }, () => rng.normal()) };
const Y = { rows: batch, cols: 10, data: Float64Array.from({ length: batch * 10 }, () => rng.normal()) };
const backend = await createCpu32Backend();
const config: any = { model: { inputSize: 784, layers: widths.slice(1).map((u, i) => ({ units: u, activation: i === 2 ? 'identity' : 'tanh' })), loss: 'sse' }, init: 'xavier', optimizer: { kind: 'sgd', lr: 1e-4, momentum: 0, weightDecay: 0 }, batchSize: 'full', seed: 1, validationFraction: 0 };
const s = await Session.create(config, { X, Y } as any, backend);
const settings = { matrices: DEFAULT_SELECTION, histograms: true, maxSize: 256, budget: 0.05 };
const time = async (label: string, f: () => Promise<unknown> | unknown, n = 20) => {
  await f(); const t0 = performance.now(); for (let i = 0; i < n; i++) await f(); console.log(label, ((performance.now() - t0) / n).toFixed(2), 'ms');
};
await time('step', () => s.runSteps(1), 10);
const wanted = selectedMatrices(DEFAULT_SELECTION, 3);
await time('getMatrix all', () => Promise.all(wanted.map((w) => s.getMatrix(w.layer, w.name))));
const ms = await Promise.all(wanted.map((w) => s.getMatrix(w.layer, w.name)));
await time('decimate all', () => ms.forEach((m, k) => m && decimate(m, wanted[k]!.layer, wanted[k]!.name, 256)));
await time('buildLiveFrame', () => buildLiveFrame(s, settings as any, { seq: 0, dropped: 0, afterStep: 0, stepsPerSecond: 0 }));
const f = await buildLiveFrame(s, settings as any, { seq: 0, dropped: 0, afterStep: 0, stepsPerSecond: 0 });
await time('structuredClone frame (copy)', () => structuredClone(f));
console.log('cells', ms.reduce((n, m) => n + (m ? m.data.length : 0), 0), 'sent', f!.matrices.reduce((n, m) => n + m.data.length, 0));
for (const [k, w] of wanted.entries()) { const m = ms[k]!; if (!m) continue; const t0 = performance.now(); for (let i = 0; i < 20; i++) decimate(m, w.layer, w.name, 256); const dt = (performance.now() - t0) / 20; if (dt > 0.3) console.log(' ', w.name + w.layer, m.rows + 'x' + m.cols, dt.toFixed(2)); }
for (let i = 0; i < 150; i++) { await s.runSteps(1); await buildLiveFrame(s, settings as any, { seq: 0, dropped: 0, afterStep: 0, stepsPerSecond: 0 }); }
