/** The matrix-kernel set a Cpu32Backend runs on: plain JS or WebAssembly SIMD, same contract. */
import { columnSums, gemmNN, gemmNT, gemmTN, type View } from './kernels-js.js';
import { ArrayHeap, type Float32Heap } from './heap.js';

export type { View };

export interface MatrixKernels {
  readonly name: 'js' | 'wasm-simd' | 'wasm-relaxed-simd';
  /** Threads that share each large product (1: the calling thread only). */
  readonly threads: number;
  /** The heap every View handed to these kernels must live in. */
  readonly heap: Float32Heap;
  /** C (n×q) = A (n×p) · W (p×q) + 1·bias. */
  gemmNN(n: number, p: number, q: number, A: View, W: View, bias: View | null, C: View): void;
  /** D (p×q) = Aᵀ G for A (n×p), G (n×q); db = 1ᵀ G when given. */
  gemmTN(n: number, p: number, q: number, A: View, G: View, D: View, db: View | null): void;
  /** X (n×p) = G (n×q) · Wᵀ for W (p×q). */
  gemmNT(n: number, q: number, p: number, G: View, W: View, X: View): void;
  columnSums(n: number, q: number, G: View, db: View): void;
  /** Optional fast element-wise kernels (WASM SIMD); the backend falls back to elementwise.ts. */
  tanh?(len: number, H: View, out: View): void;
  /** X ⊙= 1 − A² (the tanh derivative from the activation A). */
  tanhDerivative?(len: number, A: View, X: View): void;
  sgd?(len: number, W: View, G: View, V: View | null, lr: number, momentum: number, weightDecay: number): void;
  /** Adam in place; α = lr/(1−β₁ᵗ) and ι = 1/(1−β₂ᵗ) come from the caller (computed in double). */
  adam?(len: number, W: View, G: View, M: View, V: View, o: { alpha: number; iota: number; beta1: number; beta2: number; eps: number; weightDecay: number }): void;
  /** Stops worker threads, if any. */
  dispose?(): void;
}

export function jsKernels(): MatrixKernels {
  return { name: 'js', threads: 1, heap: new ArrayHeap(), gemmNN, gemmTN, gemmNT, columnSums };
}
