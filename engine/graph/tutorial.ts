/**
 * The chain-rule tutorial's example, the built-in default of graph mode:
 *
 *   f(x, y) = (x + σ(y)) / (x² + y)   at x = 3, y = −4,
 *
 * decomposed exactly as the tutorial does, so the node names a … f match its text.
 */
import { buildGraph, buildGraphFromOps, type Graph, type OpSpec } from './graph.js';

export const TUTORIAL_OPS: readonly OpSpec[] = [
  { name: 'a', op: 'sigmoid', inputs: ['y'] },
  { name: 'b', op: 'add', inputs: ['x', 'a'] },
  { name: 'c', op: 'pow', inputs: ['x', 2] },
  { name: 'd', op: 'add', inputs: ['y', 'c'] },
  { name: 'e', op: 'recip', inputs: ['d'] },
  { name: 'f', op: 'mul', inputs: ['b', 'e'] },
];

export const TUTORIAL_INPUTS: Readonly<Record<string, number>> = Object.freeze({ x: 3, y: -4 });

/** The same decomposition as a program the user can edit in the view (1/d parses as one reciprocal op). */
export const TUTORIAL_PROGRAM = ['a = sigmoid(y)', 'b = x + a', 'c = x^2', 'd = y + c', 'e = 1/d', 'f = b*e'].join('\n');

/** The function written as one expression; parsed, its nodes get automatic names. */
export const TUTORIAL_EXPRESSION = '(x + sigmoid(y)) / (x^2 + y)';

export function tutorialGraph(): Graph {
  return buildGraphFromOps(TUTORIAL_OPS, { variables: ['x', 'y'] });
}

export function tutorialProgramGraph(): Graph {
  return buildGraph(TUTORIAL_PROGRAM);
}
