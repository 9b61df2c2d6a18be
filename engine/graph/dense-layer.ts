/**
 * One dense layer written out as a scalar graph, to show that the graph's accumulators are the
 * matrix formulas of FORMATS.md, element by element:
 *
 *   H = A W + 1 b,  F = tanh(H),  L = ½ Σ_ij (F_ij − Y_ij)²
 *   G = ∂L/∂H = (1 − tanh²(H)) ⊙ (F − Y),  ∂L/∂W = Aᵀ G,  ∂L/∂b = 1ᵀ G,  ∂L/∂A = G Wᵀ
 *
 * Each W_kj feeds one product per row of A and each A_ik one product per column of W, so
 * their accumulators collect n (resp. q) contributions: exactly the sums of the matrix products.
 * The matrix side is computed by the float64 reference backend, an independent oracle.
 */
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { matrix, type Matrix } from '../core/matrix.js';
import { backward } from './backward.js';
import { inputValue, type GraphInputs } from './evaluate.js';
import { GraphInputError } from './errors.js';
import { buildGraphFromOps, type Graph, type OpSpec } from './graph.js';

export interface DenseLayerShape {
  /** Samples (rows of A). */
  readonly n: number;
  /** Fan-in (columns of A, rows of W). */
  readonly p: number;
  /** Fan-out (columns of W and b). */
  readonly q: number;
}

/** Variable names use 1-based indices as in written math: A12 is row 1, column 2. */
export const denseName = {
  A: (i: number, k: number): string => `A${i + 1}${k + 1}`,
  W: (k: number, j: number): string => `W${k + 1}${j + 1}`,
  b: (j: number): string => `b${j + 1}`,
  Y: (i: number, j: number): string => `Y${i + 1}${j + 1}`,
  H: (i: number, j: number): string => `H${i + 1}${j + 1}`,
  F: (i: number, j: number): string => `F${i + 1}${j + 1}`,
};

/** The op list of H = AW + b, F = tanh(H), L = ½ Σ (F − Y)², with readable names. */
export function denseLayerOps({ n, p, q }: DenseLayerShape): OpSpec[] {
  for (const [k, v] of Object.entries({ n, p, q })) {
    // Names concatenate indices (A12), which stays unambiguous only for one-digit sizes.
    if (!Number.isInteger(v) || v < 1 || v > 9) throw new GraphInputError(`must be an integer from 1 to 9, got ${v}`, `shape.${k}`);
  }
  const ops: OpSpec[] = [];
  const squares: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < q; j++) {
      // (AW)_ij = Σ_k A_ik W_kj, summed left to right like the reference backend.
      let sum = '';
      for (let k = 0; k < p; k++) {
        const product = `${denseName.A(i, k)}${denseName.W(k, j)}`;
        ops.push({ name: product, op: 'mul', inputs: [denseName.A(i, k), denseName.W(k, j)] });
        if (k === 0) {
          sum = product;
        } else {
          const partial = k === p - 1 ? `AW${i + 1}${j + 1}` : `AW${i + 1}${j + 1}_${k + 1}`;
          ops.push({ name: partial, op: 'add', inputs: [sum, product] });
          sum = partial;
        }
      }
      const H = denseName.H(i, j);
      const F = denseName.F(i, j);
      const R = `R${i + 1}${j + 1}`;
      const Q = `Q${i + 1}${j + 1}`;
      ops.push({ name: H, op: 'add', inputs: [sum, denseName.b(j)] });
      ops.push({ name: F, op: 'tanh', inputs: [H] });
      ops.push({ name: R, op: 'sub', inputs: [F, denseName.Y(i, j)] });
      ops.push({ name: Q, op: 'pow', inputs: [R, 2] });
      squares.push(Q);
    }
  }
  let total = squares[0]!;
  squares.slice(1).forEach((sq, k) => {
    const name = `S${k + 1}`;
    ops.push({ name, op: 'add', inputs: [total, sq] });
    total = name;
  });
  ops.push({ name: 'L', op: 'mul', inputs: [0.5, total] });
  return ops;
}

export function denseLayerVariables({ n, p, q }: DenseLayerShape): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) names.push(denseName.A(i, k));
  for (let k = 0; k < p; k++) for (let j = 0; j < q; j++) names.push(denseName.W(k, j));
  for (let j = 0; j < q; j++) names.push(denseName.b(j));
  for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) names.push(denseName.Y(i, j));
  return names;
}

export function denseLayerGraph(shape: DenseLayerShape = DENSE_EXAMPLE_SHAPE): Graph {
  return buildGraphFromOps(denseLayerOps(shape), { variables: denseLayerVariables(shape), output: 'L' });
}

export const DENSE_EXAMPLE_SHAPE: DenseLayerShape = Object.freeze({ n: 2, p: 2, q: 2 });

