/**
 * How much memory a training configuration needs, before anything is allocated: so `--hidden
 * 20000,20000` or a 30,000-unit layer sent over the protocol is refused with the estimate in the
 * message instead of exhausting memory, and the dashboard can show the estimate as the model is
 * edited. An estimate, not an accounting: it counts the big arrays and ignores small ones.
 *
 * Counted, in values of the backend's precision (8 bytes for cpu-f64, 4 for the f32 backends):
 * - parameters W_i, b_i and their gradients ∂L/∂W_i, ∂L/∂b_i (2 × P);
 * - optimizer state: none for plain SGD, a velocity for momentum (P), two moments for Adam (2P);
 * - activations for one batch: A_i, H_i and G_i of every layer (3 × batch × Σ p_i), plus X and Y;
 * - the history's budget for saved training state (historyBytes, 256 MiB by default).
 */
import { ModelSpecError, layerWidths, parameterCount, type ModelSpec } from './spec.js';

export interface MemoryEstimateInput {
  readonly model: ModelSpec;
  /** Rows in one step's batch (the whole training set for full-batch). */
  readonly batchSize: number;
  readonly optimizer?: { readonly kind: 'sgd'; readonly momentum?: number } | { readonly kind: 'adam' };
  readonly precision?: 'f64' | 'f32';
  /** Bytes the history may hold for saved training state; 0 when there is none. */
  readonly historyBytes?: number;
}

export interface MemoryEstimate {
  readonly parameters: number;
  readonly parameterBytes: number;
  readonly gradientBytes: number;
  readonly optimizerBytes: number;
  readonly activationBytes: number;
  readonly historyBytes: number;
  readonly totalBytes: number;
  /** The largest single matrix (a GPU buffer must hold it whole). */
  readonly largestMatrixBytes: number;
}

export interface MemoryLimits {
  /** All of the estimate together. */
  readonly maxTotalBytes: number;
  /** One matrix: WebGPU's maxStorageBufferBindingSize; for the CPU, what one typed array may hold. */
  readonly maxMatrixBytes: number;
}

/** 4 GiB in all and 2 GiB per matrix: what a desktop browser tab or a default Node heap can take. */
export const DEFAULT_MEMORY_LIMITS: MemoryLimits = { maxTotalBytes: 4 * 2 ** 30, maxMatrixBytes: 2 * 2 ** 30 };

export function estimateMemory(input: MemoryEstimateInput): MemoryEstimate {
  const bytes = input.precision === 'f32' ? 4 : 8;
  const p = layerWidths(input.model);
  const P = parameterCount(input.model);
  const batch = Math.max(1, input.batchSize);
  const opt = input.optimizer;
  const stateCopies = opt?.kind === 'adam' ? 2 : opt?.kind === 'sgd' && (opt.momentum ?? 0) > 0 ? 1 : 0;
  let widths = 0;
  let largest = 0;
  for (let i = 0; i < p.length; i++) {
    widths += p[i]!;
    largest = Math.max(largest, batch * p[i]!);
    if (i + 1 < p.length) largest = Math.max(largest, p[i]! * p[i + 1]!);
  }
  const parameterBytes = P * bytes;
  const gradientBytes = P * bytes;
  const optimizerBytes = stateCopies * P * bytes;
  const out = p[p.length - 1]!;
  const activationBytes = (3 * batch * widths + batch * out) * bytes;
  const historyBytes = input.historyBytes ?? 0;
  return {
    parameters: P,
    parameterBytes,
    gradientBytes,
    optimizerBytes,
    activationBytes,
    historyBytes,
    totalBytes: parameterBytes + gradientBytes + optimizerBytes + activationBytes + historyBytes,
    largestMatrixBytes: largest * bytes,
  };
}

export function formatMemory(bytes: number): string {
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** One line for messages and the dashboard: "1.2 GiB (parameters 400 MiB, …)". */
export function describeEstimate(e: MemoryEstimate): string {
  const parts = [
    `parameters ${formatMemory(e.parameterBytes)}`,
    `gradients ${formatMemory(e.gradientBytes)}`,
    ...(e.optimizerBytes > 0 ? [`optimizer state ${formatMemory(e.optimizerBytes)}`] : []),
    `activations ${formatMemory(e.activationBytes)}`,
    ...(e.historyBytes > 0 ? [`history ${formatMemory(e.historyBytes)}`] : []),
  ];
  return `about ${formatMemory(e.totalBytes)} (${parts.join(', ')}) for ${e.parameters.toLocaleString('en-US')} parameters`;
}

/** Throws a ModelSpecError (path `model.layers`) when the estimate does not fit the limits. */
export function checkMemoryFits(e: MemoryEstimate, limits: MemoryLimits = DEFAULT_MEMORY_LIMITS): void {
  if (e.largestMatrixBytes > limits.maxMatrixBytes) {
    throw new ModelSpecError(
      `too large: one matrix needs ${formatMemory(e.largestMatrixBytes)}, over the ${formatMemory(limits.maxMatrixBytes)} a single buffer may hold on this backend; the whole model needs ${describeEstimate(e)}; use narrower layers or a smaller batch`,
      'model.layers',
    );
  }
  if (e.totalBytes > limits.maxTotalBytes) {
    throw new ModelSpecError(
      `too large: training needs ${describeEstimate(e)}, over the ${formatMemory(limits.maxTotalBytes)} limit; use narrower layers, a smaller batch or a smaller history`,
      'model.layers',
    );
  }
}
