/**
 * The scalar operations of graph mode, forward and backward side by side (micrograd style):
 * each entry says how to compute w = op(u₀, u₁), where its inputs must lie (domain), and the
 * local derivative ∂w/∂u_k for each input slot k, both as a number and as the formula a learner
 * reads in the stepper. Derivatives are written in terms of what the forward pass stored (the
 * inputs and w itself), the way the backward pass uses them.
 */
import { sigmoid } from '../model/activations.js';

export const UNARY_OPS = ['neg', 'recip', 'sigmoid', 'tanh', 'exp', 'log', 'sin', 'cos', 'relu'] as const;
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type OpKind = UnaryOp | BinaryOp;

/** The functions a user may call by name in an expression (σ is an alias of sigmoid). */
export const FUNCTION_NAMES = ['sigmoid', 'tanh', 'exp', 'log', 'sin', 'cos', 'relu'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
export const FUNCTION_ALIASES: Readonly<Record<string, FunctionName>> = { σ: 'sigmoid', ln: 'log' };

export interface OpDefinition {
  readonly arity: 1 | 2;
  /** Short symbol for node badges: "+", "σ", "^" … */
  readonly symbol: string;
  /** Ops whose inputs may be swapped without changing the value (for structural hashing). */
  readonly commutative: boolean;
  forward(a: number, b: number): number;
  /** Why (a, b) is outside the op's domain, or null when it is fine. Checked before forward. */
  domain(a: number, b: number): string | null;
  /** ∂w/∂u_slot at inputs (a, b) with stored output w. */
  derivative(slot: number, a: number, b: number, w: number): number;
  /** The forward formula with the inputs' names: "x + a". */
  formula(names: readonly string[]): string;
  /** The local derivative ∂w/∂u_slot as text, with the inputs' and output's names. */
  derivativeFormula(slot: number, names: readonly string[], out: string): string;
}

const isInteger = (v: number): boolean => Number.isInteger(v);
const wrap = (name: string): string => (/^[\p{L}\p{N}_.]+$/u.test(name) ? name : `(${name})`);

function unary(
  symbol: string,
  forward: (a: number) => number,
  derivative: (a: number, w: number) => number,
  formula: (a: string) => string,
  derivativeFormula: (a: string, w: string) => string,
  domain: (a: number) => string | null = () => null,
): OpDefinition {
  return {
    arity: 1,
    symbol,
    commutative: false,
    forward: (a) => forward(a),
    domain: (a) => domain(a),
    derivative: (_slot, a, _b, w) => derivative(a, w),
    formula: (n) => formula(n[0]!),
    derivativeFormula: (_slot, n, out) => derivativeFormula(n[0]!, out),
  };
}

export const OPS: Readonly<Record<OpKind, OpDefinition>> = {
  add: {
    arity: 2,
    symbol: '+',
    commutative: true,
    forward: (a, b) => a + b,
    domain: () => null,
    derivative: () => 1,
    formula: (n) => `${n[0]} + ${n[1]}`,
    derivativeFormula: () => '1',
  },
  sub: {
    arity: 2,
    symbol: '−',
    commutative: false,
    forward: (a, b) => a - b,
    domain: () => null,
    derivative: (slot) => (slot === 0 ? 1 : -1),
    formula: (n) => `${n[0]} − ${wrap(n[1]!)}`,
    derivativeFormula: (slot) => (slot === 0 ? '1' : '−1'),
  },
  mul: {
    arity: 2,
    symbol: '×',
    commutative: true,
    forward: (a, b) => a * b,
    domain: () => null,
    // ∂(ab)/∂a = b and ∂(ab)/∂b = a: for x·x both slots see x, so δ_x collects 2x·δ_w.
    derivative: (slot, a, b) => (slot === 0 ? b : a),
    formula: (n) => `${wrap(n[0]!)} · ${wrap(n[1]!)}`,
    derivativeFormula: (slot, n) => (slot === 0 ? n[1]! : n[0]!),
  },
  div: {
    arity: 2,
    symbol: '÷',
    commutative: false,
    forward: (a, b) => a / b,
    domain: (_a, b) => (b === 0 ? 'division by zero' : null),
    derivative: (slot, a, b) => (slot === 0 ? 1 / b : -a / (b * b)),
    formula: (n) => `${wrap(n[0]!)} / ${wrap(n[1]!)}`,
    derivativeFormula: (slot, n) => (slot === 0 ? `1/${wrap(n[1]!)}` : `−${wrap(n[0]!)}/${wrap(n[1]!)}²`),
  },
  pow: {
    arity: 2,
    symbol: '^',
    commutative: false,
    forward: (a, b) => a ** b,
    domain: (a, b) => {
      if (a === 0 && b < 0) return `0 raised to a negative power (${b})`;
      if (a < 0 && !isInteger(b)) return `a negative base (${a}) raised to a non-integer power (${b})`;
      return null;
    },
    derivative: (slot, a, b, w) => {
      if (slot === 0) return b === 0 ? 0 : b * a ** (b - 1);
      // ∂(a^b)/∂b = a^b · ln a; at a = 0 (b > 0) the limit is 0. For a < 0 it is not real: NaN,
      // which the backward pass reports as a domain error when the exponent needs a gradient.
      if (a === 0) return 0;
      return w * Math.log(a);
    },
    formula: (n) => `${wrap(n[0]!)}^${wrap(n[1]!)}`,
    derivativeFormula: (slot, n, out) =>
      slot === 0 ? `${wrap(n[1]!)} · ${wrap(n[0]!)}^(${n[1]} − 1)` : `${out} · ln ${wrap(n[0]!)}`,
  },
  neg: unary(
    '−',
    (a) => -a,
    () => -1,
    (a) => `−${wrap(a)}`,
    () => '−1',
  ),
  recip: unary(
    '1/',
    (a) => 1 / a,
    (_a, w) => -w * w,
    (a) => `1/${wrap(a)}`,
    (a) => `−1/${wrap(a)}²`,
    (a) => (a === 0 ? 'division by zero (1/0)' : null),
  ),
  sigmoid: unary(
    'σ',
    sigmoid,
    (_a, w) => w * (1 - w),
    (a) => `σ(${a})`,
    (_a, w) => `${w} · (1 − ${w})`,
  ),
  tanh: unary(
    'tanh',
    Math.tanh,
    (_a, w) => 1 - w * w,
    (a) => `tanh(${a})`,
    (_a, w) => `1 − ${w}²`,
  ),
  exp: unary(
    'exp',
    Math.exp,
    (_a, w) => w,
    (a) => `exp(${a})`,
    (_a, w) => w,
  ),
  log: unary(
    'log',
    Math.log,
    (a) => 1 / a,
    (a) => `log(${a})`,
    (a) => `1/${wrap(a)}`,
    (a) => (a <= 0 ? `log of a non-positive number (${a})` : null),
  ),
  sin: unary(
    'sin',
    Math.sin,
    (a) => Math.cos(a),
    (a) => `sin(${a})`,
    (a) => `cos(${a})`,
  ),
  cos: unary(
    'cos',
    Math.cos,
    (a) => -Math.sin(a),
    (a) => `cos(${a})`,
    (a) => `−sin(${a})`,
  ),
  relu: unary(
    'relu',
    (a) => (a > 0 ? a : 0),
    // relu'(0) = 0, as in PyTorch and FORMATS.md.
    (a) => (a > 0 ? 1 : 0),
    (a) => `relu(${a})`,
    (a) => `[${a} > 0]`,
  ),
};

export function isOpKind(name: string): name is OpKind {
  return Object.hasOwn(OPS, name);
}
