/**
 * npx tsx bench/cpu32-kernels.ts [n,p,q;…] [--threads=N] [--no-fma]
 *
 * One-core (by default) timing of cpu-f32's three matrix products at a step's shapes, in GFLOP/s:
 * NN = A·W (forward), TN = Aᵀ·G (weight gradient), NT = G·Wᵀ (backpropagated G). Default shapes:
 * L's layers and M's first two. A whole step's time is mostly these (BENCHMARKS.md); this isolates
 * kernel changes from the step's element-wise work and from thread scheduling on a busy machine.
 * Then the optimizer updates over the layer's p×q weights: Adam and SGD as WASM SIMD kernels
 * against the JS loops of elementwise.ts (the fallback), in ns a parameter.
 */
import v8 from 'node:v8';
import { parseArgs } from 'node:util';
import { wasmSimdKernels } from '../engine/backends/cpu32/kernels-wasm.js';
import { nodeSpawner } from '../engine/backends/cpu32/node-threads.js';
import { adamUpdate, sgdUpdate } from '../engine/backends/cpu32/elementwise.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '1' }, 'no-fma': { type: 'boolean', default: false } },
});
const shapes = (positionals[0] ?? '256,1024,1024;128,784,256;128,256,128').split(';').map((s) => {
  const [n, p, q] = s.split(',').map(Number);
  if (!n || !p || !q) throw new Error(`bad shape "${s}": expected n,p,q (batch, fan-in, fan-out)`);
  return [n, p, q] as const;
});
const K = await wasmSimdKernels({
  fma: values['no-fma'] ? false : 'auto',
  threads: Number(values.threads),
  spawn: nodeSpawner,
});
console.log(`cpu-f32 kernels: ${K.name}, ${K.threads} thread(s)`);
for (const [n, p, q] of shapes) {
  const h = K.heap;
  const [A, W, b, C, D, X] = [n * p, p * q, q, n * q, p * q, n * p].map((len) => h.alloc(len)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < h.data.length; i++) h.data[i] = Math.sin(i);
  const v = (offset: number) => ({ data: h.data, offset });
  const median = (run: () => void): number => {
    for (let i = 0; i < 3; i++) run();
    const ms: number[] = [];
    for (let r = 0; r < 9; r++) {
      const t = performance.now();
      run();
      ms.push(performance.now() - t);
    }
    return ms.sort((x, y) => x - y)[4]!;
  };
  const time = (name: string, run: () => void): void => {
    const med = median(run);
    console.log(`  ${n}×${p}×${q} ${name}: ${med.toFixed(3)} ms  ${((2 * n * p * q) / med / 1e6).toFixed(1)} GFLOP/s`);
  };
  time('NN', () => K.gemmNN(n, p, q, v(A), v(W), v(b), v(C)));
  time('TN', () => K.gemmTN(n, p, q, v(A), v(C), v(D), null));
  time('NT', () => K.gemmNT(n, q, p, v(C), v(W), v(X)));
  // Optimizer updates of W (p×q), with D as the gradient and C, X as Adam's moments (contents do not matter for speed).
  const len = p * q;
  const [M, V] = [h.alloc(len), h.alloc(len)];
  for (let k = 0; k < len; k++) h.data[V + k] = Math.abs(h.data[V + k]!);
  let t = 1;
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
  const perParam = (ms: number) => `${((ms * 1e6) / len).toFixed(2)} ns/param`;
  const adamKernel = median(() => {
    t++;
    K.adam!(len, v(W), v(D), v(M), v(V), { ...adam, alpha: adam.lr / (1 - 0.9 ** t), iota: 1 / (1 - 0.999 ** t) });
  });
  const adamJs = median(() => adamUpdate(len, v(W), v(D), v(M), v(V), { ...adam, step: ++t }));
  const sgdKernel = median(() => K.sgd!(len, v(W), v(D), v(M), 1e-3, 0.9, 0));
  const sgdJs = median(() => sgdUpdate(len, v(W), v(D), v(M), { lr: 1e-3, momentum: 0.9, weightDecay: 0 }));
  console.log(
    `  ${p}×${q} Adam: ${perParam(adamKernel)} (JS ${perParam(adamJs)}); SGD+momentum: ${perParam(sgdKernel)} (JS ${perParam(sgdJs)})`,
  );
}
K.dispose?.();
