/**
 * Attach mode, a PyTorch model that is not a Sequential of Linear + activations: the per-module
 * statistics of the latest step (for the table) and a rolling history of each module's gradient
 * norm (for the flow strip: modules down, steps across, log10 of ‖∂L/∂θ‖). A non-finite norm stays
 * NaN/±Infinity in the history, so the heatmap marks it instead of hiding it; a module without
 * parameters (gradNorm null) has no row.
 */
import type { ModuleFrame } from '../../../engine/protocol/index.js';
import type { MatrixView } from './matrix.js';

export const MAX_MODULE_STEPS = 400;
const TINY = 1e-30;

export class ModuleHistory {
  latest: readonly ModuleFrame[] = [];
  latestStep = 0;
  /** Names of the modules with parameters, in the model's order (the strip's rows). */
  names: string[] = [];
  readonly steps: number[] = [];
  /** One array per step: gradNorm of each of `names`. */
  readonly gradNorms: Float64Array[] = [];

  push(step: number, modules: readonly ModuleFrame[]): void {
    if (this.steps.length && step <= this.steps[this.steps.length - 1]!) return; // a replay
    this.latest = modules;
    this.latestStep = step;
    const withGrad = modules.filter((m) => m.gradNorm !== null).map((m) => m.name);
    if (withGrad.join('\n') !== this.names.join('\n')) {
      // Another model (or the client changed what it reports): start the strip over.
      this.names = withGrad;
      this.steps.length = 0;
      this.gradNorms.length = 0;
    }
    const byName = new Map(modules.map((m) => [m.name, m.gradNorm]));
    this.steps.push(step);
    this.gradNorms.push(Float64Array.from(this.names, (n) => byName.get(n) ?? NaN));
    if (this.steps.length > MAX_MODULE_STEPS) {
      this.steps.shift();
      this.gradNorms.shift();
    }
  }

  clear(): void {
    this.latest = [];
    this.latestStep = 0;
    this.names = [];
    this.steps.length = 0;
    this.gradNorms.length = 0;
  }

  /** log10 ‖∂L/∂θ‖ as a matrix (rows: modules, columns: steps); NaN/Inf stay non-finite. */
  flowMatrix(): MatrixView | null {
    const T = this.steps.length;
    const M = this.names.length;
    if (T === 0 || M === 0) return null;
    const data = new Float32Array(M * T);
    for (let t = 0; t < T; t++) {
      const s = this.gradNorms[t]!;
      for (let i = 0; i < M; i++) {
        const v = s[i]!;
        data[i * T + t] = Number.isFinite(v) ? Math.log10(Math.max(v, TINY)) : v;
      }
    }
    return { rows: M, cols: T, data };
  }
}

/** Whether a module's statistics show NaN/Inf anywhere (its row is highlighted). */
export function moduleHasNonFinite(m: ModuleFrame): boolean {
  return (
    m.outNonFinite > 0 ||
    m.gradNonFinite > 0 ||
    !Number.isFinite(m.outNorm) ||
    (m.gradNorm !== null && !Number.isFinite(m.gradNorm)) ||
    (m.weightNorm !== null && !Number.isFinite(m.weightNorm))
  );
}
