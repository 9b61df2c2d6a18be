/**
 * Test helper (Node only): every Backend the engine has, made fresh on request, so the
 * integration suites can run the same Session on each and hold it to cpu-f64. webgpu-f32 runs on
 * dawn.node (SwiftShader when no GPU driver is configured); where Node gets no adapter it is
 * reported as a skip with the reason, printed once.
 */
import type { Backend, BackendName } from '../backends/backend.js';
import { createCpu32Backend } from '../backends/cpu32/index.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { makeTestBackend } from '../backends/webgpu/node-test-device.js';
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { ParameterSet } from '../train/types.js';

export interface BackendUnderTest {
  /** e.g. "cpu-f32 (wasm kernels)". */
  readonly label: string;
  readonly name: BackendName;
  /** A fresh backend, or why this one cannot run here. */
  readonly make: () => Promise<Backend | { skip: string }>;
}

export const CPU64: BackendUnderTest = {
  label: 'cpu-f64',
  name: 'cpu-f64',
  make: () => Promise.resolve(new Cpu64Backend()),
};

/** The float32 backends: cpu-f32 on both kernel sets, and webgpu-f32. */
export const F32_BACKENDS: readonly BackendUnderTest[] = [
  { label: 'cpu-f32 (js kernels)', name: 'cpu-f32', make: () => createCpu32Backend({ kernels: 'js' }) },
  { label: 'cpu-f32 (auto kernels)', name: 'cpu-f32', make: () => createCpu32Backend({ kernels: 'auto' }) },
  { label: 'webgpu-f32', name: 'webgpu-f32', make: () => makeTestBackend() },
];

export const ALL_BACKENDS: readonly BackendUnderTest[] = [CPU64, ...F32_BACKENDS];

/** Rounds to float32 in place and returns m: inputs every backend holds exactly, so only arithmetic differs. */
export function roundToF32<T extends Matrix<FloatArray>>(m: T): T {
  for (let k = 0; k < m.data.length; k++) m.data[k] = Math.fround(m.data[k]!);
  return m;
}

export function roundParametersToF32(p: ParameterSet): ParameterSet {
  p.W.forEach(roundToF32);
  p.b.forEach(roundToF32);
  return p;
}

/** Largest |a − b| over every W_i and b_i. */
export function maxParameterDiff(a: ParameterSet, b: ParameterSet): number {
  let d = 0;
  const each = (x: Matrix<FloatArray>, y: Matrix<FloatArray>): void => {
    for (let k = 0; k < x.data.length; k++) d = Math.max(d, Math.abs(x.data[k]! - y.data[k]!));
  };
  a.W.forEach((w, i) => each(w, b.W[i]!));
  a.b.forEach((v, i) => each(v, b.b[i]!));
  return Number.isNaN(d) ? Infinity : d;
}

/** Largest |p| over every W_i and b_i (the scale the differences are judged against). */
export function maxParameterMagnitude(p: ParameterSet): number {
  let m = 0;
  for (const x of [...p.W, ...p.b]) for (const v of x.data) m = Math.max(m, Math.abs(v));
  return m;
}
