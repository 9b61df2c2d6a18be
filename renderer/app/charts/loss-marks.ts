/**
 * Where the training loss is not finite. A line chart cannot draw NaN or ±Infinity (nor a log
 * axis a non-positive value), so the loss chart marks these steps instead: a NaN loss is the
 * moment a debugger is for, and must not look like a gap in the curve.
 */
export interface NonFiniteRun {
  /** First and last step of a run of consecutive points whose loss is not finite. */
  readonly from: number;
  readonly to: number;
  /** What the run holds: 'NaN', '+Inf', '-Inf', or 'NaN/Inf' when it mixes them. */
  readonly kind: string;
  readonly points: number;
}

const kindOf = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');

/** Runs of consecutive non-finite values (in point order), the first `max` of them. */
export function nonFiniteRuns(steps: readonly number[], values: readonly number[], max = 50): NonFiniteRun[] {
  const runs: NonFiniteRun[] = [];
  let open: { from: number; to: number; kind: string; points: number } | null = null;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (Number.isFinite(v)) {
      if (open) runs.push(open);
      open = null;
      if (runs.length >= max) return runs;
      continue;
    }
    const kind = kindOf(v);
    if (open) {
      open.to = steps[k]!;
      open.points++;
      if (open.kind !== kind) open.kind = 'NaN/Inf';
    } else open = { from: steps[k]!, to: steps[k]!, kind, points: 1 };
  }
  if (open && runs.length < max) runs.push(open);
  return runs;
}

/** How many points are not finite (all of them, not only the first runs). */
export function countNonFinite(values: readonly number[]): number {
  let n = 0;
  for (const v of values) if (!Number.isFinite(v)) n++;
  return n;
}
