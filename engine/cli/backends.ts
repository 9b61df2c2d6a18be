/**
 * The backends a CLI command can run on: `cpu` (float64 reference), `cpu32` (float32, WebAssembly
 * SIMD kernels where the host has them) and `gpu` (WebGPU float32 through dawn.node). The GPU
 * provider is imported only when asked for, so CPU runs never load the native module.
 */
import type { Backend } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/create.js';

export const BACKEND_CHOICES = ['cpu', 'cpu32', 'gpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** A GPU that cannot be had is the machine's state, not a bug: one line, exit 1. */
export class GpuUnavailableError extends Error {
  override readonly name = 'GpuUnavailableError';
  readonly userFacing = true;
}

export async function openBackend(choice: BackendChoice): Promise<Backend> {
  switch (choice) {
    case 'cpu':
      return new Cpu64Backend();
    case 'cpu32':
      return createCpu32Backend();
    case 'gpu': {
      const { createNodeWebGpuBackend } = await import('../backends/webgpu/node-webgpu.js');
      try {
        return (await createNodeWebGpuBackend({ label: 'backprop-lens cli', powerPreference: 'high-performance' }))
          .backend;
      } catch (e) {
        const name = (e as Error).name;
        if (name === 'NoWebGpuAdapterError' || /webgpu/i.test((e as Error).message)) {
          throw new GpuUnavailableError(`--backend gpu: ${(e as Error).message}`);
        }
        throw e;
      }
    }
  }
}
