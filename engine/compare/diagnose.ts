/**
 * Naming the mistake behind a new error: each hypothesis is a recomputation of the quantity from
 * the user's OWN upstream arrays with one known slip put in, and is named only when it reproduces
 * their value to float32 rounding. The specific slips (dW-uses-H, derivative-at-A, ...) are tried
 * before the generic ones (transposed, sign, scale), so a slip that happens to be a sign or a
 * factor is still named for what it is.
 */
import type { Matrix } from '../core/matrix.js';
import type { ChainNode, Hypothesis, Values } from './chain.js';
import { transpose, type TheirArray } from './layout.js';
import { map, maxAbs, maxAbsDiff, sameShape } from './ops.js';
import type { Diagnosis, LayoutName } from './types.js';

export function diagnose(node: ChainNode, theirs: TheirArray, local: Matrix, bound: number, v: Values, samples: number): Diagnosis | null {
  const t = theirs.matrix;
  const candidates: Hypothesis[] = [...node.hypotheses(v), ...generic(node, local, t, samples)];
  const errorBefore = sameShape(t, local) ? maxAbsDiff(t, local) : null;
  const localScale = Math.max(maxAbs(local), Number.MIN_VALUE);
  for (const h of candidates) {
    if (!sameShape(h.value, t)) continue;
    const errorAfter = maxAbsDiff(t, h.value);
    // The bound was computed for the right equation; a slip that makes values larger rounds larger.
    const tolerance = bound * Math.max(1, maxAbs(h.value) / localScale);
    if (errorAfter <= tolerance) {
      const factor = h.code === 'scale' ? (h as Hypothesis & { factor: number }).factor : undefined;
      return {
        code: h.code,
        layer: node.layer,
        quantity: node.quantity,
        name: node.name,
        theirName: theirs.theirName,
        ...(factor !== undefined ? { factor } : {}),
        explanation: h.explanation,
        theirEquation: h.theirEquation,
        evidence: { errorBefore, errorAfter, tolerance },
      };
    }
  }
  return null;
}

/** The right matrix transposed, negated, or times a constant (the constant fitted by least squares). */
function generic(node: ChainNode, local: Matrix, theirs: Matrix, samples: number): Hypothesis[] {
  const lhs = node.equation.split(' = ')[0]!;
  const rhs = node.equation.split(' = ').slice(1).join(' = ');
  const out: Hypothesis[] = [];
  if (local.rows !== 1 || local.cols !== 1) {
    out.push({
      code: 'transposed',
      value: transpose(local),
      theirEquation: `${lhs} = (${rhs})ᵀ`,
      explanation: `the right matrix, transposed (${local.cols}×${local.rows} instead of ${local.rows}×${local.cols})`,
    });
  }
  out.push({
    code: 'sign',
    value: map(local, (x) => -x),
    theirEquation: `${lhs} = −(${rhs})`,
    explanation: 'the right value with the opposite sign (e.g. Y − F instead of F − Y, or a subtracted term)',
  });
  if (sameShape(local, theirs)) {
    let tr = 0;
    let rr = 0;
    for (let k = 0; k < local.data.length; k++) {
      tr += theirs.data[k]! * local.data[k]!;
      rr += local.data[k]! * local.data[k]!;
    }
    const c = rr > 0 ? tr / rr : 0;
    if (c !== 0 && Number.isFinite(c) && Math.abs(c - 1) > 1e-9 && Math.abs(c + 1) > 1e-9) {
      const nice = niceFactor(c, samples);
      out.push({
        code: 'scale',
        value: map(local, (x) => c * x),
        theirEquation: `${lhs} = ${nice.text} × (${rhs})`,
        explanation: `the right value times ${nice.text}${nice.why ? ` (${nice.why})` : ''}`,
        factor: nice.value,
      } as Hypothesis & { factor: number });
    }
  }
  return out;
}

/** A fitted factor as the simple number it most likely is (2, 1/2, n, 1/n...), else as measured. */
export function niceFactor(c: number, n: number): { value: number; text: string; why: string } {
  const close = (x: number): boolean => Math.abs(c - x) <= 1e-6 * Math.abs(x);
  const sign = c < 0 ? '−' : '';
  const a = Math.abs(c);
  if (close(c < 0 ? -n : n)) return { value: c < 0 ? -n : n, text: `${sign}${n}`, why: 'n, the number of samples: an extra sum or a missing 1/n' };
  if (close((c < 0 ? -1 : 1) / n)) return { value: (c < 0 ? -1 : 1) / n, text: `${sign}1/${n}`, why: '1/n: a mean over the samples where a sum was due' };
  for (let den = 1; den <= 64; den++) {
    const num = Math.round(a * den);
    if (num >= 1 && num <= 4096 && Math.abs(a - num / den) <= 1e-6 * a) {
      const value = (c < 0 ? -1 : 1) * (num / den);
      const text = den === 1 ? `${sign}${num}` : `${sign}${num}/${den}`;
      const why = num === 2 && den === 1 ? 'a 2 from d(x²)/dx, or a missing ½' : num === 1 && den === 2 ? 'a missing 2 from d(x²)/dx, or an extra ½' : '';
      return { value, text, why };
    }
  }
  return { value: c, text: c.toPrecision(6), why: '' };
}

/** "dW1: shape 3×5, expected 5×3 (∂L/∂W_1, out × in in the columns layout)". */
export function explainShape(a: TheirArray, layout: LayoutName | null): string {
  // numpy's own tuple notation: (), (4,), (3, 4).
  const s = (x: readonly number[]): string => (x.length === 0 ? '() (a scalar)' : x.length === 1 ? `(${x[0]},)` : `(${x.join(', ')})`);
  return `${a.theirName}: shape ${s(a.theirShape)}, expected ${s(a.theirExpected)}${layout ? ` (${a.name} in the ${layout} layout)` : ` (${a.name})`}`;
}
