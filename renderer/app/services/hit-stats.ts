/**
 * The statistics of the matrix a breakpoint fired on, at the moment it fired (the op of the step
 * that tripped it, not the last completed step the per-layer cards summarise), computed from the
 * full-resolution matrix with the engine's own functions so the card shows the same numbers as the
 * hit's message. Norms are written like the engine writes them: 4 significant digits.
 */
import { countNonFinite, deadUnits, finiteRange, frobeniusNorm, saturatedFraction } from '../../../engine/index.js';
import type { Activation, BreakpointHit } from '../../../engine/protocol/index.js';

export interface HitMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array | Float64Array;
}

export interface HitStat {
  readonly label: string;
  readonly value: string;
  /** The statistic the condition compares (highlighted). */
  readonly compared?: boolean;
}

/** A number as the engine's breakpoint messages write it: 4 significant digits, exponent outside [1e-3, 1e4). */
export function sig4(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4) ? x.toExponential(3) : String(+x.toPrecision(4));
}
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The hit matrix's name with its subscript, as the message writes it (G_1, A_2). */
export function hitMatrixLabel(hit: BreakpointHit): string {
  const i = hit.matrixIndex ?? hit.layer;
  return i === null || i === undefined ? hit.matrix : `${hit.matrix}_${i}`;
}

export function hitStats(hit: BreakpointHit, m: HitMatrix, activation: Activation | null): HitStat[] {
  const kind = hit.condition.kind;
  const mat = { rows: m.rows, cols: m.cols, data: m.data };
  const range = finiteRange(m.data);
  const name = hitMatrixLabel(hit);
  const out: HitStat[] = [
    { label: `‖${name}‖`, value: sig4(frobeniusNorm(m.data)), compared: kind === 'vanishing' || kind === 'exploding' },
    { label: 'min', value: Number.isNaN(range.min) ? '—' : sig4(range.min) },
    { label: 'max', value: Number.isNaN(range.max) ? '—' : sig4(range.max) },
    { label: 'non-finite', value: String(countNonFinite(m.data)), compared: kind === 'non-finite' },
  ];
  if (hit.matrix === 'A' && (activation === 'tanh' || activation === 'sigmoid'))
    out.push({ label: 'saturated', value: pct(saturatedFraction(mat, activation)), compared: kind === 'saturation' });
  if (hit.matrix === 'A' && activation === 'relu')
    out.push({ label: 'dead units', value: `${deadUnits(mat).length} of ${m.cols} (${pct(m.cols ? deadUnits(mat).length / m.cols : 0)})`, compared: kind === 'dead-relu' });
  return out;
}
