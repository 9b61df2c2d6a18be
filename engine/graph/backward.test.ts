import { describe, expect, it } from 'vitest';
import { backward, createBackwardStepper } from './backward.js';
import { GraphDomainError } from './errors.js';
import { buildGraph } from './graph.js';

describe('the backward pass accumulates', () => {
  it('a variable used three times collects three contributions', () => {
    // f = sin(x) + x·y + exp(x):  ∂f/∂x = cos x + y + eˣ
    const graph = buildGraph('sin(x) + x*y + exp(x)');
    const inputs = { x: 0.7, y: -1.3 };
    const stepper = createBackwardStepper(graph, inputs);
    const steps = stepper.runAll();
    const x = graph.nodes.find((n) => n.name === 'x')!.id;
    const intoX = steps.flatMap((s) => s.accumulations).filter((a) => a.input === x);
    expect(intoX).toHaveLength(3);
    expect(intoX[0]!.before).toBe(0);
    // Each contribution starts where the previous one ended.
    expect(intoX[1]!.before).toBe(intoX[0]!.after);
    expect(intoX[2]!.before).toBe(intoX[1]!.after);
    expect(intoX.map((a) => a.contribution).sort((p, q) => p - q)).toEqual([-1.3, Math.cos(0.7), Math.exp(0.7)].sort((p, q) => p - q));
    expect(stepper.gradients().x).toBeCloseTo(Math.cos(0.7) - 1.3 + Math.exp(0.7), 14);
    expect(stepper.gradients().y).toBeCloseTo(0.7, 15);
  });

  it('x*x adds into δ_x once per slot', () => {
    const graph = buildGraph('x*x');
    const [step] = createBackwardStepper(graph, { x: 3 }).runAll();
    expect(step!.accumulations.map((a) => [a.slot, a.before, a.after])).toEqual([
      [0, 0, 3],
      [1, 3, 6],
    ]);
  });

  it('a shared sub-expression is processed once, after all its readers', () => {
    // f = (x²)·(x²) + x²: c = x² has three readings; δ_c = 2c + 1 before c is processed.
    const graph = buildGraph('x^2 * x^2 + x^2');
    const stepper = createBackwardStepper(graph, { x: 2 });
    const steps = stepper.runAll();
    const pow = steps.find((s) => s.op === 'pow')!;
    expect(steps.indexOf(pow)).toBe(steps.length - 1);
    expect(pow.upstream).toBe(2 * 4 + 1);
    expect(stepper.gradients().x).toBe(9 * 4); // ∂(x⁴ + x²)/∂x = 4x³ + 2x = 36
  });

  it('prev undoes a step exactly, reset starts over, next at the end returns null', () => {
    const graph = buildGraph('(x + sigmoid(y)) / (x^2 + y)');
    const stepper = createBackwardStepper(graph, { x: 3, y: -4 });
    const snapshots = [stepper.accumulators()];
    while (stepper.next()) snapshots.push(stepper.accumulators());
    expect(stepper.next()).toBeNull();
    for (let k = snapshots.length - 2; k >= 0; k--) {
      stepper.prev();
      expect(Array.from(stepper.accumulators())).toEqual(Array.from(snapshots[k]!));
    }
    expect(stepper.prev()).toBeNull();
    stepper.runAll();
    stepper.reset();
    expect(stepper.position).toBe(0);
    expect(Array.from(stepper.accumulators())).toEqual(Array.from(snapshots[0]!));
  });

  it('seeds δ_f = 1 and keeps no accumulator for constants', () => {
    const graph = buildGraph('3 * x');
    const stepper = createBackwardStepper(graph, { x: 5 });
    const acc = stepper.accumulators();
    expect(acc[graph.output]).toBe(1);
    const three = graph.nodes.find((n) => n.kind === 'const')!;
    expect(acc[three.id]).toBeNaN();
    const [step] = stepper.runAll();
    expect(step!.localDerivatives).toHaveLength(2);
    expect(step!.accumulations).toHaveLength(1);
    expect(stepper.gradients().x).toBe(3);
  });

  it('reports an undefined local derivative at its node without changing any accumulator', () => {
    // d(x^0.5)/dx at 0 is infinite.
    const graph = buildGraph('y * x^0.5');
    const stepper = createBackwardStepper(graph, { x: 0, y: 2 });
    stepper.next();
    const before = stepper.accumulators();
    let error: unknown;
    try {
      stepper.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphDomainError);
    expect(error).toMatchObject({ phase: 'backward', nodeName: 'a' });
    expect(Array.from(stepper.accumulators())).toEqual(Array.from(before));
    // A variable exponent needs ln(base): undefined for a negative base.
    expect(() => backward(buildGraph('(x - 3)^y'), { x: 1, y: 2 })).toThrow(/local derivative ∂f\/∂y = f · ln a is NaN/);
  });
});
