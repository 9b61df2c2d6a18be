import { describe, expect, it } from 'vitest';
import { GraphDomainError, GraphInputError } from './errors.js';
import { evaluate } from './evaluate.js';
import { buildGraph } from './graph.js';

function domainError(source: string, inputs: Record<string, number>): GraphDomainError {
  try {
    evaluate(buildGraph(source), inputs);
  } catch (e) {
    if (e instanceof GraphDomainError) return e;
    throw e;
  }
  throw new Error(`expected a domain error for ${source}`);
}

describe('forward evaluation', () => {
  it('stores every node value', () => {
    const graph = buildGraph('a = x * y\nb = a + 1\nb * a');
    const { values, output } = evaluate(graph, { x: 2, y: 3 });
    expect(Array.from(values)).toEqual([2, 3, 6, 1, 7, 42]);
    expect(output).toBe(42);
  });

  it('reports domain errors at the node where they happen, with its place in the text', () => {
    const log = domainError('x + log(y - 2)', { x: 1, y: 1 });
    expect(log.detail).toMatch(/log of a non-positive number \(-1\)/);
    expect(log.nodeName).toBe('b');
    expect(log.formula).toBe('log(a)');
    expect(log.inputValues).toEqual([-1]);
    expect(log.phase).toBe('forward');
    expect(log.place).toMatchObject({ column: 5, length: 10 });
    expect(log.message).toMatch(/at node b = log\(a\) \(column 5\)/);

    expect(domainError('x / (y - y)', { x: 1, y: 4 }).detail).toMatch(/division by zero/);
    expect(domainError('1 / x', { x: 0 }).detail).toMatch(/division by zero/);
    expect(domainError('x ^ -2', { x: 0 }).detail).toMatch(/0 raised to a negative power/);
    expect(domainError('x ^ 0.5', { x: -4 }).detail).toMatch(/negative base/);
    expect(domainError('exp(x)', { x: 1000 }).detail).toMatch(/overflows to Infinity/);
    const second = domainError('a = log(x)\nb = a / (y - 1)\nb', { x: 2, y: 1 });
    expect(second.nodeName).toBe('b');
    expect(second.place).toMatchObject({ line: 2, column: 5 });
  });

  it('asks for missing or non-finite inputs by name', () => {
    const graph = buildGraph('x1 * y');
    expect(() => evaluate(graph, { x: 1, y: 2 })).toThrow(GraphInputError);
    expect(() => evaluate(graph, { x: 1, y: 2 })).toThrow(/inputs\.x1: no value given for variable "x1" \(did you mean "x"\?\)/);
    expect(() => evaluate(graph, { x1: Number.NaN, y: 2 })).toThrow(/inputs\.x1: value must be a finite number/);
    expect(evaluate(graph, new Map([['x1', 2], ['y', 5]])).output).toBe(10);
  });
});
