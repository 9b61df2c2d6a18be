/**
 * The suite must be able to fail: each mutant below is cpu-f32 with one realistic bug (the kind a
 * hand-written kernel gets wrong), and the cases that cover it must reject it while the rest pass.
 */
import { describe, expect, it } from 'vitest';
import type { AdamOptions, PreviousLayer, Tensor } from '../backends/backend.js';
import { Cpu32Backend } from '../backends/cpu32/cpu32-backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import type { Activation } from '../model/spec.js';
import { conformanceCases } from './conformance.js';

/** Rounds to bfloat16-like precision (8 significant bits): what a half-precision shortcut would give. */
const lowPrecision = (x: number): number => {
  if (x === 0 || !Number.isFinite(x)) return x;
  const e = Math.floor(Math.log2(Math.abs(x)));
  const scale = 2 ** (e - 7);
  return Math.round(x / scale) * scale;
};

class TanhDerivativeBug extends Cpu32Backend {
  override backpropagate(G: Tensor, W: Tensor, prev?: PreviousLayer): Tensor {
    if (prev?.activation !== 'tanh') return super.backpropagate(G, W, prev);
    // Bug: uses 1 − a instead of 1 − a².
    const raw = super.backpropagate(G, W);
    const out = this.hostView(raw);
    const a = this.hostView(prev.A);
    for (let k = 0; k < out.length; k++) out[k] = out[k]! * (1 - a[k]!);
    return raw;
  }
}

class HalfPrecisionForward extends Cpu32Backend {
  override denseForward(A: Tensor, W: Tensor, b: Tensor, activation: Activation): { H: Tensor; A: Tensor } {
    const r = super.denseForward(A, W, b, activation);
    const h = this.hostView(r.H);
    for (let k = 0; k < h.length; k++) h[k] = lowPrecision(h[k]!);
    return r;
  }
}

class DropsLastSample extends Cpu32Backend {
  override weightGradients(A: Tensor, G: Tensor): { dW: Tensor; db: Tensor } {
    if (A.rows < 2) return super.weightGradients(A, G);
    // Bug: an off-by-one in the sample loop, as a blocked kernel's remainder loop might have.
    const g = this.hostView(G).slice();
    const view = this.hostView(G);
    view.fill(0, (G.rows - 1) * G.cols);
    const r = super.weightGradients(A, G);
    this.hostView(G).set(g);
    return r;
  }
}

class AdamWithoutBiasCorrection extends Cpu32Backend {
  override adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, opts: AdamOptions): void {
    super.adamStep(param, grad, m, v, { ...opts, step: 1e9 });
  }
}

async function failingCases(be: Cpu32Backend): Promise<string[]> {
  const failed: string[] = [];
  for (const c of conformanceCases(new Cpu64Backend())) {
    try {
      await c.run(be);
    } catch {
      failed.push(c.id);
    }
  }
  return failed;
}

describe('the conformance suite rejects buggy backends', () => {
  it('passes the correct cpu-f32 backend on every case', async () => {
    expect(await failingCases(new Cpu32Backend())).toEqual([]);
  });

  it('catches a wrong tanh derivative in the fused backward product', async () => {
    const failed = await failingCases(new TanhDerivativeBug());
    expect(failed.some((id) => id.startsWith('backpropagate/tanh/'))).toBe(true);
    expect(failed.some((id) => id.startsWith('training/'))).toBe(true);
    expect(failed.every((id) => id.startsWith('backpropagate/tanh/') || id.startsWith('training/'))).toBe(true);
  });

  it('catches a forward product computed with 8-bit mantissas', async () => {
    const failed = await failingCases(new HalfPrecisionForward());
    expect(failed.filter((id) => id.startsWith('denseForward/')).length).toBeGreaterThan(20);
  });

  it('catches a gradient kernel that skips the last sample', async () => {
    const failed = await failingCases(new DropsLastSample());
    expect(failed.filter((id) => id.startsWith('weightGradients/')).length).toBeGreaterThan(5);
  });

  it('catches Adam without bias correction', async () => {
    const failed = await failingCases(new AdamWithoutBiasCorrection());
    expect(failed).toContain('adamStep/step1/17x33');
    expect(failed).toContain('adamStep/step2+decay/17x33');
  });
});
