/**
 * Breakpoint conditions, evaluated after each op on the host copies of the matrices that op produced.
 *
 *   forward i   → H_i, A_{i+1}          non-finite, saturation (tanh/sigmoid), dead-relu
 *   loss        → loss, G_{L-1}          non-finite, loss-spike, vanishing/exploding ‖G_{L-1}‖
 *   backward i  → dW_i, db_i, G_{i-1}    non-finite, vanishing/exploding ‖G_{i-1}‖
 *   update      → W_i, b_i (all layers)  non-finite
 *
 * `layer` in a condition filters by the layer a matrix belongs to (G_i, H_i, the output A_{i+1} of
 * layer i, W_i …). neededProducts() tells the session which matrices it must read back for the
 * conditions that can fire on an op, so nothing else has to leave the device.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { Activation } from '../model/spec.js';
import { deadUnits, frobeniusNorm, nonFiniteCells, saturatedCells } from '../telemetry/stats.js';
import type { BreakpointCondition, BreakpointHit, OpRef } from './types.js';

/** Most offending cells listed in a hit. */
export const MAX_HIT_CELLS = 64;
/** Previous losses a loss-spike condition needs before it may fire. */
export const LOSS_SPIKE_WARMUP = 3;
export const DEFAULT_LOSS_SPIKE_WINDOW = 20;

export type MatrixName = 'A' | 'H' | 'G' | 'W' | 'b' | 'dW' | 'db' | 'loss';

/** A matrix an op produced: name, FORMATS subscript (null for the loss) and the layer it belongs to. */
export interface ProductRef {
  readonly name: MatrixName;
  readonly index: number | null;
  readonly layer: number | null;
}

export interface Product extends ProductRef {
  readonly matrix: Matrix<FloatArray>;
}

export function productKey(p: ProductRef): string {
  return p.index === null ? p.name : `${p.name}_${p.index}`;
}

/** What each op produces (see the table above). */
export function opProducts(op: OpRef, layers: number): ProductRef[] {
  switch (op.kind) {
    case 'forward': {
      const i = op.layer!;
      return [
        { name: 'H', index: i, layer: i },
        { name: 'A', index: i + 1, layer: i },
      ];
    }
    case 'loss':
      return [
        { name: 'loss', index: null, layer: null },
        { name: 'G', index: layers - 1, layer: layers - 1 },
      ];
    case 'backward': {
      const i = op.layer!;
      const out: ProductRef[] = [
        { name: 'dW', index: i, layer: i },
        { name: 'db', index: i, layer: i },
      ];
      if (i > 0) out.push({ name: 'G', index: i - 1, layer: i - 1 });
      return out;
    }
    case 'update': {
      const out: ProductRef[] = [];
      for (let i = 0; i < layers; i++) out.push({ name: 'W', index: i, layer: i }, { name: 'b', index: i, layer: i });
      return out;
    }
  }
}

const layerMatches = (c: { layer?: number }, layer: number | null): boolean =>
  c.layer === undefined || c.layer === layer;

/** Whether condition c looks at product p (given the activation of p's layer). */
function watches(c: BreakpointCondition, p: ProductRef, activationOf: (layer: number) => Activation): boolean {
  switch (c.kind) {
    case 'non-finite':
      return true;
    case 'vanishing':
    case 'exploding':
      return p.name === 'G' && layerMatches(c, p.layer);
    case 'saturation': {
      if (p.name !== 'A' || !layerMatches(c, p.layer)) return false;
      const act = activationOf(p.layer!);
      return act === 'tanh' || act === 'sigmoid';
    }
    case 'dead-relu':
      return p.name === 'A' && layerMatches(c, p.layer) && activationOf(p.layer!) === 'relu';
    case 'loss-spike':
      return p.name === 'loss';
  }
}

/** The products of `op` that at least one condition needs on the host. */
export function neededProducts(
  conditions: readonly BreakpointCondition[],
  op: OpRef,
  layers: number,
  activationOf: (layer: number) => Activation,
): ProductRef[] {
  return opProducts(op, layers).filter((p) => conditions.some((c) => watches(c, p, activationOf)));
}

export interface BreakpointContext {
  readonly step: number;
  readonly op: OpRef;
  readonly activationOf: (layer: number) => Activation;
  /** Losses of the steps before this one, oldest first. */
  readonly previousLosses: readonly number[];
  /**
   * The step's input X (A_0), where it can be non-finite (an attached run's batch; a local
   * session's data is checked finite when loaded): a non-finite H_0 then names the input as the
   * cause.
   */
  readonly input?: Matrix<FloatArray> | null;
}

/** Every hit of every condition on the products of one op. */
export function evaluateBreakpoints(
  conditions: readonly BreakpointCondition[],
  products: readonly Product[],
  ctx: BreakpointContext,
): BreakpointHit[] {
  const hits: BreakpointHit[] = [];
  for (const c of conditions) {
    for (const p of products) {
      if (!watches(c, p, ctx.activationOf)) continue;
      const hit = check(c, p, ctx);
      if (hit)
        hits.push({
          condition: c,
          step: ctx.step,
          op: ctx.op,
          layer: p.layer,
          matrix: p.name,
          matrixIndex: p.index,
          ...hit,
          ...(c.kind === 'non-finite' && p.layer === 0 && ctx.op.kind === 'forward'
            ? { message: blameInput(ctx.input, hit.message) }
            : {}),
        });
    }
  }
  return hits;
}

