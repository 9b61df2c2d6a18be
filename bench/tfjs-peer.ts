/**
 * TensorFlow.js side of the benchmark: the very same step written with tfjs ops (matMul with
 * transpose flags, add, tanh, the sse gradient by hand, SGD by assign) inside tf.tidy, on its cpu,
 * wasm (SIMD) and webgpu backends. Written by hand rather than with tf.grad so both sides do the
 * same arithmetic and neither pays for a tape.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';
import type { Tensor2D } from '@tensorflow/tfjs';
import type { BenchData, Stepper } from './ours.js';
import type { Workload } from './workloads.js';

type Tf = typeof TfModule;
export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu';

let tfPromise: Promise<Tf> | null = null;
const ready = new Map<TfjsBackendName, Promise<string>>();

async function loadTf(): Promise<Tf> {
  tfPromise ??= import('@tensorflow/tfjs');
  return tfPromise;
}

/**
 * Makes `name` the active tfjs backend; returns a description (e.g. 'wasm simd, 1 thread').
 * For webgpu, `gpu` must be the dawn.node GPU object our backend uses (same adapter).
 */
export async function activateTfjs(name: TfjsBackendName, gpu?: GPU): Promise<{ tf: Tf; detail: string }> {
  const tf = await loadTf();
  let p = ready.get(name);
  if (!p) {
    p = (async () => {
      if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        const require = createRequire(import.meta.url);
        // BENCH_TFJS_WASM_DIR: where the .wasm files are when the bench runs as a bundle.
        const dist = process.env.BENCH_TFJS_WASM_DIR ?? join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
        wasm.setWasmPaths(dist);
      } else if (name === 'webgpu') {
        if (!gpu) throw new Error('tfjs-webgpu needs the dawn.node GPU object');
        // The backend reads navigator.gpu when it is imported and registered.
        (globalThis as { navigator?: unknown }).navigator = { gpu };
        await import('@tensorflow/tfjs-backend-webgpu');
      }
      if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
      await tf.ready();
      if (name === 'wasm') {
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        return `simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
      }
      return name === 'cpu' ? 'plain JS' : 'dawn.node';
    })();
    ready.set(name, p);
  }
  const detail = await p;
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  return { tf, detail };
}

export function tfjsStepper(tf: Tf, w: Workload, data: BenchData, lr = 1e-3): Stepper {
  const L = w.widths.length - 1;
  const t2 = (m: { rows: number; cols: number; data: Float64Array }) => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], 'float32');
  const X = t2(data.X);
  const Y = t2(data.Y);
  const W = data.W.map((m) => tf.variable(t2(m)));
  const b = data.b.map((m) => tf.variable(t2(m)));
  return {
    async step() {
      const loss = tf.tidy(() => {
        const A: Tensor2D[] = [X];
        for (let i = 0; i < L; i++) {
          const h = tf.add(tf.matMul(A[i]!, W[i]!), b[i]!) as Tensor2D;
          A.push(i === L - 1 ? h : tf.tanh(h));
        }
        const diff = tf.sub(A[L]!, Y);
        const value = tf.mul(0.5, tf.sum(tf.square(diff)));
        let G = diff as Tensor2D;
        for (let i = L - 1; i >= 0; i--) {
          const dW = tf.matMul(A[i]!, G, true, false);
          const db = tf.sum(G, 0, true);
          if (i > 0) G = tf.mul(tf.matMul(G, W[i]!, false, true), tf.sub(1, tf.square(A[i]!)));
          W[i]!.assign(tf.sub(W[i]!, tf.mul(lr, dW)));
          b[i]!.assign(tf.sub(b[i]!, tf.mul(lr, db)));
        }
        return value;
      });
      const v = (await loss.data())[0]!;
      loss.dispose();
      return v;
    },
    dispose() {
      for (const t of [X, Y, ...W, ...b]) t.dispose();
    },
  };
}
