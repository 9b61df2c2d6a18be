/**
 * Tokenizer for graph-mode expressions. Accepts the ASCII operators and the ones people paste
 * from typeset math (− × · ÷ ² ³), so "x² + σ(y)" reads as typed on paper.
 */
import { GraphParseError, placeAt } from './errors.js';

export type TokenKind = 'number' | 'name' | 'op' | 'lparen' | 'rparen' | 'comma' | 'assign' | 'newline' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Normalised text: operators map to + - * / ^ ; superscripts to "²"/"³" as typed. */
  readonly text: string;
  readonly value?: number;
  /** 0-based offset and length in the source. */
  readonly start: number;
  readonly length: number;
}

const OPERATORS: Readonly<Record<string, string>> = {
  '+': '+',
  '-': '-',
  '\u2212': '-', // − minus sign
  '*': '*',
  '\u00d7': '*', // ×
  '\u00b7': '*', // ·
  '\u22c5': '*', // ⋅
  '/': '/',
  '\u00f7': '/', // ÷
  '^': '^',
  '\u00b2': '²',
  '\u00b3': '³',
};

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{Nd}_]/u; // not \p{N}: "x²" is x squared, not a name
const DIGIT = /[0-9]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n' || ch === ';') {
      tokens.push({ kind: 'newline', text: ch, start: i, length: 1 });
      i++;
      continue;
    }
    if (ch === '#') {
      // A comment runs to the end of the line, so a program can explain its steps.
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(source[i + 1] ?? ''))) {
      const start = i;
      i = scanNumber(source, i);
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, value: Number(text), start, length: i - start });
      continue;
    }
    if (NAME_START.test(ch)) {
      const start = i;
      while (i < source.length && NAME_PART.test(source[i]!)) i++;
      tokens.push({ kind: 'name', text: source.slice(start, i), start, length: i - start });
      continue;
    }
    if (ch === '*' && source[i + 1] === '*') {
      // Python's power operator, for people who paste from NumPy code.
      tokens.push({ kind: 'op', text: '^', start: i, length: 2 });
      i += 2;
      continue;
    }
    const op = OPERATORS[ch];
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op, start: i, length: 1 });
    } else if (ch === '(') {
      tokens.push({ kind: 'lparen', text: ch, start: i, length: 1 });
    } else if (ch === ')') {
      tokens.push({ kind: 'rparen', text: ch, start: i, length: 1 });
    } else if (ch === ',') {
      tokens.push({ kind: 'comma', text: ch, start: i, length: 1 });
    } else if (ch === '=') {
      tokens.push({ kind: 'assign', text: ch, start: i, length: 1 });
    } else {
      throw new GraphParseError('unexpected-character', `unexpected character "${ch}"`, placeAt(source, i));
    }
    i++;
  }
  tokens.push({ kind: 'end', text: '', start: source.length, length: 0 });
  return tokens;
}

/** Digits [. digits] [e|E [+|-] digits]; a dangling exponent or a second dot is an error. */
function scanNumber(source: string, start: number): number {
  let i = start;
  while (DIGIT.test(source[i] ?? '')) i++;
  if (source[i] === '.') {
    i++;
    while (DIGIT.test(source[i] ?? '')) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    if (!DIGIT.test(source[j] ?? '')) {
      throw new GraphParseError(
        'bad-number',
        `number "${source.slice(start, j)}" has an exponent without digits (write e.g. 1e-3)`,
        placeAt(source, start, j - start),
      );
    }
    i = j;
    while (DIGIT.test(source[i] ?? '')) i++;
  }
  if (source[i] === '.' || (NAME_PART.test(source[i] ?? '') && !DIGIT.test(source[i] ?? ''))) {
    // "1.2.3" or "2x": say so here rather than as a confusing token error later.
    let end = i;
    while (end < source.length && (NAME_PART.test(source[end]!) || source[end] === '.')) end++;
    const text = source.slice(start, end);
    const detail =
      source[i] === '.'
        ? `malformed number "${text}"`
        : `"${text}" is not a number; write multiplication explicitly (${source.slice(start, i)}*${source.slice(i, end)})`;
    throw new GraphParseError('bad-number', detail, placeAt(source, start, end - start));
  }
  return i;
}
