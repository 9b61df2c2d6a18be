/**
 * SGD (heavy-ball momentum) and Adam on backend tensors, with coupled L2 weight decay.
 *
 * Weight decay applies to the weights W_i only, never to the biases b_i: L2 regularisation exists to
 * keep the mapping smooth by penalising large input-to-output slopes, and a bias sets no slope, it only
 * shifts a unit's operating point. Decaying it would pull every unit's offset towards 0 (fighting the
 * data's own mean) and buy no regularisation; this is also the usual practice (Goodfellow et al.,
 * Deep Learning §7.1; PyTorch users exclude biases from weight_decay for the same reason).
 * "Coupled" means the decay is added to the gradient before the optimizer sees it (g ← g + λW), as in
 * torch.optim.SGD/Adam's weight_decay, not AdamW's decoupled form.
 */
import type { Backend, Tensor } from '../backends/backend.js';
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { OptimizerConfig } from './types.js';

export const DEFAULT_ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Throws a RangeError naming the key (e.g. `optimizer.lr`) of a value out of range. */
export function validateOptimizerConfig(config: OptimizerConfig, path = 'optimizer'): void {
  const check = (ok: boolean, key: string, value: unknown, want: string): void => {
    if (!ok) throw new RangeError(`${path}.${key}: must be ${want}, got ${String(value)}`);
  };
  const finite = (v: number): boolean => typeof v === 'number' && Number.isFinite(v);
  check(config.kind === 'sgd' || config.kind === 'adam', 'kind', (config as { kind: unknown }).kind, '"sgd" or "adam"');
  check(finite(config.lr) && config.lr > 0, 'lr', config.lr, 'a positive number');
  check(finite(config.weightDecay) && config.weightDecay >= 0, 'weightDecay', config.weightDecay, 'a number ≥ 0');
  if (config.kind === 'sgd') {
    check(
      finite(config.momentum) && config.momentum >= 0 && config.momentum < 1,
      'momentum',
      config.momentum,
      'in [0, 1)',
    );
  } else {
    check(finite(config.beta1) && config.beta1 >= 0 && config.beta1 < 1, 'beta1', config.beta1, 'in [0, 1)');
    check(finite(config.beta2) && config.beta2 >= 0 && config.beta2 < 1, 'beta2', config.beta2, 'in [0, 1)');
    check(finite(config.eps) && config.eps > 0, 'eps', config.eps, 'a positive number');
  }
}

/** Host copy of an optimizer's state, enough to continue training exactly (history, restore). */
export interface OptimizerSnapshot {
  /** Updates applied so far (Adam's bias correction uses updates + 1). */
  readonly updates: number;
  /**
   * Per parameter tensor (W_0, b_0, W_1, b_1, …): SGD velocity, or Adam's m and v. Empty when
   * stateless. In the backend's precision (float32 on the f32 backends: exact, and half the memory).
   */
  readonly buffers: readonly (readonly Matrix<FloatArray>[])[];
}

/**
 * Optimizer state living on the backend beside the parameters it updates. Parameters are given in the
 * order W_0, b_0, W_1, b_1, … with `isWeight` saying which ones take weight decay.
 */
export class Optimizer {
  private buffers: Tensor[][];
  private updates = 0;

  private settings: OptimizerConfig;

  constructor(
    private readonly backend: Backend,
    config: OptimizerConfig,
    shapes: readonly { rows: number; cols: number; label: string }[],
  ) {
    validateOptimizerConfig(config);
    this.settings = config;
    const perParam = config.kind === 'adam' ? ['m', 'v'] : config.momentum > 0 ? ['velocity'] : [];
    this.buffers = shapes.map((s) => perParam.map((name) => backend.zeros(s.rows, s.cols, `${s.label}.${name}`)));
  }

  get updateCount(): number {
    return this.updates;
  }

  /** The settings in effect (the configured ones, with the learning rate last set). */
  get config(): OptimizerConfig {
    return this.settings;
  }

  /** Changes the learning rate from the next update on (the buffers and update count are kept). */
  setLearningRate(lr: number): void {
    if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`lr: must be a positive number, got ${String(lr)}`);
    this.settings = { ...this.settings, lr };
  }

  /** One in-place update of every parameter with its gradient. */
  apply(params: readonly Tensor[], grads: readonly Tensor[], isWeight: readonly boolean[]): void {
    const c = this.config;
    const step = this.updates + 1;
    params.forEach((p, k) => {
      const weightDecay = isWeight[k] ? c.weightDecay : 0;
      const buf = this.buffers[k]!;
      if (c.kind === 'sgd') {
        this.backend.sgdStep(p, grads[k]!, buf[0] ?? null, { lr: c.lr, momentum: c.momentum, weightDecay });
      } else {
        this.backend.adamStep(p, grads[k]!, buf[0]!, buf[1]!, {
          lr: c.lr,
          beta1: c.beta1,
          beta2: c.beta2,
          eps: c.eps,
          step,
          weightDecay,
        });
      }
    });
    this.updates = step;
  }

  async snapshot(): Promise<OptimizerSnapshot> {
    const buffers = await Promise.all(
      // Reads are snapshots in the backend's precision: kept as they are (no float64 copy).
      this.buffers.map((bs) => Promise.all(bs.map((t) => this.backend.read(t)))),
    );
    return { updates: this.updates, buffers };
  }

  /** Throws a RangeError naming what does not fit (so a caller can check before changing anything). */
  checkSnapshot(s: OptimizerSnapshot, path = 'optimizer'): void {
    if (!Number.isInteger(s.updates) || s.updates < 0)
      throw new RangeError(`${path}.updates: must be an integer ≥ 0, got ${s.updates}`);
    if (s.buffers.length !== this.buffers.length) {
      throw new RangeError(
        `${path}.buffers: ${s.buffers.length} parameter(s) given, the model has ${this.buffers.length}`,
      );
    }
    this.buffers.forEach((bs, k) => {
      const given = s.buffers[k]!;
      if (given.length !== bs.length) {
        const kind = this.config.kind === 'adam' ? 'm and v' : bs.length ? 'a velocity' : 'no buffers';
        throw new RangeError(
          `${path}.buffers[${k}]: ${given.length} buffer(s) given, ${this.config.kind} needs ${kind}`,
        );
      }
      bs.forEach((t, j) => {
        const m = given[j]!;
        if (m.rows !== t.rows || m.cols !== t.cols) {
          throw new RangeError(`${path}.buffers[${k}][${j}]: is ${m.rows}×${m.cols}, expected ${t.rows}×${t.cols}`);
        }
      });
    });
  }

  restore(s: OptimizerSnapshot): void {
    this.checkSnapshot(s);
    this.buffers.forEach((bs, k) => bs.forEach((t, j) => this.backend.write(t, s.buffers[k]![j]!)));
    this.updates = s.updates;
  }

  /** Zero every buffer and the update count (a fresh start with the same parameters). */
  reset(): void {
    for (const bs of this.buffers)
      for (const t of bs)
        this.backend.write(t, { rows: t.rows, cols: t.cols, data: new Float64Array(t.rows * t.cols) });
    this.updates = 0;
  }

  release(): void {
    for (const bs of this.buffers) for (const t of bs) this.backend.release(t);
    this.buffers = [];
  }
}
