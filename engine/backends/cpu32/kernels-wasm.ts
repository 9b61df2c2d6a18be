/**
 * The WebAssembly SIMD kernel set: the generated module (wasm/wat-source.ts) instantiated on a
 * memory that is also the backend's heap, so tensors are operated on in place with no copies.
 * Column sums of G stay in JS (O(n·q), negligible next to the products).
 */
import { WasmHeap, type WasmMemoryLike } from './heap.js';
import { columnSums } from './kernels-js.js';
import type { MatrixKernels, View } from './kernels.js';
import { MATMUL_FMA_WASM_BASE64, MATMUL_WASM_BASE64 } from './wasm/matmul-wasm.generated.js';

/** The slice of the WebAssembly JS API used here (the engine's TS lib has no WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemoryLike;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

interface MatmulExports {
  gemm(M: number, N: number, K: number, A: number, aRowStride: number, aKStride: number, B: number, C: number, bias: number): void;
  gemm_nt(n: number, q: number, p: number, G: number, W: number, X: number): void;
}

function wasmApi(): WasmApi | null {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

const decoded = new Map<string, Uint8Array>();
function moduleBytes(fma: boolean): Uint8Array {
  const b64 = fma ? MATMUL_FMA_WASM_BASE64 : MATMUL_WASM_BASE64;
  let bytes = decoded.get(b64);
  if (!bytes) {
    const bin = atob(b64);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    decoded.set(b64, bytes);
  }
  return bytes;
}

function validates(fma: boolean): boolean {
  const wa = wasmApi();
  if (!wa) return false;
  try {
    return wa.validate(moduleBytes(fma));
  } catch {
    return false;
  }
}

/** Whether this host can run the kernels (WebAssembly with the SIMD proposal, standard since 2021). */
export function wasmSimdSupported(): boolean {
  return validates(false);
}

/** Whether relaxed SIMD (fused multiply-add) is on: Chromium ≥ 114, Electron ≥ 25; Node 20 only behind a V8 flag. */
export function wasmRelaxedSimdSupported(): boolean {
  return validates(true);
}

export interface WasmKernelOptions {
  /** Use f32x4.relaxed_madd: 'auto' (default) when the host validates it. */
  readonly fma?: boolean | 'auto';
}

/** Instantiates the kernels on a fresh memory (one per backend: backends share nothing). */
export async function wasmSimdKernels(opts: WasmKernelOptions = {}): Promise<MatrixKernels> {
  const wa = wasmApi();
  if (!wa) throw new Error('cpu-f32: WebAssembly is not available on this host');
  const fma = opts.fma === 'auto' || opts.fma === undefined ? wasmRelaxedSimdSupported() : opts.fma;
  if (fma && !wasmRelaxedSimdSupported()) throw new Error('cpu-f32: this host has no WebAssembly relaxed SIMD (fma: true was asked for)');
  const memory = new wa.Memory({ initial: 16 });
  const { instance } = await wa.instantiate(moduleBytes(fma), { env: { memory } });
  const x = instance.exports as unknown as MatmulExports;
  const heap = new WasmHeap(memory);
  const at = (v: View): number => v.offset * 4;
  return {
    name: fma ? 'wasm-relaxed-simd' : 'wasm-simd',
    heap,
    gemmNN(n, p, q, A, W, bias, C) {
      x.gemm(n, q, p, at(A), p * 4, 4, at(W), at(C), bias ? at(bias) : 0);
    },
    gemmTN(n, p, q, A, G, D, db) {
      // ∂W = Aᵀ G: rows of Aᵀ are columns of A (stride 1 float), the reduction walks samples (stride p).
      x.gemm(p, q, n, at(A), 4, p * 4, at(G), at(D), 0);
      if (db) columnSums(n, q, G, db);
    },
    gemmNT(n, q, p, G, W, X) {
      x.gemm_nt(n, q, p, at(G), at(W), at(X));
    },
    columnSums,
  };
}
