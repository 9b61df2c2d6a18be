/**
 * How a heatmap picks the ±limit its colours span. "frame" rescales to each new matrix (shows
 * structure, hides growth); "window" keeps the largest |value| of the last N frames (shows
 * growth and decay over time); "fixed" uses a user limit (to compare views side by side).
 */
export type ScaleMode = 'frame' | 'window' | 'fixed' | 'log';

/**
 * The shared log-magnitude scale ("log"): every heatmap maps |x| from 10^LOG_FLOOR to 10^LOG_TOP
 * onto the same colours (sign kept), so a 1e-8 gradient is pale next to a weight of 1 instead of
 * being stretched to full colour by its own per-frame limit.
 */
export const LOG_FLOOR = -8;
export const LOG_TOP = 2;

/** sign(x)·(log10|x| − floor)/(top − floor), clamped to [−1, 1]; 0 below 10^floor; NaN/±Inf kept. */
export function logMagnitude(data: ArrayLike<number>, floor = LOG_FLOOR, top = LOG_TOP): Float32Array {
  const out = new Float32Array(data.length);
  const span = top - floor;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v)) {
      out[k] = v;
      continue;
    }
    const a = Math.abs(v);
    const t = a <= 0 ? 0 : Math.min(1, Math.max(0, (Math.log10(a) - floor) / span));
    out[k] = v < 0 ? -t : t;
  }
  return out;
}

/** Largest finite |x| in data (0 for an empty or all-non-finite array). */
export function maxAbsFinite(data: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < data.length; k++) {
    const a = Math.abs(data[k]!);
    if (a > m && a !== Infinity) m = a;
  }
  return m;
}

/** Tracks the scale limit of one heatmap across frames. */
export class ScaleTracker {
  private readonly recent: number[] = [];

  constructor(
    public mode: ScaleMode = 'frame',
    public windowSize = 50,
    public fixedLimit = 1,
  ) {}

  /** Feed one frame's max |x|; returns the limit to paint it with (never 0, so colours stay defined). */
  next(frameMax: number): number {
    this.recent.push(frameMax);
    while (this.recent.length > Math.max(1, this.windowSize)) this.recent.shift();
    return this.current(frameMax);
  }

  current(frameMax: number): number {
    let limit: number;
    if (this.mode === 'log') limit = 1; // values arrive mapped by logMagnitude
    else if (this.mode === 'fixed') limit = this.fixedLimit;
    else if (this.mode === 'window') limit = Math.max(frameMax, ...this.recent);
    else limit = frameMax;
    return limit > 0 && Number.isFinite(limit) ? limit : 1e-12;
  }

  reset(): void {
    this.recent.length = 0;
  }
}
