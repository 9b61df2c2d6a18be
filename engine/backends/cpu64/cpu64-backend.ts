/**
 * cpu-f64: the float64 reference backend. Plain loops, written for clarity over speed: this
 * code *is* the definition of every op (FORMATS.md), used by gradient checks, by diffs of fast
 * backends, and as the oracle of the conformance suite.
 */
import type { FloatArray, Matrix } from '../../core/matrix.js';
import { activate, activationDerivative, softmaxRows } from '../../model/activations.js';
import { lossGradientWrtOutput, lossValue } from '../../model/losses.js';
import type { Activation, LossKind } from '../../model/spec.js';
import type { AdamOptions, Backend, PreviousLayer, SgdOptions, Tensor } from '../backend.js';
import { expectShape } from '../expect-shape.js';

export class Cpu64Tensor implements Tensor {
  readonly backend = 'cpu-f64' as const;
  released = false;
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float64Array,
    readonly label: string,
  ) {}
}

export class Cpu64Backend implements Backend {
  readonly name = 'cpu-f64' as const;
  readonly precision = 'f64' as const;

  upload(m: Matrix<FloatArray>, label = 'tensor'): Tensor {
    return new Cpu64Tensor(m.rows, m.cols, Float64Array.from(m.data), label);
  }

  zeros(rows: number, cols: number, label = 'zeros'): Tensor {
    return new Cpu64Tensor(rows, cols, new Float64Array(rows * cols), label);
  }

  write(t: Tensor, m: Matrix<FloatArray>): void {
    const x = this.own(t);
    if (x.rows !== m.rows || x.cols !== m.cols) {
      throw new RangeError(`write ${x.label}: shape ${x.rows}×${x.cols} vs ${m.rows}×${m.cols}`);
    }
    x.data.set(m.data);
  }

  read(t: Tensor): Promise<Matrix<FloatArray>> {
    const x = this.own(t);
    return Promise.resolve({ rows: x.rows, cols: x.cols, data: x.data.slice() });
  }

  release(t: Tensor): void {
    this.own(t).released = true;
  }

