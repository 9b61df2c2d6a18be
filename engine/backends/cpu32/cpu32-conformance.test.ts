import v8 from 'node:v8';
import { describeConformance } from '../../testing/conformance.js';
import { Cpu32Backend } from './cpu32-backend.js';
import { jsKernels } from './kernels.js';
import { wasmRelaxedSimdSupported, wasmSimdKernels, wasmSimdSupported } from './kernels-wasm.js';
import { nodeSpawner } from './node-threads.js';

const noSimd = { skip: 'this Node has no WebAssembly SIMD' };

describeConformance('cpu-f32 (js kernels)', async () => new Cpu32Backend(jsKernels()));

describeConformance('cpu-f32 (wasm-simd kernels)', async () => {
  if (!wasmSimdSupported()) return noSimd;
  return new Cpu32Backend(await wasmSimdKernels({ fma: false }));
});

// parallelMinMacs 0: every product is split, so the row-range edges of every shape are exercised.
describeConformance('cpu-f32 (wasm-simd kernels, 2 threads)', async () => {
  if (!wasmSimdSupported()) return noSimd;
  return new Cpu32Backend(await wasmSimdKernels({ fma: false, threads: 2, spawn: nodeSpawner, parallelMinMacs: 0 }));
});

describeConformance('cpu-f32 (wasm relaxed-simd FMA kernels, 2 threads)', async () => {
  // On by default in Chromium/Electron; Node 20's V8 has it behind this flag.
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (!wasmRelaxedSimdSupported()) return { skip: 'this Node has no WebAssembly relaxed SIMD' };
  return new Cpu32Backend(await wasmSimdKernels({ fma: true, threads: 2, spawn: nodeSpawner, parallelMinMacs: 0 }));
});
