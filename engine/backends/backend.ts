/**
 * The one interface every compute backend implements. Ops are the named steps of FORMATS.md's
 * math, enqueued synchronously on backend-owned tensors; only `read` is asynchronous, so a GPU
 * backend can run a whole training step without waiting on the device.
 *
 * `cpu-f64` (backends/cpu64) is the reference: its code is the living definition of each op,
 * and the conformance suite (engine/testing) holds every other backend to it.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { Activation, LossKind } from '../model/spec.js';

export const BACKEND_NAMES = ['cpu-f64', 'cpu-f32', 'webgpu-f32'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A matrix living in a backend's memory. Only the backend that made it may use it. */
export interface Tensor {
  readonly rows: number;
  readonly cols: number;
  readonly backend: BackendName;
  readonly label: string;
}

export interface SgdOptions {
  readonly lr: number;
  /** Heavy-ball momentum as in PyTorch: v ← μ v + g; p ← p − lr v. 0 disables the velocity. */
  readonly momentum: number;
  /** Coupled L2: g ← g + λ p before the update. */
  readonly weightDecay: number;
}

export interface AdamOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** 1-based step count, for bias correction. */
  readonly step: number;
  readonly weightDecay: number;
}

/** The previous layer's stored forward values, needed to turn ∂L/∂A_i into G_{i-1}. */
export interface PreviousLayer {
  readonly H: Tensor;
  readonly A: Tensor;
  readonly activation: Exclude<Activation, 'softmax'>;
}

export interface Backend {
  readonly name: BackendName;
  readonly precision: 'f64' | 'f32';
  /** The largest buffer one tensor may use (WebGPU's maxStorageBufferBindingSize); undefined: no backend limit. */
  readonly maxBufferBytes?: number;

  /** A new tensor holding a copy of m (converted to the backend's precision). */
  upload(m: Matrix<FloatArray>, label?: string): Tensor;
  zeros(rows: number, cols: number, label?: string): Tensor;
  /** Overwrite t with m (same shape). */
  write(t: Tensor, m: Matrix<FloatArray>): void;
  /** A host copy of t. Float64Array for f64 backends, Float32Array for f32 ones. */
  read(t: Tensor): Promise<Matrix<FloatArray>>;
  /** Give t's memory back; t must not be used afterwards. */
  release(t: Tensor): void;

  /** H = A W + 1 b and A_next = act(H) (softmax row-wise). A: n×p_i, W: p_i×p_{i+1}, b: 1×p_{i+1}. */
  denseForward(A: Tensor, W: Tensor, b: Tensor, activation: Activation): { H: Tensor; A: Tensor };

  /**
   * The loss (a 1×1 tensor) and G_{L-1} = ∂L/∂H_{L-1} for the output layer, given its pre-activation H,
   * its output F = act(H) and the targets Y (all n×p_L).
   */
  lossAndGradient(H: Tensor, F: Tensor, Y: Tensor, activation: Activation, loss: LossKind): { loss: Tensor; G: Tensor };

  /** ∂L/∂W_i = A_iᵀ G_i and ∂L/∂b_i = 1ᵀ G_i (1×p_{i+1}). */
  weightGradients(A: Tensor, G: Tensor): { dW: Tensor; db: Tensor };

  /**
   * ∂L/∂A_i = G_i W_iᵀ; with `prev`, the fused G_{i-1} = act'_{i-1}(H_{i-1}) ⊙ (G_i W_iᵀ).
   * Without `prev` (layer 0) the result is ∂L/∂X.
   */
  backpropagate(G: Tensor, W: Tensor, prev?: PreviousLayer): Tensor;

  /** In-place SGD step on param; velocity is required when momentum > 0. */
  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, opts: SgdOptions): void;
  /** In-place Adam step (PyTorch's form, bias-corrected) with moment buffers m and v. */
  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, opts: AdamOptions): void;

  /** Release everything this backend holds. */
  dispose(): void;
}
