import { describeConformance } from '../../testing/conformance.js';
import { Cpu32Backend } from './cpu32-backend.js';
import { jsKernels } from './kernels.js';
import { wasmSimdKernels, wasmSimdSupported } from './kernels-wasm.js';
import { nodeSpawner } from './node-threads.js';

describeConformance('cpu-f32 (js kernels)', async () => new Cpu32Backend(jsKernels()));

describeConformance('cpu-f32 (wasm-simd kernels)', async () => {
  if (!wasmSimdSupported()) return { skip: 'this Node has no WebAssembly SIMD' };
  return new Cpu32Backend(await wasmSimdKernels());
});

describeConformance('cpu-f32 (wasm-simd kernels, 2 threads)', async () => {
  if (!wasmSimdSupported()) return { skip: 'this Node has no WebAssembly SIMD' };
  return new Cpu32Backend(await wasmSimdKernels({ threads: 2, spawn: nodeSpawner, parallelMinMacs: 0 }));
});
