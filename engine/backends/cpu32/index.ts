/** cpu-f32's public API (browser-safe). */
export { Cpu32Backend, Cpu32Tensor } from './cpu32-backend.js';
export { createCpu32Backend, type Cpu32Options } from './create.js';
export { jsKernels, type MatrixKernels, type View } from './kernels.js';
export { wasmRelaxedSimdSupported, wasmSimdKernels, wasmSimdSupported, type WasmKernelOptions } from './kernels-wasm.js';
export { ThreadPool, browserSpawner, PARALLEL_MIN_MACS, type WorkerLike, type WorkerSpawner } from './threads.js';
