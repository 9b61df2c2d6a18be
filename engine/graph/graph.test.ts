import { describe, expect, it } from 'vitest';
import { GraphInputError } from './errors.js';
import { buildGraph, buildGraphFromOps, consumers, nodeFormula } from './graph.js';

describe('building the graph', () => {
  it('shares structurally identical sub-expressions (x^2 written twice is one node)', () => {
    const graph = buildGraph('sin(x^2) + cos(x^2)');
    expect(graph.nodes.filter((n) => n.kind === 'pow')).toHaveLength(1);
    const pow = graph.nodes.find((n) => n.kind === 'pow')!;
    expect(consumers(graph)[pow.id]).toHaveLength(2);
  });

  it('shares commutative ops regardless of operand order, keeping the first order for display', () => {
    const graph = buildGraph('exp(y*x) + y*x + x*y');
    expect(graph.nodes.filter((n) => n.kind === 'mul')).toHaveLength(1);
    const mul = graph.nodes.find((n) => n.kind === 'mul')!;
    expect(nodeFormula(graph, mul.id)).toBe('y · x');
    // x − y and y − x are different nodes.
    expect(buildGraph('(x - y) * (y - x)').nodes.filter((n) => n.kind === 'sub')).toHaveLength(2);
  });

  it('keeps one node per variable that forks into many operations, and x*x reads x twice', () => {
    const graph = buildGraph('x*x + sin(x)');
    expect(graph.variables).toEqual(['x']);
    const x = graph.nodes.find((n) => n.kind === 'var')!;
    expect(consumers(graph)[x.id]).toHaveLength(3);
    const mul = graph.nodes.find((n) => n.kind === 'mul')!;
    expect(mul.inputs).toEqual([x.id, x.id]);
  });

  it('names operations automatically in topological order, the bare output f', () => {
    const graph = buildGraph('(x + sigmoid(y)) / (x^2 + y)');
    const names = graph.nodes.filter((n) => n.kind !== 'var' && n.kind !== 'const').map((n) => `${n.name} = ${nodeFormula(graph, n.id)}`);
    expect(names).toEqual(['a = σ(y)', 'b = x + a', 'c = x^2', 'd = c + y', 'f = b / d']);
    // Letters already used as variables are skipped.
    expect(buildGraph('a * b + c').nodes.filter((n) => n.kind === 'mul').map((n) => n.name)).toEqual(['d']);
  });

  it('marks constants and constant-only ops as not needing a gradient', () => {
    const graph = buildGraph('x * (2 + 3)');
    const byKind = (k: string) => graph.nodes.filter((n) => n.kind === k);
    expect(byKind('const').every((n) => !n.requiresGrad)).toBe(true);
    expect(byKind('add')[0]!.requiresGrad).toBe(false);
    expect(byKind('mul')[0]!.requiresGrad).toBe(true);
  });

  it('builds from an op list keeping the given names, with clear errors', () => {
    const graph = buildGraphFromOps([
      { name: 'p', op: 'mul', inputs: ['x', 'x'] },
      { name: 'q', op: 'mul', inputs: ['x', 'x'] },
      { name: 'r', op: 'add', inputs: ['p', 'q'] },
    ]);
    // An explicit list is the decomposition the user chose: no sharing.
    expect(graph.nodes.map((n) => n.name)).toEqual(['x', 'p', 'q', 'r']);
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(GraphInputError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(fail(() => buildGraphFromOps([{ name: 'a', op: 'sigmod' as never, inputs: ['x'] }]))).toMatch(/unknown op "sigmod".*did you mean "sigmoid"/);
    expect(fail(() => buildGraphFromOps([{ name: 'a', op: 'add', inputs: ['x'] }]))).toMatch(/ops\[0\] \(a\)\.inputs: add takes 2 inputs, got 1/);
    expect(fail(() => buildGraphFromOps([{ name: 'a', op: 'neg', inputs: ['z'] }], { variables: ['x'] }))).toMatch(/"z" is neither a variable nor an earlier op/);
    expect(fail(() => buildGraphFromOps([{ name: 'a', op: 'neg', inputs: ['x'] }, { name: 'a', op: 'exp', inputs: ['x'] }]))).toMatch(/defined twice/);
    expect(fail(() => buildGraphFromOps([{ name: 'a', op: 'neg', inputs: ['x'] }, { name: 'b', op: 'exp', inputs: ['x'] }]))).toMatch(/"a" is never used/);
    expect(fail(() => buildGraphFromOps([{ name: 'a', op: 'neg', inputs: ['x'] }], { variables: ['x', 'y'] }))).toMatch(/variable "y" is never used/);
    expect(fail(() => buildGraphFromOps([]))).toMatch(/needs at least one op/);
  });
});
