/**
 * Hand-written recursive-descent parser for graph-mode programs:
 *
 *   program   := statement (('\n' | ';') statement)*
 *   statement := name '=' expr | expr
 *   expr      := term (('+' | '-') term)*
 *   term      := unary (('*' | '/') unary)*
 *   unary     := ('-' | '+') unary | power
 *   power     := postfix ('^' unary)?          right-associative: a^b^c = a^(b^c), 2^-1 works
 *   postfix   := primary ('²' | '³')*
 *   primary   := number | name '(' expr ')' | name | '(' expr ')'
 *
 * so −x^2 = −(x^2) as in written math. Every node keeps its source span for error carets.
 */
import { GraphParseError, closeNames, placeAt } from './errors.js';
import { FUNCTION_ALIASES, FUNCTION_NAMES, type BinaryOp, type FunctionName } from './ops.js';
import { tokenize, type Token } from './tokenizer.js';

interface Span {
  /** 0-based offsets: [start, end). */
  readonly start: number;
  readonly end: number;
}

export type Ast =
  | (Span & { readonly kind: 'number'; readonly value: number; readonly text: string })
  | (Span & { readonly kind: 'name'; readonly name: string })
  | (Span & { readonly kind: 'neg'; readonly arg: Ast })
  | (Span & { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Ast; readonly right: Ast })
  | (Span & { readonly kind: 'call'; readonly fn: FunctionName; readonly arg: Ast });

export interface Statement extends Span {
  /** The assigned name, for "b = x + a"; absent for a bare expression. */
  readonly target?: Span & { readonly name: string };
  readonly expr: Ast;
}

const ALL_FUNCTIONS: readonly string[] = [...FUNCTION_NAMES, ...Object.keys(FUNCTION_ALIASES)];

export function lookupFunction(name: string): FunctionName | undefined {
  if ((FUNCTION_NAMES as readonly string[]).includes(name)) return name as FunctionName;
  return FUNCTION_ALIASES[name];
}

/** Parses a program of statements (one per line or separated by ';'). */
export function parseProgram(source: string): Statement[] {
  return new Parser(source).program();
}

