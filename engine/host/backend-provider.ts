/**
 * Which backend the engine host trains on. At start the host only probes what exists (for
 * `ready`); at `configure` it asks engine/backends' auto-selection for the model's size:
 * WebGPU on a hardware adapter when the step is big enough to pay for the GPU's fixed cost,
 * otherwise cpu-f32 (a software adapter such as SwiftShader is never picked automatically),
 * or whatever the user asked for. BackendInfo says which and why.
 */
import type { Backend, BackendName } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createAutoBackend } from '../backends/auto.js';
import { Cpu32Backend } from '../backends/cpu32/cpu32-backend.js';
import { isSoftwareAdapter } from '../backends/select.js';
import { createBrowserWebGpuBackend, WebGpuBackend } from '../backends/webgpu/index.js';
import type { ModelSpec } from '../model/spec.js';
import type { BackendInfo } from '../protocol/events.js';

export interface ProvidedBackend {
  readonly backend: Backend;
  readonly info: BackendInfo;
  /** Subscribe to fatal loss of the backend (GPU device lost). */
  readonly onLost?: (listener: (message: string) => void) => void;
}

export interface BackendRequest {
  readonly spec: ModelSpec;
  /** Samples per step (the training set's size for full batch). */
  readonly batchSize: number;
  readonly requested?: BackendName;
}

export interface BackendProvider {
  /** What this engine can offer before any model is known (for `ready`). */
  probe(): Promise<BackendInfo>;
  /** The backend for a model: the requested one, or the fastest available for its size. */
  create(request: BackendRequest): Promise<ProvidedBackend>;
}

interface AdapterLike {
  readonly info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
}

function describeAdapter(a: { vendor?: string; architecture?: string; device?: string; description?: string }): string {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((s): s is string => !!s && s.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' · ') : 'unnamed adapter';
}

const precisionOf = (name: BackendName): 'f64' | 'f32' => (name === 'cpu-f64' ? 'f64' : 'f32');

/** Browser, Electron renderer or worker: navigator.gpu when it yields an adapter. */
export function browserBackendProvider(): BackendProvider {
  const gpu = (): GPU | undefined => (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  return {
    async probe() {
      const g = gpu();
      if (!g)
        return {
          name: 'cpu-f32',
          precision: 'f32',
          adapter: null,
          fallbackReason: 'WebGPU is not available here (navigator.gpu is missing)',
          reason: 'no WebGPU: cpu-f32',
        };
      let adapter: AdapterLike | null = null;
      try {
        adapter = (await g.requestAdapter({ powerPreference: 'high-performance' })) as unknown as AdapterLike | null;
      } catch (e) {
        return {
          name: 'cpu-f32',
          precision: 'f32',
          adapter: null,
          fallbackReason: `WebGPU failed: ${e instanceof Error ? e.message : String(e)}`,
          reason: 'no WebGPU: cpu-f32',
        };
      }
      if (!adapter)
        return {
          name: 'cpu-f32',
          precision: 'f32',
          adapter: null,
          fallbackReason: 'no WebGPU adapter is available',
          reason: 'no WebGPU adapter: cpu-f32',
        };
      // GPUAdapterInfo's fields are prototype getters: spreading it would copy nothing.
      const a = adapter.info;
      const info = {
        vendor: a?.vendor ?? '',
        architecture: a?.architecture ?? '',
        device: a?.device ?? '',
        description: a?.description ?? '',
        isFallbackAdapter: a?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
      };
      const description = describeAdapter(info);
      if (isSoftwareAdapter(info)) {
        return {
          name: 'cpu-f32',
          precision: 'f32',
          adapter: description,
          fallbackReason:
            'the WebGPU adapter is a software emulation, slower than cpu-f32 (it can still be chosen in the model settings)',
          reason: 'software WebGPU adapter: cpu-f32',
        };
      }
      return {
        name: 'webgpu-f32',
        precision: 'f32',
        adapter: description,
        fallbackReason: null,
        reason: 'WebGPU for networks big enough to pay for the GPU, cpu-f32 below that',
      };
    },
    async create(request) {
      let webgpuError: string | null = null;
      const auto = await createAutoBackend({
        spec: request.spec,
        batchSize: request.batchSize,
        requested: request.requested ?? 'auto',
        webgpu: gpu()
          ? async () => {
              try {
                const { backend, adapter } = await createBrowserWebGpuBackend({ label: 'backprop-lens-engine' });
                return { backend, adapter };
              } catch (e) {
                webgpuError = e instanceof Error ? e.message : String(e);
                return null;
              }
            }
          : undefined,
      });
      const b = auto.backend;
      const name = b.name;
      const unavailable = webgpuError ?? auto.webgpuError ?? (gpu() ? null : 'navigator.gpu is missing');
      const fallbackReason =
        name === 'webgpu-f32'
          ? null
          : request.requested && request.requested !== name
            ? auto.selection.reason
            : unavailable
              ? `WebGPU unavailable: ${unavailable}`
              : null;
      const provided: ProvidedBackend = {
        backend: b,
        info: {
          name,
          precision: precisionOf(name),
          adapter: null,
          fallbackReason,
          reason: auto.selection.reason,
          ...(b instanceof Cpu32Backend ? { detail: b.describe() } : {}),
        },
        ...(b instanceof WebGpuBackend
          ? {
              onLost: (listener: (m: string) => void) =>
                void b.onDeviceLost((info) => listener(`GPU device lost (${info.reason}): ${info.message}`)),
            }
          : {}),
      };
      return provided;
    },
  };
}

export const defaultBackendProvider: BackendProvider = browserBackendProvider();

/** Node tests and benchmarks: the float64 reference only. */
export const cpuBackendProvider: BackendProvider = {
  probe: async () => ({
    name: 'cpu-f64',
    precision: 'f64',
    adapter: null,
    fallbackReason: null,
    reason: 'the float64 reference',
  }),
  create: async () => ({
    backend: new Cpu64Backend(),
    info: { name: 'cpu-f64', precision: 'f64', adapter: null, fallbackReason: null, reason: 'the float64 reference' },
  }),
};
