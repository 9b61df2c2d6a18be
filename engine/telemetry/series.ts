/**
 * Thinning long series (loss curves) for charts and frames without hiding what a debugger is for:
 * each bucket keeps its smallest and largest value and its first non-finite one (NaN, ±Infinity),
 * so a single spike, dip or NaN survives at any zoom level. Every-k-th thinning would drop them.
 * The engine's frames and the dashboard's loss chart thin with the same rule, from here.
 */

/** The half-open index range [start, end) of bucket `k` of `buckets` over n points (each non-empty when buckets ≤ n). */
function bucketRange(k: number, n: number, buckets: number): [number, number] {
  return [Math.ceil((k * n) / buckets), Math.ceil(((k + 1) * n) / buckets)];
}

/** A channel: the value of point i, or null where the point has none (e.g. no validation loss). */
export type SeriesChannel = (i: number) => number | null;

/**
 * Indices (increasing) of the points to keep out of n so that at most maxPoints remain: per bucket
 * and channel the minimum, the maximum and the first non-finite value (a non-finite value takes
 * the minimum's place: a loss curve's spikes matter more than its dips). `keepLast` always keeps
 * the newest point (a frame must end at the current step).
 */
export function keptIndices(
  n: number,
  maxPoints: number,
  channels: readonly SeriesChannel[],
  keepLast = false,
): number[] {
  if (!(Number.isInteger(maxPoints) && maxPoints >= 1))
    throw new RangeError(`thin: maxPoints must be a positive integer, got ${maxPoints}`);
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const perBucket = 2 * Math.max(1, channels.length);
  const buckets = Math.max(1, Math.floor((maxPoints - (keepLast ? 1 : 0)) / perBucket));
  const kept = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const [start, end] = bucketRange(b, n, buckets);
    for (const value of channels) {
      let lo = -1;
      let hi = -1;
      let odd = -1;
      let loV = Infinity;
      let hiV = -Infinity;
      for (let i = start; i < end; i++) {
        const v = value(i);
        if (v === null) continue;
        if (!Number.isFinite(v)) {
          if (odd < 0) odd = i;
          continue;
        }
        if (lo < 0 || v < loV) [lo, loV] = [i, v];
        if (hi < 0 || v > hiV) [hi, hiV] = [i, v];
      }
      for (const i of odd >= 0 ? [odd, hi] : [lo, hi]) if (i >= 0) kept.add(i);
    }
  }
  if (keepLast) kept.add(n - 1);
  return [...kept].sort((a, c) => a - c);
}

/** At most maxPoints of `points`, keeping every channel's extremes and non-finite values, and the newest point. */
export function thinSeries<T>(points: readonly T[], maxPoints: number, ...channels: ((p: T) => number | null)[]): T[] {
  const idx = keptIndices(
    points.length,
    maxPoints,
    channels.map((c) => (i: number) => c(points[i]!)),
    true,
  );
  return idx.map((i) => points[i]!);
}

export interface DecimatedSeries {
  /** Source indices of the kept points, increasing. */
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** A numeric series reduced to at most maxPoints points (see keptIndices), as index and value arrays. */
export function decimateSeries(values: ArrayLike<number>, maxPoints: number): DecimatedSeries {
  const xs = keptIndices(values.length, maxPoints, [(i) => values[i]!]);
  return { x: Float64Array.from(xs), y: Float64Array.from(xs, (i) => values[i]!) };
}
