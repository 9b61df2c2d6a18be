/**
 * The chain of equations of one forward and backward pass (FORMATS.md), in dependency order,
 * each with: what it depends on, its value on any inputs (the user's own upstream arrays), the
 * float32 rounding bound of that one evaluation, and the known wrong versions people write.
 */
import type { Matrix } from '../core/matrix.js';
import type { Activation, ModelSpec } from '../model/spec.js';
import { ACT_ULPS, U32, dotBound } from '../testing/tolerances.js';
import {
  ELEMENTWISE,
  type Elementwise,
  absMatrix,
  activation,
  backpropagate,
  dense,
  derivative,
  lossAndGradient,
  lossGradientOnly,
  map,
  maxAbs,
  weightGradients,
  zip,
} from './ops.js';
import { transpose } from './layout.js';
import type { DiagnosisCode, QuantityId } from './types.js';

/** Looks up the value of an upstream name: theirs where given, else the equation on theirs, else ours (W, b, X, Y). */
export type Values = (name: string) => Matrix;

export interface Hypothesis {
  readonly code: DiagnosisCode;
  readonly value: Matrix;
  readonly theirEquation: string;
  readonly explanation: string;
}

export interface ChainNode extends QuantityId {
  readonly name: string;
  readonly equation: string;
  readonly deps: readonly string[];
  evaluate(v: Values): Matrix;
  /** How far a float32 evaluation of this equation on these inputs may be from the float64 one. */
  bound(v: Values): number;
  hypotheses(v: Values): Hypothesis[];
}

/** Margin over the probabilistic float32 bounds of engine/testing/tolerances.ts. */
const SAFETY = 8;

const sub = (i: number): string => String(i);
const actName = (a: Activation): string => a;

export function buildChain(spec: ModelSpec): ChainNode[] {
  const L = spec.layers.length;
  const nodes: ChainNode[] = [];
  const act = (i: number): Activation => spec.layers[i]!.activation;
  const aName = (i: number): string => (i === 0 ? 'X' : i === L ? 'output' : `A${i}`);

  // Forward: H_i then A_{i+1} (the last A is the output).
  for (let i = 0; i < L; i++) {
    nodes.push(forwardH(i, aName(i), act, spec));
    nodes.push(forwardA(i, aName(i + 1), act(i), L));
  }
  nodes.push(lossNode(spec));
  nodes.push(outputGradient(spec));
  for (let i = L - 1; i >= 0; i--) {
    nodes.push(dWNode(i, aName(i), i > 0 ? act(i - 1) : 'identity'));
    nodes.push(dbNode(i));
    if (i > 0) nodes.push(backNode(i, aName(i), act(i - 1) as Elementwise, L));
  }
  nodes.push(dXNode(L));
  return nodes;
}

function forwardH(i: number, input: string, act: (i: number) => Activation, spec: ModelSpec): ChainNode {
  const W = `W${i}`;
  const b = `b${i}`;
  const inputEq = i === 0 ? 'X' : `A_${sub(i)}`;
  return {
    name: `H${i}`,
    layer: i,
    quantity: 'H',
    equation: `H_${i} = ${inputEq} W_${i} + 1 b_${i}`,
    deps: [input, W, b],
    evaluate: (v) => dense(v(input), v(W), v(b), 'identity').H,
    bound: (v) => SAFETY * dotBound(v(W).rows, maxAbs(dense(absMatrix(v(input)), absMatrix(v(W)), absMatrix(v(b)), 'identity').H)),
    hypotheses: (v) => {
      const out: Hypothesis[] = [];
      const A = v(input);
      const Wi = v(W);
      if (i > 0) {
        const prev = act(i - 1);
        const H = v(`H${i - 1}`);
        out.push({
          code: 'forward-activation',
          value: dense(activation(A, prev), Wi, v(b), 'identity').H,
          theirEquation: `H_${i} = ${prev}(A_${i}) W_${i} + 1 b_${i}`,
          explanation: `the activation was applied twice: layer ${i} got ${prev}(${prev}(H_${i - 1})) as its input`,
        });
        for (const k of ELEMENTWISE) {
          if (k === prev || prev === 'softmax') continue;
          out.push({
            code: 'forward-activation',
            value: dense(activation(H, k), Wi, v(b), 'identity').H,
            theirEquation: `H_${i} = ${k}(H_${i - 1}) W_${i} + 1 b_${i}`,
            explanation: `layer ${i - 1} used ${k} instead of ${prev} for the input of layer ${i}`,
          });
        }
      }
      if (Wi.rows === Wi.cols) {
        out.push({
          code: 'transposed',
          value: dense(A, transpose(Wi), v(b), 'identity').H,
          theirEquation: `H_${i} = ${inputEq} W_${i}ᵀ + 1 b_${i}`,
          explanation: `W_${i} was used transposed (out × in where the product needs in × out)`,
        });
      }
      for (let j = 0; j < spec.layers.length; j++) {
        if (j === i) continue;
        const Wj = v(`W${j}`);
        if (Wj.rows === Wi.rows && Wj.cols === Wi.cols) {
          out.push({
            code: 'wrong-weights',
            value: dense(A, Wj, v(b), 'identity').H,
            theirEquation: `H_${i} = ${inputEq} W_${j} + 1 b_${i}`,
            explanation: `layer ${i} used the weights of layer ${j}`,
          });
        }
      }
      return out;
    },
  };
}

