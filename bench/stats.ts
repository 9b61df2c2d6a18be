/** Timing statistics for the benchmark: medians are robust to the odd GC pause or shared-core hiccup. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0…1) of xs, linearly interpolated between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Median of `iters` timed calls after `warmup` untimed ones, in ms. */
export async function timeSteps(step: () => Promise<void>, warmup: number, iters: number, budgetMs = Infinity): Promise<{ median: number; samples: number[] }> {
  for (let i = 0; i < warmup; i++) await step();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    await step();
    samples.push(performance.now() - t0);
    // Very slow peers (SwiftShader L) stop early rather than eat the run: 3 samples, or 1 when a
    // single step alone is over the budget.
    const spent = performance.now() - start;
    if (spent > budgetMs && (samples.length >= 3 || samples[0]! > budgetMs)) break;
  }
  return { median: median(samples), samples };
}