/** A non-finite first layer whose input is itself non-finite: say so first (the input is the cause). */
function blameInput(input: Matrix<FloatArray> | null | undefined, message: string): string {
  if (!input) return message;
  const bad = nonFiniteCells(input.data);
  if (bad.length === 0) return message;
  const k = bad[0]!;
  const row = Math.floor(k / input.cols);
  return `the input X (A_0) has ${bad.length} non-finite value(s) of ${input.data.length} (first: ${String(input.data[k])} at row ${row}, column ${k - row * input.cols}), so ${message}`;
}

function label(p: ProductRef): string {
  return p.index === null ? p.name : `${p.name}_${p.index}`;
}

const fmt = (x: number): string =>
  Number.isFinite(x) && x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4)
    ? x.toExponential(3)
    : String(+x.toPrecision(4));
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function check(
  c: BreakpointCondition,
  p: Product,
  ctx: BreakpointContext,
): { cells: number[]; message: string } | null {
  const m = p.matrix;
  const size = m.data.length;
  switch (c.kind) {
    case 'non-finite': {
      const cells = nonFiniteCells(m.data);
      if (cells.length === 0) return null;
      const first = m.data[cells[0]!]!;
      return {
        cells: cells.slice(0, MAX_HIT_CELLS),
        message: `${label(p)} has ${cells.length} non-finite value(s) of ${size} (first: ${String(first)} at cell ${cells[0]})`,
      };
    }
    case 'vanishing':
    case 'exploding': {
      const norm = frobeniusNorm(m.data);
      // A NaN norm is the non-finite condition's business, not a vanishing/exploding gradient.
      const fired = c.kind === 'vanishing' ? norm < c.threshold : norm > c.threshold;
      if (!fired) return null;
      // The cells that carry (exploding) or lack (vanishing) their fair share threshold/√size of the norm.
      const share = c.threshold / Math.sqrt(Math.max(1, size));
      const idx: number[] = [];
      for (let k = 0; k < size; k++) {
        const a = Math.abs(m.data[k]!);
        if (c.kind === 'exploding' ? a > share : a < share) idx.push(k);
      }
      if (c.kind === 'exploding') idx.sort((a, b) => Math.abs(m.data[b]!) - Math.abs(m.data[a]!));
      const what = c.kind === 'vanishing' ? 'below' : 'above';
      return {
        cells: idx.slice(0, MAX_HIT_CELLS),
        message: `‖${label(p)}‖ = ${fmt(norm)} is ${what} ${fmt(c.threshold)} (${c.kind} gradient)`,
      };
    }
    case 'saturation': {
      const act = ctx.activationOf(p.layer!) as 'tanh' | 'sigmoid';
      const cells = saturatedCells(m, act);
      const frac = size === 0 ? 0 : cells.length / size;
      // "More than": exactly the threshold does not fire.
      if (cells.length === 0 || !(frac > c.fraction)) return null;
      return {
        cells: cells.slice(0, MAX_HIT_CELLS),
        message: `${pct(frac)} of ${label(p)} (${act} output of layer ${p.layer}) is saturated (derivative < 0.01), more than the threshold ${pct(c.fraction)}`,
      };
    }
    case 'dead-relu': {
      const dead = deadUnits(m);
      const frac = m.cols === 0 ? 0 : dead.length / m.cols;
      if (dead.length === 0 || !(frac > c.fraction)) return null;
      // Cells are the dead units' column indices (= their flat index in row 0).
      return {
        cells: dead.slice(0, MAX_HIT_CELLS),
        message: `${dead.length} of ${m.cols} relu unit(s) of layer ${p.layer} output 0 for every sample (${pct(frac)}, more than the threshold ${pct(c.fraction)}): units ${dead.slice(0, 10).join(', ')}${dead.length > 10 ? ', …' : ''}`,
      };
    }
    case 'loss-spike': {
      const loss = m.data[0]!;
      const window = c.window ?? DEFAULT_LOSS_SPIKE_WINDOW;
      const recent = ctx.previousLosses.slice(-window).filter(Number.isFinite);
      if (recent.length < Math.min(LOSS_SPIKE_WARMUP, window)) return null;
      const mean = recent.reduce((s, x) => s + x, 0) / recent.length;
      if (!(loss > c.factor * mean)) return null;
      return {
        cells: [0],
        message: `loss ${fmt(loss)} is ${fmt(loss / mean)}× the mean ${fmt(mean)} of the last ${recent.length} step(s) (factor ${c.factor})`,
      };
    }
  }
}

/** Throws a RangeError naming the offending condition and field. */
export function validateBreakpoints(conditions: readonly BreakpointCondition[]): void {
  conditions.forEach((c, k) => {
    const at = `breakpoints[${k}]`;
    const positive = (v: unknown, key: string): void => {
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
        throw new RangeError(`${at}.${key}: must be a positive number, got ${String(v)}`);
    };
    const fraction = (v: unknown): void => {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1))
        throw new RangeError(`${at}.fraction: must be in [0, 1], got ${String(v)}`);
    };
    if ('layer' in c && c.layer !== undefined && !(Number.isInteger(c.layer) && c.layer >= 0)) {
      throw new RangeError(`${at}.layer: must be a layer index ≥ 0, got ${String(c.layer)}`);
    }
    switch (c.kind) {
      case 'non-finite':
        return;
      case 'vanishing':
      case 'exploding':
        return positive(c.threshold, 'threshold');
      case 'saturation':
      case 'dead-relu':
        return fraction(c.fraction);
      case 'loss-spike':
        positive(c.factor, 'factor');
        if (c.window !== undefined && !(Number.isInteger(c.window) && c.window >= 1))
          throw new RangeError(`${at}.window: must be a positive integer, got ${String(c.window)}`);
        return;
      default:
        throw new RangeError(`${at}.kind: unknown breakpoint kind "${String((c as { kind: unknown }).kind)}"`);
    }
  });
}