function forwardA(i: number, name: string, kind: Activation, L: number): ChainNode {
  const H = `H${i}`;
  const isOutput = i === L - 1;
  const lhs = isOutput ? 'F' : `A_${i + 1}`;
  return {
    name,
    layer: isOutput ? i : i + 1,
    quantity: isOutput ? 'output' : 'A',
    equation: `${lhs} = ${actName(kind)}(H_${i})`,
    deps: [H],
    evaluate: (v) => activation(v(H), kind),
    bound: (v) => SAFETY * (ACT_ULPS * U32 * Math.max(1, maxAbs(activation(v(H), kind))) + U32 * maxAbs(v(H))),
    hypotheses: (v) => {
      const h = v(H);
      const out: Hypothesis[] = [];
      if (kind !== 'identity') {
        out.push({
          code: 'forward-activation',
          value: activation(activation(h, kind), kind),
          theirEquation: `${lhs} = ${kind}(${kind}(H_${i}))`,
          explanation: `the activation was applied twice: ${kind}(${kind}(H_${i}))`,
        });
      }
      for (const k of [...ELEMENTWISE, 'softmax' as const]) {
        if (k === kind || (k === 'softmax' && !isOutput)) continue;
        out.push({
          code: 'forward-activation',
          value: activation(h, k),
          theirEquation: `${lhs} = ${k}(H_${i})`,
          explanation: `layer ${i} applied ${k} where the model says ${kind}`,
        });
      }
      return out;
    },
  };
}

function lossNode(spec: ModelSpec): ChainNode {
  const L = spec.layers.length;
  const kind = spec.layers[L - 1]!.activation;
  const eq = {
    sse: 'L = ½ ΣΣ (F − Y)²',
    mse: 'L = (1/(n·p)) ΣΣ (F − Y)²',
    'cross-entropy': 'L = −(1/n) ΣΣ Y ⊙ log softmax(H)',
  }[spec.loss];
  return {
    name: 'loss',
    layer: L - 1,
    quantity: 'loss',
    equation: eq,
    deps: [`H${L - 1}`, 'output', 'Y'],
    evaluate: (v) => lossAndGradient(v(`H${L - 1}`), v('output'), v('Y'), kind, spec.loss).loss,
    bound: (v) => {
      const F = v('output');
      const Y = v('Y');
      const k = F.data.length;
      if (spec.loss === 'cross-entropy') {
        const H = v(`H${L - 1}`);
        let s = 0;
        for (let e = 0; e < k; e++) s += Math.abs(Y.data[e]!) * (Math.abs(H.data[e]!) + maxAbs(H) + 1);
        return SAFETY * (dotBound(k, s / F.rows) + 2 * ACT_ULPS * U32 * s / F.rows);
      }
      const c = spec.loss === 'sse' ? 0.5 : 1 / k;
      let sq = 0;
      let cross = 0;
      for (let e = 0; e < k; e++) {
        const d = F.data[e]! - Y.data[e]!;
        sq += d * d;
        cross += Math.abs(d) * (Math.abs(F.data[e]!) + Math.abs(Y.data[e]!));
      }
      return SAFETY * c * (dotBound(k, sq) + 4 * U32 * cross);
    },
    hypotheses: () => [],
  };
}

