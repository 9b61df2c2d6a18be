/**
 * The float32 telemetry kernels (wasm/telemetry-wat.ts) behind a small synchronous API. Each call
 * copies its input into the module's memory (a memcpy: ≈ 0.1 ns a value against 2–10 ns for a JS
 * pass) and copies results out; nothing is kept between calls, so callers may reuse or mutate
 * their arrays freely. Every function returns null where the host has no WebAssembly SIMD (then
 * callers take their JS paths, which tests hold equal to these).
 */
import { RESULT_BYTES } from './wasm/telemetry-wat.js';
import { TELEMETRY_WASM_BASE64 } from './wasm/telemetry-wasm.generated.js';

/** The slice of the WebAssembly JS API used here (the engine's TS lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  moments(p: number, n: number): number;
  histogram(p: number, n: number, halfMin: number, halfWidth: number, last: number, counts: number): void;
  pool(
    src: number,
    C: number,
    rowStarts: number,
    rows: number,
    colStarts: number,
    cols: number,
    hi: number,
    lo: number,
    out: number,
  ): number;
}

let kernels: Exports | null | undefined;
let disabled = false;

function load(): Exports | null {
  if (disabled) return null;
  if (kernels !== undefined) return kernels;
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return (kernels = null);
    const bin = atob(TELEMETRY_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    // Synchronous compile: allowed everywhere for a module this small (< 4 KB, see telemetry-wat.ts).
    kernels = new wa.Instance(new wa.Module(bytes), {}).exports as unknown as Exports;
  } catch {
    kernels = null;
  }
  return kernels;
}

/** Whether the WebAssembly kernels are in use (false: the JS paths run). */
export function telemetryKernelsAvailable(): boolean {
  return load() !== null;
}

/** Tests: run the JS paths (false) or the kernels again (true). */
export function setTelemetryKernelsEnabled(enabled: boolean): void {
  disabled = !enabled;
}

const PAGE = 65536;
/**
 * Inputs up to this size go through the kernels (their i32 arithmetic on byte offsets stays far
 * from 2³¹); bigger ones, or a memory the host will not grow, take the JS paths instead of failing.
 */
const MAX_KERNEL_BYTES = 2 ** 30;
let memoryLimit = MAX_KERNEL_BYTES;

/** Tests: pretend the module's memory cannot grow past `bytes` (null: the real limit). */
export function setTelemetryKernelMemoryLimit(bytes: number | null): void {
  memoryLimit = bytes ?? MAX_KERNEL_BYTES;
}

/** The module's memory with at least `bytes` usable above RESULT_BYTES; null when it cannot have them. */
function memoryFor(k: Exports, bytes: number): ArrayBuffer | null {
  const need = RESULT_BYTES + bytes;
  if (need > memoryLimit) return null;
  const have = k.memory.buffer.byteLength;
  try {
    if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  } catch {
    return null; // out of memory for a copy: the JS paths work on the array in place
  }
  return k.memory.buffer;
}

/** Rounds a byte offset up to 16 (v128 loads are fastest aligned). */
const align = (n: number): number => (n + 15) & ~15;

