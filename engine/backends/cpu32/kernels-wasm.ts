/**
 * The WebAssembly SIMD kernel set: the generated module (wasm/wat-source.ts) instantiated on a
 * memory that is also the backend's heap, so tensors are operated on in place with no copies.
 * Column sums, tanh, its derivative and SGD run as WASM SIMD loops too (JS loops over Float32Arrays
 * cost several ns an element).
 */
import { WasmHeap, type WasmMemoryLike } from './heap.js';
import type { MatrixKernels, View } from './kernels.js';
import { OP_GEMM, OP_GEMM_NT, PARALLEL_MIN_MACS, ThreadPool, browserSpawner, type WorkerSpawner } from './threads.js';
import {
  MATMUL_FMA_SHARED_WASM_BASE64,
  MATMUL_FMA_WASM_BASE64,
  MATMUL_SHARED_WASM_BASE64,
  MATMUL_WASM_BASE64,
} from './wasm/matmul-wasm.generated.js';

/** The slice of the WebAssembly JS API used here (the engine's TS lib has no WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemoryLike;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

interface MatmulExports {
  gemm(M: number, N: number, K: number, A: number, aRowStride: number, aKStride: number, B: number, C: number, bias: number, packB: number, packA: number): void;
  gemm_nt(n: number, q: number, p: number, G: number, W: number, X: number): void;
  tanh(src: number, dst: number, n: number): void;
  colsum(G: number, db: number, n: number, q: number): void;
  dtanh(A: number, X: number, n: number): void;
  sgd(w: number, g: number, v: number, n: number, lr: number, momentum: number, weightDecay: number): void;
  adam(
    w: number, g: number, m: number, v: number, n: number,
    alpha: number, iota: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number, weightDecay: number,
  ): void;
}

function wasmApi(): WasmApi | null {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

const decoded = new Map<string, Uint8Array>();
function moduleBytes(fma: boolean, shared = false): Uint8Array {
  const b64 = shared ? (fma ? MATMUL_FMA_SHARED_WASM_BASE64 : MATMUL_SHARED_WASM_BASE64) : fma ? MATMUL_FMA_WASM_BASE64 : MATMUL_WASM_BASE64;
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
  /**
   * Use f32x4.relaxed_madd (fused multiply-add): 'auto' (default) when the host validates it
   * (Chromium ≥ 114, Electron ≥ 25; Node 20 only with --experimental-wasm-relaxed-simd). Measured
   * 1.1–1.6× faster than separate multiply and add (BENCHMARKS.md).
   */
  readonly fma?: boolean | 'auto';
  /** Threads sharing each large product (default 1: the calling thread only). */
  readonly threads?: number;
  /** How to start a worker; default: Blob-URL Workers when the page is cross-origin isolated. */
  readonly spawn?: WorkerSpawner;
  /** Products below this many multiply-adds stay on one thread (default PARALLEL_MIN_MACS; tests use 0). */
  readonly parallelMinMacs?: number;
}

/** gemm packs B's column panels only when at least this many rows of C will reuse them. */
const PACK_MIN_ROWS = 8;
/** gemm packs a's row tiles only when at least this many columns of C will reuse them. */
const PACK_A_MIN_COLS = 16;