/** The 2×2 example: moderate values, so tanh is neither linear nor saturated. */
export const DENSE_EXAMPLE_MATRICES = Object.freeze({
  A: [
    [0.5, -1.0],
    [1.5, 0.25],
  ],
  W: [
    [0.3, -0.2],
    [0.8, 0.5],
  ],
  b: [0.1, -0.3],
  Y: [
    [1, 0],
    [0, 1],
  ],
});

export interface DenseMatrices {
  readonly A: readonly (readonly number[])[];
  readonly W: readonly (readonly number[])[];
  readonly b: readonly number[];
  readonly Y: readonly (readonly number[])[];
}

/** Variable values for the graph from matrices. */
export function denseLayerInputs(m: DenseMatrices = DENSE_EXAMPLE_MATRICES): Record<string, number> {
  const out: Record<string, number> = {};
  m.A.forEach((row, i) => row.forEach((v, k) => (out[denseName.A(i, k)] = v)));
  m.W.forEach((row, k) => row.forEach((v, j) => (out[denseName.W(k, j)] = v)));
  m.b.forEach((v, j) => (out[denseName.b(j)] = v));
  m.Y.forEach((row, i) => row.forEach((v, j) => (out[denseName.Y(i, j)] = v)));
  return out;
}

export type DenseQuantity = 'G' | 'dW' | 'db' | 'dA';

export const DENSE_FORMULAS: Readonly<Record<DenseQuantity, string>> = {
  G: 'G = ∂L/∂H = (1 − tanh²(H)) ⊙ (F − Y)',
  dW: '∂L/∂W = Aᵀ G',
  db: '∂L/∂b = 1ᵀ G',
  dA: '∂L/∂A = G Wᵀ',
};

export interface DenseComparisonRow {
  readonly quantity: DenseQuantity;
  /** 0-based element position. */
  readonly row: number;
  readonly col: number;
  /** The graph node whose accumulator holds this element (H11 for G₁₁, W12 for ∂L/∂W₁₂). */
  readonly node: string;
  readonly accumulator: number;
  readonly matrix: number;
  readonly absDiff: number;
}

export interface DenseComparison {
  readonly shape: DenseLayerShape;
  /** L from the graph's forward pass and from the reference backend. */
  readonly loss: { readonly graph: number; readonly matrix: number };
  readonly rows: readonly DenseComparisonRow[];
  readonly maxAbsDiff: number;
}

/**
 * Runs the scalar graph's backward pass and the reference backend's matrix formulas on the
 * same values, and lines the results up element by element.
 */
export async function compareDenseLayer(inputs: GraphInputs = denseLayerInputs(), shape: DenseLayerShape = DENSE_EXAMPLE_SHAPE): Promise<DenseComparison> {
  const graph = denseLayerGraph(shape);
  const result = backward(graph, inputs);
  const delta = (name: string): number => result.accumulators[graph.nodes.find((node) => node.name === name)!.id]!;
  const read = (name: string): number => {
    const v = inputValue(inputs, name);
    if (v === undefined) throw new GraphInputError('missing value', `inputs.${name}`);
    return v;
  };
  const { n, p, q } = shape;
  const fill = (rows: number, cols: number, name: (r: number, c: number) => string): Matrix => {
    const m = matrix(rows, cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.data[r * cols + c] = read(name(r, c));
    return m;
  };

  const backend = new Cpu64Backend();
  try {
    const A = backend.upload(fill(n, p, denseName.A), 'A');
    const W = backend.upload(fill(p, q, denseName.W), 'W');
    const b = backend.upload(fill(1, q, (_r, c) => denseName.b(c)), 'b');
    const Y = backend.upload(fill(n, q, denseName.Y), 'Y');
    const { H, A: F } = backend.denseForward(A, W, b, 'tanh');
    const { loss, G } = backend.lossAndGradient(H, F, Y, 'tanh', 'sse');
    const { dW, db } = backend.weightGradients(A, G);
    const dA = backend.backpropagate(G, W);
    const [lossM, GM, dWM, dbM, dAM] = await Promise.all([loss, G, dW, db, dA].map((t) => backend.read(t)));

    const rows: DenseComparisonRow[] = [];
    const add = (quantity: DenseQuantity, m: Matrix<Float64Array | Float32Array>, node: (r: number, c: number) => string): void => {
      for (let r = 0; r < m.rows; r++) {
        for (let c = 0; c < m.cols; c++) {
          const name = node(r, c);
          const accumulator = delta(name);
          const value = m.data[r * m.cols + c]!;
          rows.push({ quantity, row: r, col: c, node: name, accumulator, matrix: value, absDiff: Math.abs(accumulator - value) });
        }
      }
    };
    add('G', GM!, denseName.H);
    add('dW', dWM!, denseName.W);
    add('db', dbM!, (_r, c) => denseName.b(c));
    add('dA', dAM!, denseName.A);
    return {
      shape,
      loss: { graph: result.forward.output, matrix: lossM!.data[0]! },
      rows,
      maxAbsDiff: rows.reduce((m, r) => Math.max(m, r.absDiff), 0),
    };
  } finally {
    backend.dispose();
  }
}
