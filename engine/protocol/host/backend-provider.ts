/**
 * Which backend the engine host trains on. Default: WebGPU when an adapter exists, else the CPU;
 * the reason a faster backend was skipped goes into `ready` so the dashboard can say why.
 */
import type { Backend, BackendName } from '../../backends/backend.js';
import { Cpu64Backend } from '../../backends/cpu64/cpu64-backend.js';
import { createBrowserWebGpuBackend } from '../../backends/webgpu/index.js';
import type { BackendInfo } from '../events.js';

export interface ProvidedBackend {
  readonly backend: Backend;
  readonly info: BackendInfo;
  /** Subscribe to fatal loss of the backend (GPU device lost). */
  readonly onLost?: (listener: (message: string) => void) => void;
}

/** Makes a backend: the preferred one if given and possible, else the best available. */
export type BackendProvider = (preference?: BackendName) => Promise<ProvidedBackend>;

function cpu(fallbackReason: string | null): ProvidedBackend {
  // TODO(lead): switch to engine/backends/select.ts (fastest CPU backend for the network size) once it exists.
  return { backend: new Cpu64Backend(), info: { name: 'cpu-f64', precision: 'f64', adapter: null, fallbackReason } };
}

function describeAdapter(a: { vendor: string; architecture: string; device: string; description: string }): string {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((s) => s.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' · ') : 'unnamed adapter';
}

/** Browser / Electron renderer / worker: navigator.gpu when it yields an adapter. */
export const defaultBackendProvider: BackendProvider = async (preference) => {
  if (preference === 'cpu-f64') return cpu(null);
  if (preference === 'cpu-f32')
    return cpu('cpu-f32 is not wired into the engine host yet; using the float64 reference');
  const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
  if (!gpu) return cpu('WebGPU is not available here (navigator.gpu is missing)');
  try {
    const { backend, adapter } = await createBrowserWebGpuBackend({ label: 'backprop-lens-engine' });
    return {
      backend,
      info: {
        name: backend.name,
        precision: backend.precision,
        adapter: describeAdapter(adapter),
        fallbackReason: null,
      },
      onLost: (listener) =>
        void backend.onDeviceLost((info) => listener(`GPU device lost (${info.reason}): ${info.message}`)),
    };
  } catch (e) {
    return cpu(`WebGPU failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** Node tests and benchmarks: the float64 reference only. */
export const cpuBackendProvider: BackendProvider = async () => cpu(null);
