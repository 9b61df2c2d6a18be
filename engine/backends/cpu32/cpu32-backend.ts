/**
 * cpu-f32: the fast CPU backend. Float32 storage in one pooled heap, blocked and register-tiled
 * matrix kernels (WebAssembly SIMD when the host has it, plain JS otherwise), the bias and
 * activation fused into the forward product, the activation derivative fused into G·Wᵀ.
 * Browser-safe: no Node APIs (works in a Web Worker and the Electron renderer).
 */
import type { FloatArray, Matrix } from '../../core/matrix.js';
import type { Activation, LossKind } from '../../model/spec.js';
import type { AdamOptions, Backend, PreviousLayer, SgdOptions, Tensor } from '../backend.js';
import { adamUpdate, applyActivation, multiplyByDerivative, outputLossAndGradient, sgdUpdate } from './elementwise.js';
import { jsKernels, type MatrixKernels, type View } from './kernels.js';
import { expectShape } from '../expect-shape.js';

export class Cpu32Tensor implements Tensor {
  readonly backend = 'cpu-f32' as const;
  released = false;
  constructor(
    readonly rows: number,
    readonly cols: number,
    /** Element offset into the owning backend's heap. */
    readonly offset: number,
    readonly label: string,
    readonly owner: Cpu32Backend,
  ) {}
  get length(): number {
    return this.rows * this.cols;
  }
}

export class Cpu32Backend implements Backend {
  readonly name = 'cpu-f32' as const;
  readonly precision = 'f32' as const;
  private disposed = false;

  constructor(readonly kernels: MatrixKernels = jsKernels()) {}

  /** One line for logs and the benchmark: which kernels run. */
  describe(): string {
    return `${this.kernels.name} kernels, ${this.kernels.threads} thread${this.kernels.threads > 1 ? 's' : ''}`;
  }

  /** Which matrix kernels run: 'wasm-simd' or 'js'. */
  get kernelName(): MatrixKernels['name'] {
    return this.kernels.name;
  }

  upload(m: Matrix<FloatArray>, label = 'tensor'): Tensor {
    if (m.data.length !== m.rows * m.cols)
      throw new RangeError(
        `upload ${label}: ${m.rows}×${m.cols} needs ${m.rows * m.cols} values, got ${m.data.length}`,
      );
    const t = this.make(m.rows, m.cols, label);
    this.kernels.heap.data.set(m.data, t.offset);
    return t;
  }

  zeros(rows: number, cols: number, label = 'zeros'): Tensor {
    const t = this.make(rows, cols, label);
    this.kernels.heap.data.fill(0, t.offset, t.offset + t.length);
    return t;
  }

  write(t: Tensor, m: Matrix<FloatArray>): void {
    const x = this.own(t);
    if (x.rows !== m.rows || x.cols !== m.cols)
      throw new RangeError(`write ${x.label}: shape ${x.rows}×${x.cols} vs ${m.rows}×${m.cols}`);
    this.kernels.heap.data.set(m.data, x.offset);
  }

  read(t: Tensor): Promise<Matrix<FloatArray>> {
    const x = this.own(t);
    // Copied now, so later ops on t cannot change what this read returns.
    const data = this.kernels.heap.data.slice(x.offset, x.offset + x.length);
    return Promise.resolve({ rows: x.rows, cols: x.cols, data });
  }

  release(t: Tensor): void {
    const x = this.own(t);
    x.released = true;
    this.kernels.heap.free(x.offset, x.length);
  }

  denseForward(A: Tensor, W: Tensor, b: Tensor, activation: Activation): { H: Tensor; A: Tensor } {
    const [a, w, bias] = [this.own(A), this.own(W), this.own(b)];
    const n = a.rows;
    const p = a.cols;
    const q = w.cols;
    expectShape(w, p, q, 'W', `A is ${n}×${p}`);
    expectShape(bias, 1, q, 'b', `W is ${p}×${q}`);
    const H = this.make(n, q, 'H');
    const out = this.make(n, q, 'A');
    this.kernels.gemmNN(n, p, q, this.view(a), this.view(w), this.view(bias), this.view(H));
    if (activation === 'tanh' && this.kernels.tanh) this.kernels.tanh(n * q, this.view(H), this.view(out));
    else applyActivation(activation, n, q, this.view(H), this.view(out));
    return { H, A: out };
  }

  lossAndGradient(
    H: Tensor,
    F: Tensor,
    Y: Tensor,
    activation: Activation,
    loss: LossKind,
  ): { loss: Tensor; G: Tensor } {
    const [h, f, y] = [this.own(H), this.own(F), this.own(Y)];
    const n = f.rows;
    const p = f.cols;
    expectShape(y, n, p, 'Y', `the output F is ${n}×${p}`);
    expectShape(h, n, p, 'H', `the output F is ${n}×${p}`);
    if (loss === 'cross-entropy' && activation !== 'softmax')
      throw new Error('cross-entropy needs a softmax output layer');
    if (loss !== 'cross-entropy' && activation === 'softmax')
      throw new Error('a softmax output needs the cross-entropy loss');
    const G = this.make(n, p, 'G');
    const lossT = this.make(1, 1, 'loss');
    const value = outputLossAndGradient(activation, loss, n, p, this.view(h), this.view(f), this.view(y), this.view(G));
    this.kernels.heap.data[lossT.offset] = value;
    return { loss: lossT, G };
  }

