import { describe, expect, it } from 'vitest';
import { GraphParseError } from './errors.js';
import { buildGraph } from './graph.js';
import { evaluate } from './evaluate.js';
import { parseExpression, parseProgram } from './parser.js';

function parseError(source: string, variables?: string[]): GraphParseError {
  try {
    buildGraph(source, variables ? { variables } : {});
  } catch (e) {
    if (e instanceof GraphParseError) return e;
    throw e;
  }
  throw new Error(`expected "${source}" not to parse`);
}

const value = (source: string, inputs: Record<string, number> = {}): number => evaluate(buildGraph(source), inputs).output;

describe('parsing expressions', () => {
  it('reads numbers with fractions and exponents', () => {
    expect(value('1e-3')).toBe(0.001);
    expect(value('2.5E+2')).toBe(250);
    expect(value('.5')).toBe(0.5);
    expect(value('3.')).toBe(3);
  });

  it('follows the usual precedence: unary minus below ^, ^ right-associative', () => {
    expect(value('2^3^2')).toBe(512);
    expect(value('-2^2')).toBe(-4);
    expect(value('(-2)^2')).toBe(4);
    expect(value('2^-1')).toBe(0.5);
    expect(value('1 - 2 - 3')).toBe(-4);
    expect(value('8 / 4 / 2')).toBe(1);
    expect(value('2 + 3 * 4')).toBe(14);
    expect(value('-x * 3', { x: 2 })).toBe(-6);
  });

  it('accepts typeset operators: − × · ÷ ² ³ ** and σ', () => {
    expect(value('x² + y³', { x: 3, y: 2 })).toBe(17);
    expect(value('6 × 2 ÷ 4 − 1 · 2')).toBe(1);
    expect(value('2**3')).toBe(8);
    expect(value('σ(0)')).toBe(0.5);
    expect(value('ln(1)')).toBe(0);
  });

  it('keeps source spans on the AST', () => {
    const ast = parseExpression('  sigmoid(y) + 1');
    expect(ast).toMatchObject({ kind: 'binary', op: 'add', start: 2, end: 16, left: { kind: 'call', start: 2, end: 12 } });
    expect(parseProgram('a = x\nb = a*2').map((s) => s.target?.name)).toEqual(['a', 'b']);
  });
});

describe('parse errors say what and where', () => {
  it('unexpected token, with the column', () => {
    const e = parseError('x + * y');
    expect(e.kind).toBe('unexpected-token');
    expect(e.column).toBe(5);
    expect(e.message).toMatch(/^column 5: unexpected "\*"/);
  });

  it('missing and unmatched parentheses', () => {
    const missing = parseError('(x + sigmoid(y) / 2');
    expect(missing.kind).toBe('missing-paren');
    expect(missing.column).toBe(20);
    expect(missing.message).toContain('opened at column 1');
    const inCall = parseError('tanh(x + 1 y');
    expect(inCall.kind).toBe('missing-paren');
    expect(inCall.column).toBe(12);
    const extra = parseError('x + y)');
    expect(extra.kind).toBe('unmatched-paren');
    expect(extra.column).toBe(6);
  });

  it('unknown function with close names', () => {
    const e = parseError('x + sigmod(y)');
    expect(e.kind).toBe('unknown-function');
    expect(e.column).toBe(5);
    expect(e.place.length).toBe(6);
    expect(e.suggestions).toEqual(['sigmoid']);
    expect(e.message).toContain('did you mean "sigmoid"');
    expect(parseError('tahn(x)').suggestions).toContain('tanh');
    expect(parseError('foo(x)').suggestions).toEqual([]);
  });

  it('unknown variable with close names when the variables are fixed', () => {
    const e = parseError('x1 + y2', ['x1', 'y1']);
    expect(e.kind).toBe('unknown-variable');
    expect(e.column).toBe(6);
    expect(e.suggestions).toContain('y1');
  });

  it('bad numbers, stray characters, empty input, missing operands', () => {
    expect(parseError('1e + x')).toMatchObject({ kind: 'bad-number', column: 1 });
    expect(parseError('x + 1.2.3')).toMatchObject({ kind: 'bad-number', column: 5 });
    expect(parseError('2x').message).toContain('2*x');
    expect(parseError('x $ y')).toMatchObject({ kind: 'unexpected-character', column: 3 });
    expect(parseError('   ')).toMatchObject({ kind: 'empty' });
    expect(parseError('x +')).toMatchObject({ kind: 'unexpected-end', column: 4 });
    expect(parseError('x y')).toMatchObject({ kind: 'unexpected-token', column: 3 });
  });

  it('function misuse', () => {
    expect(parseError('sin + 1')).toMatchObject({ kind: 'function-needs-argument', column: 1 });
    expect(parseError('exp()')).toMatchObject({ kind: 'function-needs-argument', column: 5 });
    expect(parseError('cos(x, y)')).toMatchObject({ kind: 'wrong-arity', column: 6 });
  });

  it('programs report line and column', () => {
    const e = parseError('a = x + 1\nb = a * (x');
    expect(e).toMatchObject({ kind: 'missing-paren', line: 2, column: 11 });
    expect(e.message).toMatch(/^line 2, column 11:/);
    expect(parseError('a = x\nb = a')).toMatchObject({ kind: 'bad-assignment', line: 1 });
    expect(parseError('a = x*2\na = x*3\na')).toMatchObject({ kind: 'bad-assignment', line: 2, column: 1 });
    expect(parseError('b = a + 1\na = x*3\nb')).toMatchObject({ kind: 'bad-assignment', line: 2 });
    expect(parseError('x + 1\ny = x')).toMatchObject({ kind: 'bad-assignment', line: 1 });
    expect(parseError('a = x*2\nb = x*3')).toMatchObject({ kind: 'bad-assignment', line: 1 });
    expect(parseError('a = x*2\nb = 2*x\nb')).toMatchObject({ kind: 'bad-assignment', line: 2 });
    expect(parseError('tanh = x')).toMatchObject({ kind: 'bad-assignment' });
  });
});

describe('program niceties', () => {
  it('skips # comments and Windows line ends', () => {
    const graph = buildGraph('# the tutorial\r\na = sigmoid(y)  # σ\r\nb = x + a\r\n');
    expect(graph.nodes.filter((n) => n.named && n.kind !== 'var').map((n) => n.name)).toEqual(['a', 'b']);
    expect(evaluate(graph, { x: 1, y: 0 }).output).toBe(1.5);
  });
});