/** Instantiates the kernels on a fresh memory (one per backend: backends share nothing). */
export async function wasmSimdKernels(opts: WasmKernelOptions = {}): Promise<MatrixKernels> {
  const wa = wasmApi();
  if (!wa) throw new Error('cpu-f32: WebAssembly is not available on this host');
  const fma = opts.fma === 'auto' || opts.fma === undefined ? wasmRelaxedSimdSupported() : opts.fma;
  if (fma && !wasmRelaxedSimdSupported()) throw new Error('cpu-f32: this host has no WebAssembly relaxed SIMD (fma: true was asked for)');
  const wantThreads = Math.max(1, Math.floor(opts.threads ?? 1));
  const spawn = opts.spawn ?? browserSpawner();
  const shared = wantThreads > 1 && spawn !== null && typeof SharedArrayBuffer !== 'undefined';
  // 65536 pages is the wasm32 maximum; a shared memory must declare one.
  const memory = shared ? new wa.Memory({ initial: 16, maximum: 65536, shared: true }) : new wa.Memory({ initial: 16 });
  const bytes = moduleBytes(fma, shared);
  const { instance } = await wa.instantiate(bytes, { env: { memory } });
  const x = instance.exports as unknown as MatmulExports;
  const pool = shared ? await ThreadPool.start(wantThreads - 1, spawn!, bytes, memory) : null;
  const minMacs = opts.parallelMinMacs ?? PARALLEL_MIN_MACS;
  const heap = new WasmHeap(memory);
  const at = (v: View): number => v.offset * 4;

  /** Runs a product of M output rows on every thread, split into row ranges aligned to the tile height. */
  const parallel = (op: number, M: number, macs: number, align: number, args: (m0: number, m1: number, t: number) => number[], local: (a: number[]) => void): void => {
    if (!pool || macs < minMacs || M < 2 * align) {
      local(args(0, M, 0));
      return;
    }
    const chunk = Math.ceil(M / pool.threads / align) * align;
    const posted: number[] = [];
    for (let w = 1; w < pool.threads && w * chunk < M; w++) {
      pool.post(w - 1, op, args(w * chunk, Math.min(M, (w + 1) * chunk), w));
      posted.push(w - 1);
    }
    local(args(0, Math.min(M, chunk), 0));
    for (const w of posted) pool.join(w);
  };
  const gemm = (a: number[]) => x.gemm(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!);
  const gemmNt = (a: number[]) => x.gemm_nt(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
  const threads = pool?.threads ?? 1;
  /**
   * Scratch for gemm's packed operands (byte offsets; 0 = read in place): one K×8 panel of B per
   * thread, and a's full 4-row tiles as K×4 panels (M·K floats; thread t packs its own rows, at
   * m0·K). Packing pays once rows (for B) or columns (for a) reuse it; from the second step on the
   * free list hands back the same blocks, so this allocates nothing.
   */
  const withPanels = (M: number, N: number, K: number, run: (pb: (t: number) => number, pa: (m0: number) => number) => void): void => {
    const packB = M >= PACK_MIN_ROWS;
    const packA = M >= PACK_MIN_ROWS && N >= PACK_A_MIN_COLS;
    const bFloats = packB ? K * 8 : 0;
    const aFloats = packA ? M * K : 0;
    const total = threads * bFloats + aFloats;
    if (total === 0) return run(() => 0, () => 0);
    const off = heap.alloc(total);
    const aOff = off + threads * bFloats;
    try {
      run(
        (t) => (packB ? (off + t * bFloats) * 4 : 0),
        (m0) => (packA ? (aOff + m0 * K) * 4 : 0),
      );
    } finally {
      heap.free(off, total);
    }
  };

  return {
    name: fma ? 'wasm-relaxed-simd' : 'wasm-simd',
    threads: pool?.threads ?? 1,
    heap,
    gemmNN(n, p, q, A, W, bias, C) {
      withPanels(n, q, p, (pb, pa) =>
        parallel(OP_GEMM, n, n * p * q, 4, (m0, m1, t) => [m1 - m0, q, p, at(A) + m0 * p * 4, p * 4, 4, at(W), at(C) + m0 * q * 4, bias ? at(bias) : 0, pb(t), pa(m0)], gemm),
      );
    },
    gemmTN(n, p, q, A, G, D, db) {
      // ∂W = Aᵀ G: rows of Aᵀ are columns of A (stride 1 float), the reduction walks samples (stride p).
      withPanels(p, q, n, (pb, pa) =>
        parallel(OP_GEMM, p, n * p * q, 4, (m0, m1, t) => [m1 - m0, q, n, at(A) + m0 * 4, 4, p * 4, at(G), at(D) + m0 * q * 4, 0, pb(t), pa(m0)], gemm),
      );
      if (db) x.colsum(at(G), at(db), n, q);
    },
    gemmNT(n, q, p, G, W, X) {
      parallel(OP_GEMM_NT, n, n * p * q, 2, (m0, m1) => [m1 - m0, q, p, at(G) + m0 * q * 4, at(W), at(X) + m0 * p * 4], gemmNt);
    },
    columnSums(n, q, G, db) {
      x.colsum(at(G), at(db), n, q);
    },
    tanh(len, H, out) {
      x.tanh(at(H), at(out), len);
    },
    tanhDerivative(len, A, X) {
      x.dtanh(at(A), at(X), len);
    },
    sgd(len, W, G, V, lr, momentum, weightDecay) {
      x.sgd(at(W), at(G), V && momentum !== 0 ? at(V) : 0, len, lr, momentum, weightDecay);
    },
    adam(len, W, G, M, V, o) {
      // 1 − β in double: in f32 it would be computed from a rounded β (see the kernel).
      x.adam(at(W), at(G), at(M), at(V), len, o.alpha, o.iota, o.beta1, o.beta2, 1 - o.beta1, 1 - o.beta2, o.eps, o.weightDecay);
    },
    dispose() {
      pool?.dispose();
    },
  };
}
