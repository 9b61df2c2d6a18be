/**
 * Making the backend a session runs on: the user's choice, or the fastest available for the
 * network's size (selectBackend), with cpu-f32 configured for that size (cpu32OptionsFor).
 * Browser-safe: WebGPU and worker threads come in through factories the host provides
 * (createBrowserWebGpuBackend / createNodeWebGpuBackend, browserSpawner / nodeSpawner).
 */
import type { Backend, BackendName } from './backend.js';
import { Cpu64Backend } from './cpu64/cpu64-backend.js';
import { createCpu32Backend } from './cpu32/create.js';
import type { WorkerSpawner } from './cpu32/threads.js';
import type { ModelSpec } from '../model/spec.js';
import { cpu32OptionsFor, selectBackend, type GpuAdapterInfo, type Selection } from './select.js';

export interface AutoBackendOptions {
  readonly spec: ModelSpec;
  readonly batchSize: number;
  readonly requested?: BackendName | 'auto';
  /** Obtains a WebGPU backend and its adapter; null or a throw means "no WebGPU here". */
  readonly webgpu?: () => Promise<{ backend: Backend; adapter: GpuAdapterInfo } | null>;
  /** Starts cpu-f32 worker threads (Node: nodeSpawner); default: Blob-URL Workers when cross-origin isolated. */
  readonly spawn?: WorkerSpawner;
  /** Logical cores available (default navigator.hardwareConcurrency, else 1). */
  readonly cores?: number;
}

export interface AutoBackend {
  readonly backend: Backend;
  readonly selection: Selection;
  /** Why WebGPU was not available, when it was tried and failed. */
  readonly webgpuError?: string;
}

export async function createAutoBackend(opts: AutoBackendOptions): Promise<AutoBackend> {
  const requested = opts.requested ?? 'auto';
  let gpu: { backend: Backend; adapter: GpuAdapterInfo } | null = null;
  let webgpuError: string | undefined;
  if ((requested === 'auto' || requested === 'webgpu-f32') && opts.webgpu) {
    try {
      gpu = await opts.webgpu();
    } catch (e) {
      webgpuError = e instanceof Error ? e.message : String(e);
    }
  }
  const selection = selectBackend({ spec: opts.spec, batchSize: opts.batchSize, requested, webgpu: gpu?.adapter ?? null });
  if (selection.backend === 'webgpu-f32' && gpu) return { backend: gpu.backend, selection, ...(webgpuError ? { webgpuError } : {}) };
  gpu?.backend.dispose();
  const withError = webgpuError ? { webgpuError } : {};
  if (selection.backend === 'cpu-f64') return { backend: new Cpu64Backend(), selection, ...withError };
  const cores = opts.cores ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  const backend = await createCpu32Backend({ ...cpu32OptionsFor(selection.flopsPerStep, cores), ...(opts.spawn ? { spawn: opts.spawn } : {}) });
  return { backend, selection, ...withError };
}
