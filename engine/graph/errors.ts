/**
 * Typed errors of graph mode. Every parse error carries the place it happened (0-based offset
 * for a caret, 1-based line and column for people) and, for misspelt names, close candidates.
 * Domain errors name the node where the math broke, so the view can highlight it.
 */

export type ParseErrorKind =
  | 'unexpected-character'
  | 'bad-number'
  | 'unexpected-token'
  | 'unexpected-end'
  | 'missing-paren'
  | 'unmatched-paren'
  | 'unknown-function'
  | 'unknown-variable'
  | 'not-a-function'
  | 'function-needs-argument'
  | 'wrong-arity'
  | 'bad-assignment'
  | 'empty';

export interface SourcePlace {
  /** 0-based offset into the whole source text. */
  readonly offset: number;
  /** How many characters the caret should underline (at least 1). */
  readonly length: number;
  /** 1-based line and column, as an editor shows them. */
  readonly line: number;
  readonly column: number;
}

export function placeAt(source: string, offset: number, length = 1): SourcePlace {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, length: Math.max(1, length), line, column: offset - lineStart + 1 };
}

export class GraphParseError extends Error {
  override readonly name = 'GraphParseError';
  constructor(
    readonly kind: ParseErrorKind,
    readonly detail: string,
    readonly place: SourcePlace,
    readonly suggestions: readonly string[] = [],
  ) {
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?)` : '';
    const where = place.line > 1 ? `line ${place.line}, column ${place.column}` : `column ${place.column}`;
    super(`${where}: ${detail}${hint}`);
  }
  get column(): number {
    return this.place.column;
  }
  get line(): number {
    return this.place.line;
  }
}

/** Bad arguments to graph construction or evaluation (op lists, missing inputs). */
export class GraphInputError extends Error {
  override readonly name = 'GraphInputError';
  constructor(
    message: string,
    /** What the error is about: an op name, a variable, "inputs.x"… */
    readonly path: string,
    readonly suggestions: readonly string[] = [],
  ) {
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?)` : '';
    super(`${path}: ${message}${hint}`);
  }
}

/** A value outside an operation's domain (or a non-finite result), found at one node. */
export class GraphDomainError extends Error {
  override readonly name = 'GraphDomainError';
  constructor(
    readonly detail: string,
    readonly nodeId: number,
    readonly nodeName: string,
    /** The node's formula with its inputs' names, e.g. "log(b)". */
    readonly formula: string,
    /** The input values the op received. */
    readonly inputValues: readonly number[],
    readonly phase: 'forward' | 'backward',
    /** Where the node's expression starts in the source text, when it came from the parser. */
    readonly place?: SourcePlace,
  ) {
    const at = place ? ` (${place.line > 1 ? `line ${place.line}, ` : ''}column ${place.column})` : '';
    super(`${detail} at node ${nodeName} = ${formula}${at}`);
  }
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: "sigmiod"). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** Up to `max` candidates close to `name` (case-insensitive), nearest first. */
export function closeNames(name: string, candidates: Iterable<string>, max = 2): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: { name: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase());
    const prefix = c.toLowerCase().startsWith(lower) && lower.length >= 2;
    if (d <= limit || prefix) scored.push({ name: c, d: prefix ? Math.min(d, limit) : d });
  }
  scored.sort((p, q) => p.d - q.d || p.name.localeCompare(q.name));
  return scored.slice(0, max).map((s) => s.name);
}