function copyIn(buf: ArrayBuffer, at: number, a: Float32Array): void {
  new Uint8Array(buf, at, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

function results(buf: ArrayBuffer): { min: number; max: number } {
  const r = new Float32Array(buf, 0, 2);
  return { min: r[0]!, max: r[1]! };
}

export interface Moments {
  /** Σx² in float64 (each square exact; summed in four lanes): finite exactly when every value is. */
  readonly sumSq: number;
  /**
   * Exact when sumSq is finite (Infinity and −Infinity for an empty array); otherwise not to be
   * used (the single-instruction SIMD min/max may skip a NaN).
   */
  readonly min: number;
  readonly max: number;
}

/** Σx², min and max of a in one SIMD pass. */
export function momentsF32(a: Float32Array): Moments | null {
  const k = load();
  if (!k) return null;
  const buf = memoryFor(k, a.byteLength);
  if (!buf) return null;
  copyIn(buf, RESULT_BYTES, a);
  const sumSq = k.moments(RESULT_BYTES, a.length);
  return { sumSq, ...results(k.memory.buffer) };
}

/** Where the four count arrays go: after the copied values. */
const countsOffset = (a: Float32Array): number => align(RESULT_BYTES + a.byteLength);

/** Histogram of the n values already at RESULT_BYTES. */
function binsInPlace(k: Exports, n: number, min: number, halfWidth: number, bins: number, at: number): number[] {
  new Int32Array(k.memory.buffer, at, 4 * bins).fill(0);
  k.histogram(RESULT_BYTES, n, min / 2, halfWidth, bins - 1, at);
  const c = new Int32Array(k.memory.buffer, at, 4 * bins);
  const out = new Array<number>(bins);
  for (let b = 0; b < bins; b++) out[b] = c[b]! + c[bins + b]! + c[2 * bins + b]! + c[3 * bins + b]!;
  return out;
}

/**
 * Moments and, when every value is finite and they are not all equal, the `bins`-bin histogram
 * over [min, max] from one copy of a, with stats.ts's arithmetic (identical counts):
 * bin = min(bins − 1, floor((x/2 − min/2) / halfWidth)), halfWidth = (max/2 − min/2)/bins.
 * counts is null otherwise.
 */
export function describeF32(a: Float32Array, bins: number): (Moments & { counts: number[] | null }) | null {
  const k = load();
  if (!k) return null;
  const at = countsOffset(a);
  const buf = memoryFor(k, at - RESULT_BYTES + 16 * bins);
  if (!buf) return null;
  copyIn(buf, RESULT_BYTES, a);
  const sumSq = k.moments(RESULT_BYTES, a.length);
  const { min, max } = results(k.memory.buffer);
  const halfWidth = (max / 2 - min / 2) / bins;
  const counts = Number.isFinite(sumSq) && halfWidth > 0 ? binsInPlace(k, a.length, min, halfWidth, bins, at) : null;
  return { sumSq, min, max, counts };
}

/**
 * Max-magnitude pooling of a (R×C row-major) into out (rows×cols), block r×o covering source rows
 * [rowStarts[r], rowStarts[r+1]) and columns [colStarts[o], colStarts[o+1]) (each non-empty;
 * colStarts null: every column its own block): the value of largest magnitude with its sign, x over
 * −x on a tie, ±Infinity over every finite value. Returns the overall min and max, or `nan: true`
 * when a holds a NaN: then out and the range are not to be used (the caller's exact path decides).
 */
export function poolF32(
  a: Float32Array,
  C: number,
  rowStarts: Int32Array,
  colStarts: Int32Array | null,
  out: Float32Array,
): { min: number; max: number; nan: boolean } | null {
  const k = load();
  if (!k) return null;
  const rows = rowStarts.length - 1;
  const cols = colStarts ? colStarts.length - 1 : C;
  const src = RESULT_BYTES;
  const rs = align(src + a.byteLength);
  const cs = align(rs + rowStarts.byteLength);
  const hi = align(cs + (colStarts?.byteLength ?? 0));
  const lo = align(hi + 4 * C);
  const o = align(lo + 4 * C);
  const buf = memoryFor(k, o + 4 * rows * cols - RESULT_BYTES);
  if (!buf) return null;
  copyIn(buf, src, a);
  new Int32Array(buf, rs, rowStarts.length).set(rowStarts);
  if (colStarts) new Int32Array(buf, cs, colStarts.length).set(colStarts);
  const nan = k.pool(src, C, rs, rows, colStarts ? cs : 0, cols, hi, lo, o) !== 0;
  out.set(new Float32Array(k.memory.buffer, o, rows * cols));
  return { ...results(k.memory.buffer), nan };
}

/** Block starts 0, b, 2b, … capped at n (blocks of b; the last may be shorter). */
export function uniformStarts(n: number, b: number): Int32Array {
  const blocks = Math.ceil(n / b);
  const s = new Int32Array(blocks + 1);
  for (let k = 0; k <= blocks; k++) s[k] = Math.min(n, k * b);
  return s;
}
