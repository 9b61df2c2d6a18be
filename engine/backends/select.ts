/**
 * Backend auto-selection: the fastest available backend for a network's size, unless the user
 * chose one. Pure (no probing): callers say what is available, e.g. the WebGPU adapter they got.
 *
 * The rule (BENCHMARKS.md, "crossover"): a training step costs a GPU a fixed
 * overhead (about 10 dispatches per layer plus the loss read-back: ~0.3–1 ms on dawn/Chromium)
 * and a CPU time proportional to its FLOPs (cpu-f32 runs 10–25 GFLOP/s). Below
 * GPU_CROSSOVER_FLOPS per step the CPU finishes before the GPU has started, above it the GPU wins.
 * A software adapter (SwiftShader, or any adapter that reports itself as a fallback) is a CPU
 * emulation slower than cpu-f32 at every size we measured (S 0.85 vs 0.033 ms, M 104 vs 4.8 ms,
 * L 4.7 s vs 0.24 s), so it is never picked automatically. cpu-f64 is the reference: chosen only
 * on request. The GPU crossover below is an estimate: no hardware GPU was reachable to measure it.
 */
import type { BackendName } from './backend.js';
import type { ModelSpec } from '../model/spec.js';

/** Step FLOPs above which a hardware WebGPU adapter beats cpu-f32 (estimated; how to measure: docs/backends.md). */
export const GPU_CROSSOVER_FLOPS = 20e6;

export interface GpuAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  /** GPUAdapter.isFallbackAdapter / info.isFallbackAdapter. */
  readonly isFallbackAdapter?: boolean;
}

export interface SelectionInput {
  readonly spec: ModelSpec;
  readonly batchSize: number;
  /** The user's choice; 'auto' (default) picks by size. */
  readonly requested?: BackendName | 'auto';
  /** The WebGPU adapter that was obtained, or null when there is none. */
  readonly webgpu: GpuAdapterInfo | null;
  /** Override the crossover (tests, tuning on a known machine). */
  readonly crossoverFlops?: number;
}

export interface Selection {
  readonly backend: BackendName;
  /** One sentence for the UI and logs: why this backend. */
  readonly reason: string;
  readonly flopsPerStep: number;
}

/**
 * FLOPs of one training step at this batch size: 2·n·p_i·p_{i+1} for each of the forward product,
 * ∂W and (for every layer but the first) G·Wᵀ. Element-wise work is O(n·p) and left out.
 */
export function stepFlops(spec: ModelSpec, batchSize: number): number {
  const widths = [spec.inputSize, ...spec.layers.map((l) => l.units)];
  let f = 0;
  for (let i = 0; i + 1 < widths.length; i++) f += 2 * batchSize * widths[i]! * widths[i + 1]! * (i === 0 ? 2 : 3);
  return f;
}

/** Whether an adapter is a software rasteriser (CPU emulation of a GPU). */
export function isSoftwareAdapter(a: GpuAdapterInfo): boolean {
  if (a.isFallbackAdapter) return true;
  const text = `${a.vendor ?? ''} ${a.architecture ?? ''} ${a.description ?? ''}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software|warp|microsoft basic render/.test(text);
}

export function selectBackend(input: SelectionInput): Selection {
  const flops = stepFlops(input.spec, input.batchSize);
  const mflops = (flops / 1e6).toFixed(flops < 1e6 ? 3 : 1);
  const requested = input.requested ?? 'auto';
  if (requested !== 'auto') {
    if (requested === 'webgpu-f32' && !input.webgpu) {
      return { backend: 'cpu-f32', reason: `WebGPU was requested but no adapter is available: using cpu-f32`, flopsPerStep: flops };
    }
    return { backend: requested, reason: `${requested} chosen by the user`, flopsPerStep: flops };
  }
  if (!input.webgpu) return { backend: 'cpu-f32', reason: 'no WebGPU adapter: cpu-f32', flopsPerStep: flops };
  if (isSoftwareAdapter(input.webgpu)) {
    return { backend: 'cpu-f32', reason: 'the WebGPU adapter is a software emulation (slower than cpu-f32 at every size): cpu-f32', flopsPerStep: flops };
  }
  const crossover = input.crossoverFlops ?? GPU_CROSSOVER_FLOPS;
  if (flops >= crossover) {
    return { backend: 'webgpu-f32', reason: `${mflops} MFLOP per step ≥ ${(crossover / 1e6).toFixed(0)} MFLOP: the GPU's fixed per-step cost pays off`, flopsPerStep: flops };
  }
  return { backend: 'cpu-f32', reason: `${mflops} MFLOP per step < ${(crossover / 1e6).toFixed(0)} MFLOP: GPU dispatch overhead would dominate`, flopsPerStep: flops };
}

/**
 * Step FLOPs above which cpu-f32 splits its products over worker threads: a split costs one
 * notify/wait round trip per product (~10–20 µs, ~10 products a step), which pays once a step
 * takes ≳1 ms on one thread (measured, BENCHMARKS.md: a 4 MFLOP step loses with threads, 17 MFLOP and up gain).
 */
export const THREADS_MIN_FLOPS = 10e6;

/** Most threads worth starting: the kernels are memory-bound beyond a few cores for these sizes. */
export const MAX_CPU_THREADS = 4;

/** cpu-f32's kernel options for a step of `flops` on a host with `cores` logical cores. */
export function cpu32OptionsFor(flops: number, cores: number): { kernels: 'auto'; fma: 'auto'; threads: number } {
  const threads = flops >= THREADS_MIN_FLOPS ? Math.max(1, Math.min(cores, MAX_CPU_THREADS)) : 1;
  return { kernels: 'auto', fma: 'auto', threads };
}