/** Parses exactly one expression (no assignments, no line breaks). */
export function parseExpression(source: string): Ast {
  const statements = parseProgram(source);
  if (statements.length !== 1 || statements[0]!.target) {
    const second = statements[1] ?? statements[0]!;
    throw new GraphParseError('unexpected-token', 'expected a single expression', placeAt(source, second.start, second.end - second.start));
  }
  return statements[0]!.expr;
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  program(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.peek().kind === 'newline') this.pos++;
      if (this.peek().kind === 'end') break;
      statements.push(this.statement());
      const next = this.peek();
      if (next.kind === 'newline' || next.kind === 'end') continue;
      if (next.kind === 'rparen') this.fail('unmatched-paren', `")" has no matching "("`, next);
      if (next.kind === 'assign') this.fail('unexpected-token', `"=" may only follow a name at the start of a line`, next);
      const prev = this.tokens[this.pos - 1]!;
      this.fail('unexpected-token', `unexpected ${describe(next)} after ${describe(prev)}: is an operator missing?`, next);
    }
    if (statements.length === 0) {
      throw new GraphParseError('empty', 'the expression is empty', placeAt(this.source, 0));
    }
    return statements;
  }

  private statement(): Statement {
    const first = this.peek();
    if (first.kind === 'name' && this.peek(1).kind === 'assign') {
      if (lookupFunction(first.text)) this.fail('bad-assignment', `"${first.text}" is a function name and cannot be assigned`, first);
      this.pos += 2;
      const expr = this.expr();
      return { target: { name: first.text, start: first.start, end: first.start + first.length }, expr, start: first.start, end: expr.end };
    }
    const expr = this.expr();
    return { expr, start: expr.start, end: expr.end };
  }

  private expr(): Ast {
    let left = this.term();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.pos++;
      const right = this.term();
      left = { kind: 'binary', op: t.text === '+' ? 'add' : 'sub', left, right, start: left.start, end: right.end };
    }
  }

  private term(): Ast {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/')) return left;
      this.pos++;
      const right = this.unary();
      left = { kind: 'binary', op: t.text === '*' ? 'mul' : 'div', left, right, start: left.start, end: right.end };
    }
  }

  private unary(): Ast {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.pos++;
      const arg = this.unary();
      if (t.text === '+') return { ...arg, start: t.start };
      // A minus right before a literal is part of the number: "-4" is the constant −4, not an op.
      if (arg.kind === 'number') return { ...arg, value: -arg.value, text: `-${arg.text}`, start: t.start };
      return { kind: 'neg', arg, start: t.start, end: arg.end };
    }
    return this.power();
  }

  private power(): Ast {
    const base = this.postfix();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '^') {
      this.pos++;
      const exponent = this.unary();
      return { kind: 'binary', op: 'pow', left: base, right: exponent, start: base.start, end: exponent.end };
    }
    return base;
  }

  private postfix(): Ast {
    let base = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '²' && t.text !== '³')) return base;
      this.pos++;
      const value = t.text === '²' ? 2 : 3;
      const exponent: Ast = { kind: 'number', value, text: String(value), start: t.start, end: t.start + 1 };
      base = { kind: 'binary', op: 'pow', left: base, right: exponent, start: base.start, end: t.start + 1 };
    }
  }

  private primary(): Ast {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.pos++;
        return { kind: 'number', value: t.value!, text: t.text, start: t.start, end: t.start + t.length };
      case 'name':
        return this.nameOrCall(t);
      case 'lparen': {
        this.pos++;
        const inner = this.expr();
        const close = this.expectClose(t, 'parenthesis');
        return { ...inner, start: t.start, end: close.start + 1 };
      }
      case 'end':
      case 'newline': {
        const prev = this.tokens[this.pos - 1];
        const after = prev ? ` after ${describe(prev)}` : '';
        return this.fail('unexpected-end', `the expression ends too early${after}: expected a number, a name or "("`, t);
      }
      default:
        return this.fail('unexpected-token', `unexpected ${describe(t)}: expected a number, a name or "("`, t);
    }
  }

  private nameOrCall(t: Token): Ast {
    this.pos++;
    const fn = lookupFunction(t.text);
    const open = this.peek();
    if (open.kind !== 'lparen') {
      if (fn) this.fail('function-needs-argument', `${t.text} is a function: write ${t.text}(…)`, t);
      return { kind: 'name', name: t.text, start: t.start, end: t.start + t.length };
    }
    if (!fn) {
      throw new GraphParseError(
        'unknown-function',
        `unknown function "${t.text}"; known functions: ${FUNCTION_NAMES.join(', ')}`,
        placeAt(this.source, t.start, t.length),
        closeNames(t.text, ALL_FUNCTIONS),
      );
    }
    this.pos++;
    if (this.peek().kind === 'rparen') this.fail('function-needs-argument', `${t.text}() needs an argument`, this.peek());
    const arg = this.expr();
    if (this.peek().kind === 'comma') this.fail('wrong-arity', `${t.text} takes exactly one argument`, this.peek());
    const close = this.expectClose(open, `${t.text}(`);
    return { kind: 'call', fn, arg, start: t.start, end: close.start + 1 };
  }

  private expectClose(open: Token, what: string): Token {
    const t = this.peek();
    if (t.kind === 'rparen') {
      this.pos++;
      return t;
    }
    const opened = placeAt(this.source, open.start);
    const openedAt = `"${what === 'parenthesis' ? '(' : what}" opened at ${opened.line > 1 ? `line ${opened.line}, ` : ''}column ${opened.column}`;
    if (t.kind === 'end' || t.kind === 'newline') return this.fail('missing-paren', `missing ")" to close ${openedAt}`, t);
    return this.fail('missing-paren', `expected ")" to close ${openedAt}, found ${describe(t)}`, t);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private fail(kind: GraphParseError['kind'], detail: string, at: Token): never {
    throw new GraphParseError(kind, detail, placeAt(this.source, at.start, at.length));
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end';
    case 'newline':
      return 'the end of the line';
    case 'number':
      return `number ${t.text}`;
    case 'name':
      return `name "${t.text}"`;
    default:
      return `"${t.text}"`;
  }
}
