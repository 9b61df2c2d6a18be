/** Building a cpu-f32 backend on the best kernels the host supports. */
import { Cpu32Backend } from './cpu32-backend.js';
import { jsKernels, type MatrixKernels } from './kernels.js';
import { wasmSimdKernels, wasmSimdSupported } from './kernels-wasm.js';

export interface Cpu32Options {
  /** 'auto' (default): WebAssembly SIMD when the host validates it, else plain JS. */
  readonly kernels?: 'auto' | 'wasm' | 'js';
}

export async function createCpu32Backend(opts: Cpu32Options = {}): Promise<Cpu32Backend> {
  const want = opts.kernels ?? 'auto';
  let kernels: MatrixKernels;
  if (want === 'js') kernels = jsKernels();
  else if (wasmSimdSupported()) kernels = await wasmSimdKernels();
  else if (want === 'wasm') throw new Error('cpu-f32: this host has no WebAssembly SIMD (kernels: "wasm" was asked for); use "auto" or "js"');
  else kernels = jsKernels();
  return new Cpu32Backend(kernels);
}