  denseForward(A: Tensor, W: Tensor, b: Tensor, activation: Activation): { H: Tensor; A: Tensor } {
    const a = this.own(A);
    const w = this.own(W);
    const bias = this.own(b);
    const n = a.rows;
    const p = a.cols;
    const q = w.cols;
    expectShape(w, p, q, 'W', `A is ${n}×${p}`);
    expectShape(bias, 1, q, 'b', `W is ${p}×${q}`);
    const h = new Float64Array(n * q);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < q; j++) {
        let s = bias.data[j]!;
        for (let k = 0; k < p; k++) s += a.data[i * p + k]! * w.data[k * q + j]!;
        h[i * q + j] = s;
      }
    }
    const out = new Float64Array(n * q);
    if (activation === 'softmax') softmaxRows(h, out, n, q);
    else for (let k = 0; k < n * q; k++) out[k] = activate(activation, h[k]!);
    return { H: new Cpu64Tensor(n, q, h, 'H'), A: new Cpu64Tensor(n, q, out, 'A') };
  }

  lossAndGradient(H: Tensor, F: Tensor, Y: Tensor, activation: Activation, loss: LossKind): { loss: Tensor; G: Tensor } {
    const h = this.own(H);
    const f = this.own(F);
    const y = this.own(Y);
    const n = f.rows;
    const p = f.cols;
    expectShape(y, n, p, 'Y', `the output F is ${n}×${p}`);
    expectShape(h, n, p, 'H', `the output F is ${n}×${p}`);
    const value = lossValue(loss, f.data, h.data, y.data, n, p);
    const g = new Float64Array(n * p);
    if (loss === 'cross-entropy') {
      if (activation !== 'softmax') throw new Error('cross-entropy needs a softmax output layer');
      for (let k = 0; k < n * p; k++) g[k] = (f.data[k]! - y.data[k]!) / n;
    } else {
      if (activation === 'softmax') throw new Error('a softmax output needs the cross-entropy loss');
      for (let k = 0; k < n * p; k++) {
        const dF = lossGradientWrtOutput(loss, f.data[k]!, y.data[k]!, n, p);
        g[k] = activationDerivative(activation, h.data[k]!, f.data[k]!) * dF;
      }
    }
    return { loss: new Cpu64Tensor(1, 1, Float64Array.of(value), 'loss'), G: new Cpu64Tensor(n, p, g, 'G') };
  }

  weightGradients(A: Tensor, G: Tensor): { dW: Tensor; db: Tensor } {
    const a = this.own(A);
    const g = this.own(G);
    const n = a.rows;
    const p = a.cols;
    const q = g.cols;
    if (g.rows !== n) throw new RangeError(`weightGradients: A has ${n} rows but G has ${g.rows}`);
    const dW = new Float64Array(p * q);
    for (let k = 0; k < p; k++) {
      for (let j = 0; j < q; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += a.data[i * p + k]! * g.data[i * q + j]!;
        dW[k * q + j] = s;
      }
    }
    const db = new Float64Array(q);
    for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) db[j] = db[j]! + g.data[i * q + j]!;
    return { dW: new Cpu64Tensor(p, q, dW, 'dW'), db: new Cpu64Tensor(1, q, db, 'db') };
  }

  backpropagate(G: Tensor, W: Tensor, prev?: PreviousLayer): Tensor {
    const g = this.own(G);
    const w = this.own(W);
    const n = g.rows;
    const q = g.cols;
    const p = w.rows;
    expectShape(w, p, q, 'W', `G is ${n}×${q}`);
    const out = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < p; k++) {
        let s = 0;
        for (let j = 0; j < q; j++) s += g.data[i * q + j]! * w.data[k * q + j]!;
        out[i * p + k] = s;
      }
    }
    if (prev) {
      const h = this.own(prev.H);
      const a = this.own(prev.A);
      expectShape(h, n, p, 'H_prev', `G Wᵀ is ${n}×${p}`);
      for (let k = 0; k < n * p; k++) out[k] = activationDerivative(prev.activation, h.data[k]!, a.data[k]!) * out[k]!;
    }
    return new Cpu64Tensor(n, p, out, prev ? 'G' : 'dX');
  }

  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, opts: SgdOptions): void {
    const w = this.own(param);
    const g = this.own(grad);
    expectShape(g, w.rows, w.cols, 'grad', `param is ${w.rows}×${w.cols}`);
    const v = velocity ? this.own(velocity) : null;
    if (opts.momentum !== 0 && !v) throw new Error('sgdStep: momentum needs a velocity buffer');
    for (let k = 0; k < w.data.length; k++) {
      let d = g.data[k]! + opts.weightDecay * w.data[k]!;
      if (v && opts.momentum !== 0) {
        d = opts.momentum * v.data[k]! + d;
        v.data[k] = d;
      }
      w.data[k] = w.data[k]! - opts.lr * d;
    }
  }

  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, opts: AdamOptions): void {
    const w = this.own(param);
    const g = this.own(grad);
    const mm = this.own(m);
    const vv = this.own(v);
    expectShape(g, w.rows, w.cols, 'grad', `param is ${w.rows}×${w.cols}`);
    const c1 = 1 - opts.beta1 ** opts.step;
    const c2 = 1 - opts.beta2 ** opts.step;
    for (let k = 0; k < w.data.length; k++) {
      const d = g.data[k]! + opts.weightDecay * w.data[k]!;
      mm.data[k] = opts.beta1 * mm.data[k]! + (1 - opts.beta1) * d;
      vv.data[k] = opts.beta2 * vv.data[k]! + (1 - opts.beta2) * d * d;
      const mHat = mm.data[k]! / c1;
      const vHat = vv.data[k]! / c2;
      w.data[k] = w.data[k]! - (opts.lr * mHat) / (Math.sqrt(vHat) + opts.eps);
    }
  }

  dispose(): void {
    // Nothing pooled: tensors are garbage-collected arrays.
  }

  /** The concrete tensor, after checking it belongs to this backend and is still alive. */
  protected own(t: Tensor): Cpu64Tensor {
    if (!(t instanceof Cpu64Tensor)) throw new TypeError(`tensor "${t.label}" belongs to ${t.backend}, not cpu-f64`);
    if (t.released) throw new Error(`tensor "${t.label}" was released`);
    return t;
  }
}