  weightGradients(A: Tensor, G: Tensor): { dW: Tensor; db: Tensor } {
    const [a, g] = [this.own(A), this.own(G)];
    const n = a.rows;
    const p = a.cols;
    const q = g.cols;
    if (g.rows !== n) throw new RangeError(`weightGradients: A has ${n} rows but G has ${g.rows}`);
    const dW = this.make(p, q, 'dW');
    const db = this.make(1, q, 'db');
    this.kernels.gemmTN(n, p, q, this.view(a), this.view(g), this.view(dW), this.view(db));
    return { dW, db };
  }

  backpropagate(G: Tensor, W: Tensor, prev?: PreviousLayer): Tensor {
    const [g, w] = [this.own(G), this.own(W)];
    const n = g.rows;
    const q = g.cols;
    const p = w.rows;
    expectShape(w, p, q, 'W', `G is ${n}×${q}`);
    let h: Cpu32Tensor | null = null;
    let a: Cpu32Tensor | null = null;
    if (prev) {
      h = this.own(prev.H);
      a = this.own(prev.A);
      expectShape(h, n, p, 'H_prev', `G Wᵀ is ${n}×${p}`);
      expectShape(a, n, p, 'A_prev', `G Wᵀ is ${n}×${p}`);
    }
    const out = this.make(n, p, prev ? 'G' : 'dX');
    this.kernels.gemmNT(n, q, p, this.view(g), this.view(w), this.view(out));
    if (prev && h && a) {
      if (prev.activation === 'tanh' && this.kernels.tanhDerivative) this.kernels.tanhDerivative(n * p, this.view(a), this.view(out));
      else multiplyByDerivative(prev.activation, n * p, this.view(h), this.view(a), this.view(out));
    }
    return out;
  }

  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, opts: SgdOptions): void {
    const [w, g] = [this.own(param), this.own(grad)];
    expectShape(g, w.rows, w.cols, 'grad', `param is ${w.rows}×${w.cols}`);
    const v = velocity ? this.own(velocity) : null;
    if (opts.momentum !== 0 && !v) throw new Error('sgdStep: momentum needs a velocity buffer');
    if (v) expectShape(v, w.rows, w.cols, 'velocity', `param is ${w.rows}×${w.cols}`);
    if (this.kernels.sgd) this.kernels.sgd(w.length, this.view(w), this.view(g), v ? this.view(v) : null, opts.lr, opts.momentum, opts.weightDecay);
    else sgdUpdate(w.length, this.view(w), this.view(g), v ? this.view(v) : null, opts);
  }

  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, opts: AdamOptions): void {
    const [w, g, mm, vv] = [this.own(param), this.own(grad), this.own(m), this.own(v)];
    for (const [t, name] of [
      [g, 'grad'],
      [mm, 'm'],
      [vv, 'v'],
    ] as const)
      expectShape(t, w.rows, w.cols, name, `param is ${w.rows}×${w.cols}`);
    if (this.kernels.adam) {
      // Bias corrections in double (see adamUpdate); the kernel gets them folded into two factors.
      const alpha = opts.lr / (1 - opts.beta1 ** opts.step);
      const iota = 1 / (1 - opts.beta2 ** opts.step);
      this.kernels.adam(w.length, this.view(w), this.view(g), this.view(mm), this.view(vv), { ...opts, alpha, iota });
    } else adamUpdate(w.length, this.view(w), this.view(g), this.view(mm), this.view(vv), opts);
  }

  dispose(): void {
    // The heap is garbage-collected with the backend; mark it so stale use fails loudly.
    if (!this.disposed) this.kernels.dispose?.();
    this.disposed = true;
  }

  /**
   * A live view of t's storage (no copy): valid until the next op that allocates. For zero-copy
   * host access in the same thread (tests, synchronous telemetry); read() is the safe copy.
   */
  hostView(t: Tensor): Float32Array {
    const x = this.own(t);
    return this.kernels.heap.data.subarray(x.offset, x.offset + x.length);
  }

  /** Floats currently allocated to live tensors (leak checks). */
  get liveFloats(): number {
    return this.kernels.heap.inUse;
  }

  private make(rows: number, cols: number, label: string): Cpu32Tensor {
    if (this.disposed) throw new Error('cpu-f32 backend was disposed');
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0)
      throw new RangeError(`${label}: invalid shape ${rows}×${cols}`);
    return new Cpu32Tensor(rows, cols, this.kernels.heap.alloc(rows * cols), label, this);
  }

  /** A view of t in the heap as it is now: take views only after the op's last allocation. */
  private view(t: Cpu32Tensor): View {
    return { data: this.kernels.heap.data, offset: t.offset };
  }

  private own(t: Tensor): Cpu32Tensor {
    if (!(t instanceof Cpu32Tensor) || t.owner !== this)
      throw new TypeError(`tensor "${t.label}" belongs to ${t.backend}, not this cpu-f32 backend`);
    if (t.released) throw new Error(`tensor "${t.label}" was released`);
    return t;
  }
}

