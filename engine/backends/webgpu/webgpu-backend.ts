/**
 * webgpu-f32: every Backend op as a WGSL compute dispatch on a GPUDevice (kernels/*.wgsl).
 * Ops enqueue into a CommandBatch and return at once; only `read` waits, on its own staging
 * buffer, so telemetry never stalls training. Shapes are checked on the host with the same
 * messages as cpu-f64, before anything reaches the GPU.
 */
import type { FloatArray, Matrix } from '../../core/matrix.js';
import type { Activation, LossKind } from '../../model/spec.js';
import type { AdamOptions, Backend, PreviousLayer, SgdOptions, Tensor } from '../backend.js';
import { BufferPool } from './buffer-pool.js';
import { CommandBatch } from './command-batch.js';
import {
  ErrorSink,
  WebGpuBackendError,
  WebGpuDeviceLostError,
  type DeviceLostInfo,
  type ErrorListener,
  type LostListener,
} from './errors.js';
import { MapMode } from './gpu-constants.js';
import {
  ACTIVATION_CODE,
  BIG_TILING,
  CPU_EMULATION_PROFILE,
  DIRECT_WG,
  GPU_PROFILE,
  directGroups,
  type KernelProfile,
  NO_PREV_ACTIVATION,
  SMALL_TILING,
  chooseTiling,
  f32,
  matmulGroups,
  strideGroups,
  u32,
  type MatmulTiling,
  type Overrides,
  type ParamField,
} from './kernels.js';
import { PipelineCache } from './pipeline-cache.js';
import { StagingPool } from './staging-pool.js';
import { WebGpuTensor } from './webgpu-tensor.js';
import { expectShape } from '../expect-shape.js';

export interface WebGpuBackendOptions {
  /** Wrap GPU object creation and submits in error scopes and report WGSL compile messages. */
  readonly debug?: boolean;
  /** Prefix of every GPU object's label (several backends may share a device). */
  readonly label?: string;
  /** Destroy the device in dispose() (set by the providers that created it). */
  readonly ownsDevice?: boolean;
  /** Override the matrix-product tilings (benchmarks and tuning). */
  readonly tiling?: { readonly big?: MatmulTiling; readonly small?: MatmulTiling };
  /**
   * Kernel shapes for the adapter: 'gpu' (default) or 'cpu-emulation' for SwiftShader and other
   * software adapters; the providers pick it from the adapter (isCpuEmulatedAdapter).
   */
  readonly profile?: KernelProfile['name'];
  readonly onError?: ErrorListener;
  readonly onDeviceLost?: LostListener;
}

