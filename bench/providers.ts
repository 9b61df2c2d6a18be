/** Backend providers for benchmarks that drive a whole engine host. */
import { createCpu32Backend } from '../engine/backends/cpu32/index.js';
import type { BackendProvider } from '../engine/host/index.js';

/** cpu-f32, single-threaded (as the app picks for mid-size nets without WebGPU), labelled as a benchmark's choice. */
export function cpu32Provider(): BackendProvider {
  const info = {
    name: 'cpu-f32' as const,
    precision: 'f32' as const,
    adapter: null,
    fallbackReason: null,
    reason: 'benchmark',
  };
  return { probe: async () => info, create: async () => ({ backend: await createCpu32Backend(), info }) };
}
