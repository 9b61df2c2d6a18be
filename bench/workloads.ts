/**
 * The benchmark workloads of issue 4: one training step = forward + backward + SGD update, f32,
 * tanh hidden layers, identity output, sse loss. FLOPs count the multiply-adds of the three
 * matrix products per layer (∂L/∂X of the first layer is not needed for training and not done).
 */
export interface Workload {
  /** S, M, L, or a custom 'p0-p1-…@batch' (same step: tanh hidden, identity output, sse). */
  readonly name: string;
  readonly widths: readonly number[];
  readonly batch: number;
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'S', widths: [2, 8, 8, 2], batch: 64 },
  { name: 'M', widths: [784, 256, 128, 10], batch: 128 },
  { name: 'L', widths: [1024, 1024, 1024, 1024], batch: 256 },
];

/** Floating-point operations of one step: 2·n·p·q for forward, ∂W and (except layer 0) G·Wᵀ. */
export function flopsPerStep(widths: readonly number[], batch: number): number {
  let f = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    const pq = widths[i]! * widths[i + 1]!;
    f += 2 * batch * pq * (i === 0 ? 2 : 3);
  }
  return f;
}

/** S, M, L by name, or a custom 'p0-p1-…-pL@batch' (e.g. 256-256-256-256@128 for crossover sweeps). */
export function parseWorkload(text: string): Workload {
  const named = WORKLOADS.find((w) => w.name === text.trim().toUpperCase());
  if (named) return named;
  const m = /^(\d+(?:-\d+)+)@(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--workloads: "${text}" is neither S, M, L nor p0-p1-…@batch (e.g. 64-64-64@128)`);
  const widths = m[1]!.split('-').map(Number);
  const batch = Number(m[2]);
  if (widths.some((x) => x < 1) || batch < 1) throw new Error(`--workloads: "${text}" needs positive widths and batch`);
  return { name: text.trim(), widths, batch };
}