function outputGradient(spec: ModelSpec): ChainNode {
  const L = spec.layers.length;
  const i = L - 1;
  const kind = spec.layers[i]!.activation;
  const H = `H${i}`;
  const lossEq = { sse: '(F − Y)', mse: '2(F − Y)/(n·p)', 'cross-entropy': '(F − Y)/n' }[spec.loss];
  const equation = kind === 'identity' || kind === 'softmax' ? `G_${i} = ${lossEq}` : `G_${i} = ${kind}'(H_${i}) ⊙ ${lossEq}`;
  return {
    name: `G${i}`,
    layer: i,
    quantity: 'G',
    equation,
    deps: [H, 'output', 'Y'],
    evaluate: (v) => lossAndGradient(v(H), v('output'), v('Y'), kind, spec.loss).G,
    bound: (v) => {
      const F = v('output');
      const Y = v('Y');
      const n = F.rows;
      const c = spec.loss === 'sse' ? 1 : spec.loss === 'mse' ? 2 / F.data.length : 1 / n;
      let m = 0;
      for (let e = 0; e < F.data.length; e++) m = Math.max(m, Math.abs(F.data[e]!) + Math.abs(Y.data[e]!));
      return SAFETY * 4 * U32 * c * m * Math.max(1, maxAbs(F)) + SAFETY * ACT_ULPS * U32 * c * m;
    },
    hypotheses: (v) => {
      if (spec.loss === 'cross-entropy' || kind === 'identity' || kind === 'softmax') return [];
      const loss = spec.loss;
      const h = v(H);
      const F = v('output');
      const dF = lossGradientOnly(F, v('Y'), loss);
      const out: Hypothesis[] = [
        {
          code: 'missing-derivative',
          value: dF,
          theirEquation: `G_${i} = ${lossEq}`,
          explanation: `the output activation's derivative ${kind}'(H_${i}) is missing`,
        },
        {
          code: 'derivative-at-A',
          value: zip(dF, derivative(kind, F, activation(F, kind)), (a, b) => a * b),
          theirEquation: `G_${i} = ${kind}'(F) ⊙ ${lossEq}`,
          explanation: `${kind}' was evaluated at the output F = ${kind}(H_${i}) instead of at H_${i}`,
        },
      ];
      for (const k of ELEMENTWISE) {
        if (k === kind || k === 'identity') continue;
        for (const [A, how] of [
          [F, `${k}'s derivative written with F`],
          [activation(h, k), `${k}'(H_${i})`],
        ] as const) {
          out.push({
            code: 'wrong-derivative',
            value: zip(dF, derivative(k, h, A), (a, b) => a * b),
            theirEquation: `G_${i} = ${k}'(H_${i}) ⊙ ${lossEq}`,
            explanation: `the derivative of ${k} (${how}) was used for a ${kind} output`,
          });
        }
      }
      return out;
    },
  };
}

function dWNode(i: number, input: string, prevAct: Activation): ChainNode {
  const inputEq = i === 0 ? 'X' : `A_${i}`;
  return {
    name: `dW${i}`,
    layer: i,
    quantity: 'dW',
    equation: `∂L/∂W_${i} = ${inputEq}ᵀ G_${i}`,
    deps: [input, `G${i}`],
    evaluate: (v) => weightGradients(v(input), v(`G${i}`)).dW,
    bound: (v) => SAFETY * dotBound(v(input).rows, maxAbs(weightGradients(absMatrix(v(input)), absMatrix(v(`G${i}`))).dW)),
    hypotheses: (v) =>
      i === 0
        ? []
        : [
            {
              code: 'dW-uses-H',
              value: weightGradients(v(`H${i - 1}`), v(`G${i}`)).dW,
              theirEquation: `∂L/∂W_${i} = H_${i - 1}ᵀ G_${i}`,
              explanation: `∂L/∂W_${i} used the previous layer's pre-activation H_${i - 1} instead of its activation A_${i} = ${prevAct}(H_${i - 1})`,
            },
          ],
  };
}

function dbNode(i: number): ChainNode {
  return {
    name: `db${i}`,
    layer: i,
    quantity: 'db',
    equation: `∂L/∂b_${i} = 1ᵀ G_${i}`,
    deps: [`G${i}`],
    evaluate: (v) => weightGradients(v(`G${i}`), v(`G${i}`)).db,
    bound: (v) => SAFETY * dotBound(v(`G${i}`).rows, maxAbs(weightGradients(absMatrix(v(`G${i}`)), absMatrix(v(`G${i}`))).db)),
    hypotheses: (v) => {
      const G = v(`G${i}`);
      const ones = { rows: 1, cols: G.cols, data: new Float64Array(G.cols).fill(1) };
      const perSample = backpropagate(G, ones); // G 1: n × 1
      return [
        {
          code: 'db-axis',
          value: { rows: 1, cols: perSample.rows, data: perSample.data },
          theirEquation: `∂L/∂b_${i} = G_${i} 1 (one sum per sample)`,
          explanation: `∂L/∂b_${i} was summed over the units of each sample (the wrong axis) instead of over the samples`,
        },
      ];
    },
  };
}

