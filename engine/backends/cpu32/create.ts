/** Building a cpu-f32 backend on the best kernels the host supports. */
import { Cpu32Backend } from './cpu32-backend.js';
import { jsKernels, type MatrixKernels } from './kernels.js';
import { wasmSimdKernels, wasmSimdSupported } from './kernels-wasm.js';
import type { WorkerSpawner } from './threads.js';

export interface Cpu32Options {
  /** 'auto' (default): WebAssembly SIMD when the host validates it, else plain JS. */
  readonly kernels?: 'auto' | 'wasm' | 'js';
  /** WASM only: relaxed-SIMD fused multiply-add, 'auto' (default) when the host has it. */
  readonly fma?: boolean | 'auto';
  /** WASM only: threads sharing each large product (default 1). Needs SharedArrayBuffer and a spawner. */
  readonly threads?: number;
  /** WASM only: starts a worker (Node: nodeSpawner from node-threads.ts); default: Blob-URL Workers when cross-origin isolated. */
  readonly spawn?: WorkerSpawner;
}

export async function createCpu32Backend(opts: Cpu32Options = {}): Promise<Cpu32Backend> {
  const want = opts.kernels ?? 'auto';
  let kernels: MatrixKernels;
  if (want === 'js') kernels = jsKernels();
  else if (wasmSimdSupported()) kernels = await wasmSimdKernels({ fma: opts.fma ?? 'auto', threads: opts.threads ?? 1, ...(opts.spawn ? { spawn: opts.spawn } : {}) });
  else if (want === 'wasm') throw new Error('cpu-f32: this host has no WebAssembly SIMD (kernels: "wasm" was asked for); use "auto" or "js"');
  else kernels = jsKernels();
  return new Cpu32Backend(kernels);
}
