/**
 * Every backend's browser-safe public API in one place: the interface, the float64 reference,
 * cpu-f32, webgpu-f32 and the auto-selection. Node-only providers stay in their node-*.ts files
 * (cpu32/node-threads.ts, webgpu/node-webgpu.ts).
 */
export * from './backend.js';
export { Cpu64Backend, Cpu64Tensor } from './cpu64/cpu64-backend.js';
export * from './cpu32/index.js';
export * from './webgpu/index.js';
export * from './select.js';
export * from './auto.js';
