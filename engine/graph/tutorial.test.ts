import { describe, expect, it } from 'vitest';
import { backward, createBackwardStepper } from './backward.js';
import { evaluate } from './evaluate.js';
import { buildGraph, type Graph } from './graph.js';
import { TUTORIAL_EXPRESSION, TUTORIAL_INPUTS, tutorialGraph, tutorialProgramGraph } from './tutorial.js';

/*
 * f(x, y) = (x + σ(y)) / (x² + y) at x = 3, y = −4, worked by hand:
 *
 * Forward
 *   a = σ(−4) = 1 / (1 + e⁴) = 1 / (1 + 54.598150033144236) = 0.01798620996209156
 *   b = x + a = 3.01798620996209156
 *   c = x²    = 9
 *   d = y + c = −4 + 9 = 5
 *   e = 1/d   = 0.2
 *   f = b·e   = 3.01798620996209156 · 0.2 = 0.603597241992418312
 *
 * Backward (δ_f = 1, reverse order f, e, d, c, b, a)
 *   f = b·e : δ_b += e·δ_f = 0.2                 δ_e += b·δ_f = 3.01798620996209156
 *   e = 1/d : δ_d += (−1/d²)·δ_e = −3.01798620996209156/25 = −0.120719448398483662
 *   d = y + c: δ_y += 1·δ_d = −0.120719448398483662   (first contribution to y)
 *              δ_c += 1·δ_d = −0.120719448398483662
 *   c = x²  : δ_x += 2x·δ_c = 6·(−0.120719448398483662) = −0.724316690390901974  (first to x)
 *   b = x + a: δ_x += 1·δ_b = 0.2   → δ_x = −0.524316690390901974             (second to x)
 *              δ_a += 1·δ_b = 0.2
 *   a = σ(y): σ'(y) = a(1 − a) = 0.01798620996209156 · 0.98201379003790844 = 0.0176627062132911
 *             δ_y += σ'(y)·δ_a = 0.00353254124265822 → δ_y = −0.117186907155825442  (second to y)
 *
 * Cross-check with the closed form: ∂f/∂x = 1/d − 2x·b/d² = 0.2 − 6·3.01798…/25 = −0.5243166904,
 * ∂f/∂y = σ'(y)/d − b/d² = 0.0035325412 − 0.1207194484 = −0.1171869072.
 */
const A = 1 / (1 + Math.exp(4));
const EXPECTED = {
  a: 0.01798620996209156,
  b: 3.01798620996209156,
  c: 9,
  d: 5,
  e: 0.2,
  f: 0.603597241992418312,
};
const DELTA_X = -0.524316690390901974;
const DELTA_Y = -0.117186907155825442;

const id = (graph: Graph, name: string): number => graph.nodes.find((n) => n.name === name)!.id;

describe('the tutorial example f(x, y) = (x + σ(y)) / (x² + y) at (3, −4)', () => {
  it('stores every value in the forward pass', () => {
    expect(A).toBeCloseTo(EXPECTED.a, 16);
    const graph = tutorialGraph();
    const { values, output } = evaluate(graph, TUTORIAL_INPUTS);
    for (const [name, value] of Object.entries(EXPECTED)) expect(values[id(graph, name)]).toBeCloseTo(value, 14);
    expect(output).toBeCloseTo(EXPECTED.f, 14);
  });

  it('steps the backward pass in the tutorial order with the hand-derived accumulators', () => {
    const graph = tutorialGraph();
    const stepper = createBackwardStepper(graph, TUTORIAL_INPUTS);
    expect(stepper.order.map((n) => graph.nodes[n]!.name)).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);

    const f = stepper.next()!;
    expect(f.equation).toBe('f = b · e');
    expect(f.upstream).toBe(1);
    expect(f.localDerivatives.map((d) => d.value)).toEqual([0.2, EXPECTED.b]);
    expect(f.localDerivatives.map((d) => d.formula)).toEqual(['e', 'b']);
    expect(f.accumulations.map((a) => [graph.nodes[a.input]!.name, a.before, a.after])).toEqual([
      ['b', 0, 0.2],
      ['e', 0, EXPECTED.b],
    ]);

    const e = stepper.next()!;
    expect(e.localDerivatives[0]!.value).toBeCloseTo(-1 / 25, 16);
    expect(e.accumulations[0]!.after).toBeCloseTo(-0.120719448398483662, 15);

    const d = stepper.next()!;
    expect(d.accumulations.map((a) => graph.nodes[a.input]!.name)).toEqual(['y', 'c']);
    expect(d.accumulations[0]!.before).toBe(0);
    expect(d.accumulations[0]!.after).toBeCloseTo(-0.120719448398483662, 15);

    const c = stepper.next()!;
    expect(c.localDerivatives[0]!.value).toBe(6);
    // The constant exponent 2 gets no accumulation.
    expect(c.accumulations).toHaveLength(1);
    expect(c.accumulations[0]!.after).toBeCloseTo(-0.724316690390901974, 14);

    const b = stepper.next()!;
    const intoX = b.accumulations.find((a) => graph.nodes[a.input]!.name === 'x')!;
    expect(intoX.before).toBeCloseTo(-0.724316690390901974, 14);
    expect(intoX.contribution).toBe(0.2);
    expect(intoX.after).toBeCloseTo(DELTA_X, 14);

    const a = stepper.next()!;
    expect(a.localDerivatives[0]!.value).toBeCloseTo(0.0176627062132911, 15);
    expect(a.accumulations[0]!.contribution).toBeCloseTo(0.00353254124265822, 15);
    expect(a.accumulations[0]!.after).toBeCloseTo(DELTA_Y, 14);

    expect(stepper.next()).toBeNull();
    expect(stepper.done).toBe(true);
    const g = stepper.gradients();
    expect(g.x).toBeCloseTo(DELTA_X, 14);
    expect(g.y).toBeCloseTo(DELTA_Y, 14);
  });

  it('gives the same values and gradients from the editable program and from the one-line expression', () => {
    for (const graph of [tutorialProgramGraph(), buildGraph(TUTORIAL_EXPRESSION)]) {
      const result = backward(graph, TUTORIAL_INPUTS);
      expect(result.forward.output).toBeCloseTo(EXPECTED.f, 14);
      expect(result.gradients.x).toBeCloseTo(DELTA_X, 14);
      expect(result.gradients.y).toBeCloseTo(DELTA_Y, 14);
    }
    // The program keeps the tutorial's names a … f and its reciprocal op.
    const program = tutorialProgramGraph();
    expect(program.nodes.filter((n) => n.named && n.kind !== 'var').map((n) => `${n.name}:${n.kind}`)).toEqual([
      'a:sigmoid',
      'b:add',
      'c:pow',
      'd:add',
      'e:recip',
      'f:mul',
    ]);
  });
});