/** Most workgroups a loss kernel uses (the size of its partial-sum buffer). */
const MAX_LOSS_GROUPS = 256;

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu-f32' as const;
  readonly precision = 'f32' as const;
  get maxBufferBytes(): number {
    return this.device.limits.maxStorageBufferBindingSize;
  }

  private readonly errors: ErrorSink;
  private readonly pool: BufferPool;
  private readonly staging: StagingPool;
  private readonly pipelines: PipelineCache;
  private readonly batch: CommandBatch;
  /** Bound where a kernel declares a binding this call does not use (no velocity, no H_prev). */
  private readonly placeholder: GPUBuffer;
  private readonly bigTiling: MatmulTiling;
  private readonly smallTiling: MatmulTiling;
  readonly profile: KernelProfile;
  private lostInfo: DeviceLostInfo | null = null;
  private disposed = false;
  private readonly onUncaptured = (ev: Event): void => {
    const e = (ev as GPUUncapturedErrorEvent).error;
    this.errors.emitError(new WebGpuBackendError(`webgpu-f32: ${e.message}`));
  };

  constructor(
    readonly device: GPUDevice,
    private readonly options: WebGpuBackendOptions = {},
  ) {
    const label = options.label ?? 'webgpu-f32';
    this.errors = new ErrorSink(device, options.debug ?? false);
    if (options.onError) this.errors.onError(options.onError);
    if (options.onDeviceLost) this.errors.onLost(options.onDeviceLost);
    device.addEventListener('uncapturederror', this.onUncaptured);
    void device.lost.then((info) => {
      // dispose() destroying its own device is not a loss the host must react to.
      if (this.disposed) return;
      this.lostInfo = { reason: info.reason ?? 'unknown', message: info.message };
      this.errors.emitLost(this.lostInfo);
    });
    this.pool = new BufferPool(device);
    this.staging = new StagingPool(device);
    this.pipelines = new PipelineCache(device, this.errors);
    this.pool.onDestroy = () => this.pipelines.dropBindGroups();
    this.batch = new CommandBatch(device, this.pipelines, this.errors, label);
    this.placeholder = this.pool.acquire(16, `${label} placeholder`);
    this.bigTiling = options.tiling?.big ?? BIG_TILING;
    this.smallTiling = options.tiling?.small ?? SMALL_TILING;
    this.profile = options.profile === 'cpu-emulation' ? CPU_EMULATION_PROFILE : GPU_PROFILE;
  }

  /** Subscribe to validation / out-of-memory errors; returns an unsubscribe function. */
  onError(fn: ErrorListener): () => void {
    return this.errors.onError(fn);
  }

  /** Subscribe to device loss (the host recreates the backend or falls back to the CPU). */
  onDeviceLost(fn: LostListener): () => void {
    return this.errors.onLost(fn);
  }

  get isLost(): boolean {
    return this.lostInfo !== null;
  }

  /** Counters for tests and the benchmark. */
  stats(): {
    submits: number;
    dispatches: number;
    pipelines: number;
    bindGroups: number;
    pendingReads: number;
  } & ReturnType<BufferPool['stats']> {
    return {
      submits: this.batch.submits,
      dispatches: this.batch.totalDispatches,
      ...this.pipelines.stats(),
      pendingReads: this.staging.pending(),
      ...this.pool.stats(),
    };
  }

  /** Submit everything enqueued so far (ops also submit by themselves at the end of a task). */
  flush(): void {
    this.batch.flush();
  }

  /** Resolves when the GPU has finished everything submitted so far. */
  async finish(): Promise<void> {
    this.batch.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  upload(m: Matrix<FloatArray>, label = 'tensor'): Tensor {
    this.alive();
    const t = this.alloc(m.rows, m.cols, label);
    this.writeData(t, m);
    return t;
  }

  zeros(rows: number, cols: number, label = 'zeros'): Tensor {
    this.alive();
    const t = this.alloc(rows, cols, label);
    this.batch.clear(t.buffer);
    return t;
  }

  write(t: Tensor, m: Matrix<FloatArray>): void {
    const x = this.own(t);
    if (x.rows !== m.rows || x.cols !== m.cols) {
      throw new RangeError(`write ${x.label}: shape ${x.rows}×${x.cols} vs ${m.rows}×${m.cols}`);
    }
    this.writeData(x, m);
  }

  /** Misuse (released or foreign tensor) throws synchronously; the copy itself is awaited. */
  read(t: Tensor): Promise<Matrix<FloatArray>> {
    return this.readBack(this.own(t));
  }

  private async readBack(x: WebGpuTensor): Promise<Matrix<FloatArray>> {
    const bytes = x.byteLength;
    if (bytes === 0) return { rows: x.rows, cols: x.cols, data: new Float32Array(0) };
    const staging = this.staging.acquire(Math.max(16, Math.ceil(bytes / 16) * 16), `read ${x.label}`);
    this.batch.copy(x.buffer, staging, bytes);
    this.batch.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, bytes);
    } catch (cause) {
      if (this.lostInfo) throw new WebGpuDeviceLostError(this.lostInfo.reason, this.lostInfo.message);
      throw new WebGpuBackendError(`webgpu-f32: reading ${x.label} failed`, { cause });
    }
    const data = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.staging.release(staging);
    return { rows: x.rows, cols: x.cols, data };
  }

  release(t: Tensor): void {
    const x = this.own(t);
    x.released = true;
    this.pool.release(x.buffer);
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
    const H = this.alloc(n, q, 'H');
    const out = this.alloc(n, q, 'A');
    const softmax = activation === 'softmax';
    this.matmul(
      'matmul-forward',
      n,
      q,
      p % 4 === 0 && q % 4 === 0,
      { ACT: softmax ? 0 : ACTIVATION_CODE[activation], STORE_A: softmax ? 0 : 1 },
      [a.buffer, w.buffer, bias.buffer, H.buffer, out.buffer],
      [u32(n), u32(p), u32(q)],
    );
    if (softmax) {
      const wg = this.profile.rowWG;
      this.batch.dispatch('softmax-rows', { WG: wg }, [H.buffer, out.buffer], [u32(n), u32(q)], [Math.ceil(n / wg)]);
    }
    return { H, A: out };
  }

  lossAndGradient(
    H: Tensor,
    F: Tensor,
    Y: Tensor,
    activation: Activation,
    loss: LossKind,
  ): { loss: Tensor; G: Tensor } {
    const h = this.own(H);
    const f = this.own(F);
    const y = this.own(Y);
    const n = f.rows;
    const p = f.cols;
    expectShape(y, n, p, 'Y', `the output F is ${n}×${p}`);
    expectShape(h, n, p, 'H', `the output F is ${n}×${p}`);
    if (loss === 'cross-entropy' && activation !== 'softmax')
      throw new Error('cross-entropy needs a softmax output layer');
    if (loss !== 'cross-entropy' && activation === 'softmax')
      throw new Error('a softmax output needs the cross-entropy loss');
    const G = this.alloc(n, p, 'G');
    const value = this.alloc(1, 1, 'loss');
    let groups: number;
    let scale: number;
    const partials = this.pool.acquire(4 * MAX_LOSS_GROUPS, 'loss partial sums');
    const { rowWG, reduceWG } = this.profile;
    if (loss === 'cross-entropy') {
      groups = strideGroups(n, rowWG, MAX_LOSS_GROUPS);
      scale = 1 / n;
      this.batch.dispatch(
        'loss-cross-entropy',
        { WG: rowWG },
        [h.buffer, f.buffer, y.buffer, G.buffer, partials],
        [u32(n), u32(p)],
        [groups],
      );
    } else {
      const count = n * p;
      groups = strideGroups(count, reduceWG, MAX_LOSS_GROUPS);
      scale = loss === 'sse' ? 0.5 : 1 / count;
      const gradScale = loss === 'sse' ? 1 : 2 / count;
      this.batch.dispatch(
        'loss-elementwise',
        { WG: reduceWG, ACT: ACTIVATION_CODE[activation as Exclude<Activation, 'softmax'>] },
        [h.buffer, f.buffer, y.buffer, G.buffer, partials],
        [u32(count), f32(gradScale)],
        [groups],
      );
    }
    this.batch.dispatch('reduce-loss', { WG: reduceWG }, [partials, value.buffer], [u32(groups), f32(scale)], [1]);
    this.pool.release(partials);
    return { loss: value, G };
  }

  weightGradients(A: Tensor, G: Tensor): { dW: Tensor; db: Tensor } {
    const a = this.own(A);
    const g = this.own(G);
    const n = a.rows;
    const p = a.cols;
    const q = g.cols;
    if (g.rows !== n) throw new RangeError(`weightGradients: A has ${n} rows but G has ${g.rows}`);
    const dW = this.alloc(p, q, 'dW');
    const db = this.alloc(1, q, 'db');
    if (n === 0) {
      this.batch.clear(dW.buffer);
      this.batch.clear(db.buffer);
      return { dW, db };
    }
    this.matmul(
      'matmul-weight-grad',
      p,
      q,
      p % 4 === 0 && q % 4 === 0,
      {},
      [a.buffer, g.buffer, dW.buffer],
      [u32(n), u32(p), u32(q)],
    );
    const cs = this.profile.columnSums;
    this.batch.dispatch('column-sums', cs, [g.buffer, db.buffer], [u32(n), u32(q)], [Math.ceil(q / cs.COLS)]);
    return { dW, db };
  }

  backpropagate(G: Tensor, W: Tensor, prev?: PreviousLayer): Tensor {
    const g = this.own(G);
    const w = this.own(W);
    const n = g.rows;
    const q = g.cols;
    const p = w.rows;
    expectShape(w, p, q, 'W', `G is ${n}×${q}`);
    let hPrev = this.placeholder;
    let aPrev = this.placeholder;
    let prevAct = NO_PREV_ACTIVATION;
    if (prev) {
      const h = this.own(prev.H);
      const a = this.own(prev.A);
      expectShape(h, n, p, 'H_prev', `G Wᵀ is ${n}×${p}`);
      expectShape(a, n, p, 'A_prev', `G Wᵀ is ${n}×${p}`);
      hPrev = h.buffer;
      aPrev = a.buffer;
      prevAct = ACTIVATION_CODE[prev.activation];
    }
    const out = this.alloc(n, p, prev ? 'G' : 'dX');
    this.matmul(
      'matmul-backprop',
      n,
      p,
      q % 4 === 0,
      { PREV_ACT: prevAct },
      [g.buffer, w.buffer, hPrev, aPrev, out.buffer],
      [u32(n), u32(p), u32(q)],
    );
    return out;
  }

  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, opts: SgdOptions): void {
    const w = this.own(param);
    const g = this.own(grad);
    expectShape(g, w.rows, w.cols, 'grad', `param is ${w.rows}×${w.cols}`);
    const v = velocity ? this.own(velocity) : null;
    if (opts.momentum !== 0 && !v) throw new Error('sgdStep: momentum needs a velocity buffer');
    if (v) expectShape(v, w.rows, w.cols, 'velocity', `param is ${w.rows}×${w.cols}`);
    distinct('sgdStep', { param: w, grad: g, ...(v ? { velocity: v } : {}) });
    const momentum = v !== null && opts.momentum !== 0;
    const count = w.length;
    this.batch.dispatch(
      'sgd',
      { WG: this.profile.elementwiseWG, MOMENTUM: momentum ? 1 : 0 },
      [w.buffer, g.buffer, momentum ? v.buffer : this.placeholder],
      [u32(count), f32(opts.lr), f32(opts.momentum), f32(opts.weightDecay)],
      [strideGroups(count, this.profile.elementwiseWG, this.profile.maxStrideGroups)],
    );
  }

  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, opts: AdamOptions): void {
    const w = this.own(param);
    const g = this.own(grad);
    const mm = this.own(m);
    const vv = this.own(v);
    expectShape(g, w.rows, w.cols, 'grad', `param is ${w.rows}×${w.cols}`);
    expectShape(mm, w.rows, w.cols, 'm', `param is ${w.rows}×${w.cols}`);
    expectShape(vv, w.rows, w.cols, 'v', `param is ${w.rows}×${w.cols}`);
    distinct('adamStep', { param: w, grad: g, m: mm, v: vv });
    // Bias corrections in double precision on the host (see adam.wgsl).
    const c1 = 1 - opts.beta1 ** opts.step;
    const c2 = 1 - opts.beta2 ** opts.step;
    const count = w.length;
    this.batch.dispatch(
      'adam',
      { WG: this.profile.elementwiseWG },
      [w.buffer, g.buffer, mm.buffer, vv.buffer],
      [
        u32(count),
        f32(opts.lr),
        f32(opts.beta1),
        f32(opts.beta2),
        f32(opts.eps),
        f32(c1),
        f32(c2),
        f32(opts.weightDecay),
        f32(1 - opts.beta1),
        f32(1 - opts.beta2),
      ],
      [strideGroups(count, this.profile.elementwiseWG, this.profile.maxStrideGroups)],
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.lostInfo) this.batch.flush();
    this.batch.destroy();
    this.pool.trim();
    this.staging.destroy();
    this.placeholder.destroy();
    this.device.removeEventListener('uncapturederror', this.onUncaptured);
    if (this.options.ownsDevice) this.device.destroy();
  }

  /**
   * A matrix product with a rows×cols output, in the profile's kernel family. `vec4` says the
   * operands' rows are whole vec4s (the dimensions the kernel loads along are multiples of 4),
   * which the direct family has a faster variant for.
   */
  private matmul(
    kernel: 'matmul-forward' | 'matmul-weight-grad' | 'matmul-backprop',
    rows: number,
    cols: number,
    vec4: boolean,
    overrides: Overrides,
    buffers: readonly GPUBuffer[],
    params: readonly ParamField[],
  ): void {
    if (this.profile.matmul === 'direct') {
      const name = vec4 ? (`${kernel}-direct-vec4` as const) : (`${kernel}-direct` as const);
      this.batch.dispatch(
        name,
        { ...overrides, WG_X: DIRECT_WG, WG_Y: DIRECT_WG },
        buffers,
        params,
        directGroups(rows, cols),
      );
    } else {
      const t = chooseTiling(rows, cols, this.bigTiling, this.smallTiling);
      this.batch.dispatch(kernel, { ...overrides, ...t }, buffers, params, matmulGroups(rows, cols, t));
    }
  }

  private alloc(rows: number, cols: number, label: string): WebGpuTensor {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`${label}: invalid shape ${rows}×${cols}`);
    }
    return new WebGpuTensor(rows, cols, this.pool.acquire(rows * cols * 4, label), label, this);
  }

  private writeData(t: WebGpuTensor, m: Matrix<FloatArray>): void {
    if (m.data.length !== t.length)
      throw new RangeError(`${t.label}: ${t.rows}×${t.cols} needs ${t.length} values, got ${m.data.length}`);
    if (t.length === 0) return;
    // Pending commands that use this buffer must run before the host overwrites it.
    if (this.batch.uses(t.buffer)) this.batch.flush();
    const data = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
    this.device.queue.writeBuffer(t.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  private alive(): void {
    if (this.disposed) throw new WebGpuBackendError('webgpu-f32: the backend was disposed');
    if (this.lostInfo) throw new WebGpuDeviceLostError(this.lostInfo.reason, this.lostInfo.message);
  }

  /** The concrete tensor, after checking it belongs to this backend and is still alive. */
  private own(t: Tensor): WebGpuTensor {
    if (!(t instanceof WebGpuTensor) || t.owner !== this) {
      throw new TypeError(
        `tensor "${t.label}" belongs to ${t.backend === 'webgpu-f32' ? 'another webgpu-f32 backend' : t.backend}, not this webgpu-f32 backend`,
      );
    }
    if (t.released) throw new Error(`tensor "${t.label}" was released`);
    this.alive();
    return t;
  }
}

/** In-place kernels write some bindings: one buffer bound twice would be a GPU validation error, so say it here. */
function distinct(op: string, tensors: Record<string, WebGpuTensor>): void {
  const seen = new Map<WebGpuTensor, string>();
  for (const [name, t] of Object.entries(tensors)) {
    const other = seen.get(t);
    if (other) throw new Error(`${op}: ${other} and ${name} are the same tensor "${t.label}"`);
    seen.set(t, name);
  }
}


/** The browser-safe constructor: a backend on a device the host already has. */
export function createWebGpuBackend(device: GPUDevice, options: WebGpuBackendOptions = {}): WebGpuBackend {
  return new WebGpuBackend(device, options);
}
