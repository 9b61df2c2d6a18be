/**
 * The op list of one training step and the LaTeX equation each op applies, in FORMATS.md's notation
 * (A_0 = X, H_i = A_i W_i + 1 b_i, A_{i+1} = act_i(H_i), F = A_L, G_i = ∂L/∂H_i).
 */
import type { Activation, ModelSpec } from '../model/spec.js';
import type { OpRef, OptimizerConfig } from './types.js';

function actLatex(act: Activation, arg: string): string {
  switch (act) {
    case 'identity':
      return arg;
    case 'tanh':
      return `\\tanh(${arg})`;
    case 'sigmoid':
      return `\\sigma(${arg})`;
    case 'relu':
      return `\\max(0,\\, ${arg})`;
    case 'softmax':
      return `\\operatorname{softmax}(${arg})`;
  }
}

/** act'(H_{i}) written with what the forward pass stored (A_{i+1} = act(H_i)). */
function derivLatex(act: Exclude<Activation, 'softmax'>, i: number): string | null {
  switch (act) {
    case 'identity':
      return null;
    case 'tanh':
      return `(1 - A_{${i + 1}} \\odot A_{${i + 1}})`;
    case 'sigmoid':
      return `A_{${i + 1}} \\odot (1 - A_{${i + 1}})`;
    case 'relu':
      return `\\mathbb{1}[H_{${i}} > 0]`;
  }
}

export function forwardEquation(spec: ModelSpec, i: number): string {
  const act = spec.layers[i]!.activation;
  const out = i === spec.layers.length - 1 ? `F = A_{${i + 1}}` : `A_{${i + 1}}`;
  return `H_{${i}} = A_{${i}} W_{${i}} + \\mathbf{1} b_{${i}}, \\quad ${out} = ${actLatex(act, `H_{${i}}`)}`;
}

export function lossEquation(spec: ModelSpec): string {
  const last = spec.layers.length - 1;
  const act = spec.layers[last]!.activation;
  const G = `G_{${last}}`;
  if (spec.loss === 'cross-entropy') {
    return `L = -\\frac{1}{n} \\sum Y \\odot \\log \\operatorname{softmax}(H_{${last}}), \\quad ${G} = \\frac{1}{n}\\left(F - Y\\right)`;
  }
  const value =
    spec.loss === 'sse' ? `L = \\tfrac{1}{2} \\sum (F - Y)^2` : `L = \\frac{1}{n\\,p_{${last + 1}}} \\sum (F - Y)^2`;
  const dF = spec.loss === 'sse' ? `(F - Y)` : `\\frac{2}{n\\,p_{${last + 1}}}(F - Y)`;
  const d = act === 'softmax' ? null : derivLatex(act, last);
  return `${value}, \\quad ${G} = ${d ? `${d} \\odot ${dF}` : dF}`;
}

export function backwardEquation(spec: ModelSpec, i: number): string {
  const grads = `\\frac{\\partial L}{\\partial W_{${i}}} = A_{${i}}^\\top G_{${i}}, \\quad \\frac{\\partial L}{\\partial b_{${i}}} = \\mathbf{1}^\\top G_{${i}}`;
  if (i === 0) return grads;
  const prev = spec.layers[i - 1]!.activation;
  const d = prev === 'softmax' ? null : derivLatex(prev, i - 1);
  const back = `G_{${i}} W_{${i}}^\\top`;
  return `${grads}, \\quad G_{${i - 1}} = ${d ? `${d} \\odot (${back})` : back}`;
}

export function updateEquation(opt: OptimizerConfig): string {
  const g =
    opt.weightDecay > 0
      ? `g = \\frac{\\partial L}{\\partial W_i} + \\lambda W_i`
      : `g = \\frac{\\partial L}{\\partial W_i}`;
  if (opt.kind === 'sgd') {
    if (opt.momentum > 0)
      return `${g}, \\quad V_i \\leftarrow \\mu V_i + g, \\quad W_i \\leftarrow W_i - \\eta V_i \\quad (\\text{same for } b_i \\text{ without } \\lambda)`;
    return `${g}, \\quad W_i \\leftarrow W_i - \\eta\\, g \\quad (\\text{same for } b_i \\text{ without } \\lambda)`;
  }
  return (
    `${g}, \\quad m_i \\leftarrow \\beta_1 m_i + (1 - \\beta_1) g, \\quad v_i \\leftarrow \\beta_2 v_i + (1 - \\beta_2) g^2, \\quad ` +
    `W_i \\leftarrow W_i - \\eta \\frac{m_i / (1 - \\beta_1^t)}{\\sqrt{v_i / (1 - \\beta_2^t)} + \\epsilon} \\quad (\\text{same for } b_i \\text{ without } \\lambda)`
  );
}

/** The ops of one step, in order: forward 0…L-1, loss, backward L-1…0, update. */
export function stepOps(spec: ModelSpec, opt: OptimizerConfig): OpRef[] {
  const L = spec.layers.length;
  const ops: OpRef[] = [];
  for (let i = 0; i < L; i++)
    ops.push({
      kind: 'forward',
      layer: i,
      index: ops.length,
      label: `forward layer ${i}`,
      equation: forwardEquation(spec, i),
    });
  ops.push({ kind: 'loss', layer: null, index: ops.length, label: 'loss', equation: lossEquation(spec) });
  for (let i = L - 1; i >= 0; i--)
    ops.push({
      kind: 'backward',
      layer: i,
      index: ops.length,
      label: `backward layer ${i}`,
      equation: backwardEquation(spec, i),
    });
  ops.push({
    kind: 'update',
    layer: null,
    index: ops.length,
    label: `update (${opt.kind})`,
    equation: updateEquation(opt),
  });
  return ops;
}
