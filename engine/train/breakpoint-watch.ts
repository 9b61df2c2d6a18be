/**
 * A session's breakpoints as it runs them: for the conditions set, which products each op of the
 * step must read back (worked out once per set, not on every op), and the check after an op.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { Activation, ModelSpec } from '../model/spec.js';
import {
  type Product,
  type ProductRef,
  DEFAULT_LOSS_SPIKE_WINDOW,
  evaluateBreakpoints,
  neededProducts,
} from './breakpoints.js';
import type { BreakpointCondition, BreakpointHit, OpRef } from './types.js';

export class BreakpointWatch {
  private conditions: readonly BreakpointCondition[] = [];
  /** Per op (index in the step's op list): what the conditions need read back. */
  private needs: readonly ProductRef[][];
  /** Largest window of the loss-spike conditions (0: none). */
  private spikeWindow = 0;

  constructor(
    private readonly spec: ModelSpec,
    private readonly ops: readonly OpRef[],
  ) {
    this.needs = ops.map(() => []);
  }

  private readonly activationOf = (layer: number): Activation => this.spec.layers[layer]!.activation;

  /** Replaces the conditions (already validated against the model). */
  set(conditions: readonly BreakpointCondition[]): void {
    this.conditions = [...conditions];
    const L = this.spec.layers.length;
    this.needs = this.ops.map((op) => neededProducts(this.conditions, op, L, this.activationOf));
    const spikes = this.conditions.flatMap((c) => (c.kind === 'loss-spike' ? [c.window ?? DEFAULT_LOSS_SPIKE_WINDOW] : []));
    this.spikeWindow = spikes.length > 0 ? Math.max(...spikes) : 0;
  }

  get current(): readonly BreakpointCondition[] {
    return this.conditions;
  }

  /** The products op `opIndex` must read back for the conditions. */
  needed(opIndex: number): readonly ProductRef[] {
    return this.needs[opIndex]!;
  }

  /** The conditions' hits on what op `opIndex` of step `step` produced. */
  async check(
    step: number,
    op: OpRef,
    read: (p: ProductRef) => Promise<Matrix<FloatArray>>,
    recentLosses: (n: number) => number[],
  ): Promise<BreakpointHit[]> {
    const needed = this.needs[op.index]!;
    if (needed.length === 0) return [];
    const products: Product[] = await Promise.all(needed.map(async (p) => ({ ...p, matrix: await read(p) })));
    return evaluateBreakpoints(this.conditions, products, {
      step,
      op,
      activationOf: this.activationOf,
      // Only a loss-spike condition looks at past losses, and only on the loss op.
      previousLosses: op.kind === 'loss' && this.spikeWindow > 0 ? recentLosses(this.spikeWindow) : [],
    });
  }
}
