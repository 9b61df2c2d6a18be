/**
 * Checks every input's accumulated gradient against a central finite difference,
 *   ∂f/∂x ≈ (f(x + h) − f(x − h)) / 2h,   h = step · max(1, |x|),
 * whose error is O(h²) plus round-off of order ε·|f|/h; step = 1e-6 balances the two in float64.
 * A relu whose input changes sign between x − h and x + h means f has a kink inside the
 * interval: the difference quotient is then not the derivative, and the row says so.
 */
import { backward } from './backward.js';
import { evaluate, inputValue, type GraphInputs } from './evaluate.js';
import type { Graph } from './graph.js';

export interface FiniteDifferenceOptions {
  /** Relative step; h = step · max(1, |x|). Default 1e-6. */
  readonly step?: number;
  /** Pass when |analytic − numeric| ≤ atol + rtol · max(|analytic|, |numeric|). */
  readonly atol?: number;
  readonly rtol?: number;
}

export interface FiniteDifferenceRow {
  readonly variable: string;
  readonly value: number;
  /** δ from the backward pass. */
  readonly analytic: number;
  /** Central difference. */
  readonly numeric: number;
  readonly h: number;
  readonly absError: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0. */
  readonly relError: number;
  readonly ok: boolean;
  /** A relu input changes sign within [x − h, x + h]: the check is not meaningful there. */
  readonly kink: boolean;
}

export interface FiniteDifferenceReport {
  readonly output: number;
  readonly rows: readonly FiniteDifferenceRow[];
  readonly ok: boolean;
  readonly options: Required<FiniteDifferenceOptions>;
}

export const FD_DEFAULTS: Required<FiniteDifferenceOptions> = { step: 1e-6, atol: 1e-7, rtol: 1e-5 };

export function finiteDifferenceCheck(graph: Graph, inputs: GraphInputs, options: FiniteDifferenceOptions = {}): FiniteDifferenceReport {
  const opts = { ...FD_DEFAULTS, ...options };
  const base = new Map<string, number>();
  for (const name of graph.variables) base.set(name, inputValue(inputs, name) ?? Number.NaN);
  const { forward, gradients } = backward(graph, base);
  const reluInputs = graph.nodes.filter((n) => n.kind === 'relu').map((n) => n.inputs[0]!);

  const rows = graph.variables.map((name): FiniteDifferenceRow => {
    const x = base.get(name)!;
    const h = opts.step * Math.max(1, Math.abs(x));
    const plus = evaluate(graph, new Map(base).set(name, x + h));
    const minus = evaluate(graph, new Map(base).set(name, x - h));
    const numeric = (plus.output - minus.output) / (2 * h);
    const analytic = gradients[name]!;
    const absError = Math.abs(analytic - numeric);
    const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    const relError = scale === 0 ? 0 : absError / scale;
    const kink = reluInputs.some((id) => Math.sign(plus.values[id]!) !== Math.sign(minus.values[id]!));
    return { variable: name, value: x, analytic, numeric, h, absError, relError, ok: absError <= opts.atol + opts.rtol * scale, kink };
  });
  return { output: forward.output, rows, ok: rows.every((r) => r.ok), options: opts };
}