/** G_{i−1} = act'(H_{i−1}) ⊙ (G_i W_iᵀ), and the ways it goes wrong. */
function backNode(i: number, input: string, kind: Elementwise, L: number): ChainNode {
  const j = i - 1;
  const H = `H${j}`;
  const G = `G${i}`;
  const W = `W${i}`;
  const prev = (v: Values): { H: Matrix; A: Matrix; activation: Elementwise } => ({ H: v(H), A: v(input), activation: kind });
  const times = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x * y);
  return {
    name: `G${j}`,
    layer: j,
    quantity: 'G',
    equation: `G_${j} = ${kind}'(H_${j}) ⊙ (G_${i} W_${i}ᵀ)`,
    deps: [G, W, H, input],
    evaluate: (v) => backpropagate(v(G), v(W), prev(v)),
    bound: (v) => {
      const mag = backpropagate(absMatrix(v(G)), absMatrix(v(W)));
      const plain = backpropagate(v(G), v(W));
      return SAFETY * (dotBound(v(W).cols, maxAbs(mag)) + 4 * U32 * maxAbs(plain));
    },
    hypotheses: (v) => {
      const dA = backpropagate(v(G), v(W));
      const h = v(H);
      const a = v(input);
      const d = derivative(kind, h, a);
      const out: Hypothesis[] = [];
      if (kind !== 'identity') {
        out.push({
          code: 'missing-derivative',
          value: dA,
          theirEquation: `G_${j} = G_${i} W_${i}ᵀ`,
          explanation: `G_${j} = G_${i} W_${i}ᵀ with no ⊙ ${kind}'(H_${j}): the activation's derivative is missing`,
        });
        out.push({
          code: 'derivative-at-A',
          value: times(dA, derivative(kind, a, activation(a, kind))),
          theirEquation: `G_${j} = ${kind}'(A_${i}) ⊙ (G_${i} W_${i}ᵀ)`,
          explanation: `${kind}' was evaluated at the activation A_${i} instead of the pre-activation H_${j} (e.g. 1 − tanh(A)² instead of 1 − tanh(H)² = 1 − A²)`,
        });
      }
      for (const k of ELEMENTWISE) {
        if (k === kind || k === 'identity') continue;
        for (const [A, how] of [
          [a, `written with A_${i}`],
          [activation(h, k), `of H_${j}`],
        ] as const) {
          out.push({
            code: 'wrong-derivative',
            value: times(dA, derivative(k, h, A)),
            theirEquation: `G_${j} = ${k}'(H_${j}) ⊙ (G_${i} W_${i}ᵀ)`,
            explanation: `the derivative of ${k} (${how}) was used for a ${kind} layer`,
          });
        }
      }
      if (kind === 'relu' && h.data.some((x) => x === 0)) {
        const zeros = h.data.filter((x) => x === 0).length;
        out.push({
          code: 'relu-at-zero',
          value: times(dA, map(h, (x) => (x >= 0 ? 1 : 0))),
          theirEquation: `G_${j} = [H_${j} ≥ 0] ⊙ (G_${i} W_${i}ᵀ)`,
          explanation: `relu'(0) was taken as 1 (H ≥ 0) where it is 0 (H > 0, as in PyTorch): ${zeros} element(s) of H_${j} are exactly 0`,
        });
      }
      out.push(...wrongWeights(v, i, L, (W2, label) => ({
        value: times(backpropagate(v(G), W2), d),
        theirEquation: `G_${j} = ${kind}'(H_${j}) ⊙ (G_${i} ${label})`,
      })));
      return out;
    },
  };
}

function dXNode(L: number): ChainNode {
  return {
    name: 'dX',
    layer: 0,
    quantity: 'dX',
    equation: '∂L/∂X = G_0 W_0ᵀ',
    deps: ['G0', 'W0'],
    evaluate: (v) => backpropagate(v('G0'), v('W0')),
    bound: (v) => SAFETY * dotBound(v('W0').cols, maxAbs(backpropagate(absMatrix(v('G0')), absMatrix(v('W0'))))),
    hypotheses: (v) =>
      wrongWeights(v, 0, L, (W2, label) => ({ value: backpropagate(v('G0'), W2), theirEquation: `∂L/∂X = G_0 ${label}` })),
  };
}

/** The backward product G_i W_iᵀ with W_i not transposed, or another layer's W (either way round), where shapes allow. */
function wrongWeights(
  v: Values,
  i: number,
  L: number,
  make: (W: Matrix, label: string) => { value: Matrix; theirEquation: string },
): Hypothesis[] {
  const Wi = v(`W${i}`);
  const out: Hypothesis[] = [];
  const push = (W: Matrix, label: string, explanation: string): void => {
    if (W.rows === Wi.rows && W.cols === Wi.cols) out.push({ code: 'wrong-weights', explanation, ...make(W, label) });
  };
  push(transpose(Wi), `W_${i}`, `W_${i} was used where the backward pass needs W_${i}ᵀ`);
  for (let j = 0; j < L; j++) {
    if (j === i) continue;
    const Wj = v(`W${j}`);
    push(Wj, `W_${j}ᵀ`, `the weights of layer ${j} were used instead of layer ${i}'s`);
    push(transpose(Wj), `W_${j}`, `the weights of layer ${j} (not transposed) were used instead of W_${i}ᵀ`);
  }
  return out;
}
