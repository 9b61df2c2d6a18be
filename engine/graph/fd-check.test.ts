import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph.js';
import { finiteDifferenceCheck } from './fd-check.js';
import { TUTORIAL_INPUTS, tutorialGraph } from './tutorial.js';

describe('finite-difference check', () => {
  it('agrees with the backward pass on the tutorial example', () => {
    const report = finiteDifferenceCheck(tutorialGraph(), TUTORIAL_INPUTS);
    expect(report.ok).toBe(true);
    expect(report.rows.map((r) => r.variable)).toEqual(['x', 'y']);
    for (const row of report.rows) expect(row.absError).toBeLessThan(1e-8);
  });

  it('agrees on an expression using every function', () => {
    const graph = buildGraph('sigmoid(x) * tanh(y) + exp(x/4) - log(y^2 + 1) + sin(x*y) * cos(y) + relu(x - y) + x^y / 3');
    const report = finiteDifferenceCheck(graph, { x: 1.3, y: 0.4 });
    expect(report.ok).toBe(true);
  });

  it('fails, as it must, when the analytic gradient is wrong', () => {
    // A wrong backward would slip past a check that never compares: feed a graph whose
    // evaluation differs from its derivative by using a tolerance of zero and a kink.
    const report = finiteDifferenceCheck(buildGraph('relu(x)'), { x: 0 }, { step: 1e-3 });
    const row = report.rows[0]!;
    // relu'(0) = 0 by convention, while the central difference sees the average slope ½.
    expect(row.analytic).toBe(0);
    expect(row.numeric).toBeCloseTo(0.5, 12);
    expect(row.ok).toBe(false);
    expect(row.kink).toBe(true);
    expect(report.ok).toBe(false);
  });
});
