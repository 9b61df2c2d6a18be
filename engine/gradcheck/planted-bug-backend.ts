/**
 * A deliberately wrong backend, for demonstrating and testing the gradient check: it computes
 * ∂L/∂W_i from the PRE-activation that produced the layer's input (H_{i-1}ᵀ G_i) instead of the
 * input itself (A_iᵀ G_i, A_i = act(H_{i-1})), the classic hand-written-backprop slip of using the
 * wrong cached matrix. Layer 0's input is X, which has no pre-activation, so layer 0 stays correct and
 * every layer i ≥ 1 is wrong: exactly what gradcheck must report.
 */
import type { Tensor } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import type { Activation } from '../model/spec.js';

export class PreActivationBugBackend extends Cpu64Backend {
  /** For each output A tensor of denseForward, the H it was computed from. */
  private readonly preActivationOf = new WeakMap<Tensor, Tensor>();

  override denseForward(A: Tensor, W: Tensor, b: Tensor, activation: Activation): { H: Tensor; A: Tensor } {
    const out = super.denseForward(A, W, b, activation);
    this.preActivationOf.set(out.A, out.H);
    return out;
  }

  override weightGradients(A: Tensor, G: Tensor): { dW: Tensor; db: Tensor } {
    return super.weightGradients(this.preActivationOf.get(A) ?? A, G);
  }
}
