/**
 * Forward-only evaluation with a session's live parameters: loss and output on any batch, the
 * network's output for inputs, the validation loss. Nothing is kept: every tensor made is released.
 */
import type { Tensor } from '../backends/backend.js';
import { type FloatArray, type Matrix, toFloat64 } from '../core/matrix.js';
import { validateBatch } from './forward-backward.js';
import type { Network } from './step-state.js';
import { checkProbabilityTargets } from './validate.js';

/** Forward + loss on tensors already on the backend; releases what it made. */
export async function lossOnTensors(
  net: Network,
  X: Tensor,
  Y: Tensor,
  withOutput: boolean,
): Promise<{ loss: number; output: Matrix }> {
  const spec = net.spec;
  const made: Tensor[] = [];
  try {
    let h = X;
    let a = X;
    spec.layers.forEach((layer, i) => {
      const out = net.backend.denseForward(a, net.W[i]!, net.b[i]!, layer.activation);
      made.push(out.H, out.A);
      h = out.H;
      a = out.A;
    });
    const lg = net.backend.lossAndGradient(h, a, Y, spec.layers[spec.layers.length - 1]!.activation, spec.loss);
    made.push(lg.loss, lg.G);
    const [lossM, output] = await Promise.all([
      net.backend.read(lg.loss),
      withOutput ? net.backend.read(a).then(toFloat64) : null,
    ]);
    return { loss: lossM.data[0]!, output: output ?? { rows: 0, cols: 0, data: new Float64Array(0) } };
  } finally {
    for (const t of made) net.backend.release(t);
  }
}

/** Loss and output on a host batch (shapes and cross-entropy targets checked first). */
export async function evaluateBatch(
  net: Network,
  X: Matrix<FloatArray>,
  Y: Matrix<FloatArray>,
): Promise<{ loss: number; output: Matrix }> {
  validateBatch(net.spec, X, Y);
  if (net.spec.loss === 'cross-entropy') checkProbabilityTargets(Y, 'Y');
  const x = net.backend.upload(X, 'X.evaluate');
  const y = net.backend.upload(Y, 'Y.evaluate');
  try {
    return await lossOnTensors(net, x, y, true);
  } finally {
    net.backend.release(x);
    net.backend.release(y);
  }
}

/** The network's output F for inputs X. */
export async function predictBatch(net: Network, X: Matrix<FloatArray>): Promise<Matrix> {
  if (X.cols !== net.spec.inputSize) {
    throw new RangeError(`X: has ${X.cols} column(s) but the model's inputSize is ${net.spec.inputSize}`);
  }
  const x = net.backend.upload(X, 'X.predict');
  const made: Tensor[] = [x];
  try {
    let a = x;
    net.spec.layers.forEach((layer, i) => {
      const out = net.backend.denseForward(a, net.W[i]!, net.b[i]!, layer.activation);
      made.push(out.H, out.A);
      a = out.A;
    });
    return toFloat64(await net.backend.read(a));
  } finally {
    for (const t of made) net.backend.release(t);
  }
}
