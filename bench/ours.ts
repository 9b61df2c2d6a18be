/**
 * Our side of the benchmark: the workload's training step through the Backend interface, the way
 * a Session runs it (forward per layer, loss + output G, backward per layer, SGD per parameter),
 * with the loss read back every step so asynchronous backends are timed to completion.
 */
import type { Backend, Tensor } from '../engine/backends/backend.js';
import { createRng } from '../engine/core/rng.js';
import type { Matrix } from '../engine/core/matrix.js';
import type { Workload } from './workloads.js';

export interface BenchData {
  readonly X: Matrix;
  readonly Y: Matrix;
  readonly W: Matrix[];
  readonly b: Matrix[];
}

/** Seeded inputs shared by every contender, so each one runs the same numbers. */
export function benchData(w: Workload, seed = 1): BenchData {
  const rng = createRng(seed);
  const mat = (rows: number, cols: number, scale: number): Matrix => {
    const data = new Float64Array(rows * cols);
    for (let k = 0; k < data.length; k++) data[k] = Math.fround(rng.uniform(-scale, scale));
    return { rows, cols, data };
  };
  const p = w.widths;
  return {
    X: mat(w.batch, p[0]!, 1),
    Y: mat(w.batch, p[p.length - 1]!, 1),
    W: p.slice(0, -1).map((fanIn, i) => mat(fanIn, p[i + 1]!, Math.sqrt(6 / (fanIn + p[i + 1]!)))),
    b: p.slice(1).map((q) => mat(1, q, 0)),
  };
}

export interface Stepper {
  /** One training step; resolves to the loss once it is on the host. */
  step(): Promise<number>;
  dispose(): void;
}

export function ourStepper(be: Backend, w: Workload, data: BenchData, lr = 1e-3): Stepper {
  const L = w.widths.length - 1;
  const X = be.upload(data.X, 'X');
  const Y = be.upload(data.Y, 'Y');
  const W = data.W.map((m, i) => be.upload(m, `W${i}`));
  const b = data.b.map((m, i) => be.upload(m, `b${i}`));
  const sgd = { lr, momentum: 0, weightDecay: 0 };
  return {
    async step() {
      const temps: Tensor[] = [];
      const A: Tensor[] = [X];
      const H: Tensor[] = [];
      for (let i = 0; i < L; i++) {
        const out = be.denseForward(A[i]!, W[i]!, b[i]!, i === L - 1 ? 'identity' : 'tanh');
        H.push(out.H);
        A.push(out.A);
        temps.push(out.H, out.A);
      }
      const { loss, G: GL } = be.lossAndGradient(H[L - 1]!, A[L]!, Y, 'identity', 'sse');
      temps.push(loss, GL);
      let G = GL;
      for (let i = L - 1; i >= 0; i--) {
        const { dW, db } = be.weightGradients(A[i]!, G);
        temps.push(dW, db);
        // G_{i-1} needs W_i before its update.
        if (i > 0) {
          G = be.backpropagate(G, W[i]!, { H: H[i - 1]!, A: A[i]!, activation: 'tanh' });
          temps.push(G);
        }
        be.sgdStep(W[i]!, dW, null, sgd);
        be.sgdStep(b[i]!, db, null, sgd);
      }
      const value = (await be.read(loss)).data[0]!;
      for (const t of temps) be.release(t);
      return value;
    },
    dispose() {
      for (const t of [X, Y, ...W, ...b]) be.release(t);
      be.dispose();
    },
  };
}
