/**
 * Where strict JSON text breaks, in words people can act on: shared by the weight/batch/gradients
 * file codecs (engine/io) and the JSON dataset parser (engine/data). JSON.parse does the parsing
 * in both (fast on big files); only when it fails is the text scanned again with jsonc-parser,
 * because the native messages differ between Node and Chromium and often omit the position.
 */
import { printParseErrorCode, visit } from 'jsonc-parser';

/** What a hand-edited JSON file most often gets wrong, keyed by jsonc-parser's error names. */
const REASONS: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'unexpected character (JSON has no NaN, Infinity, comments or unquoted words)',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between items, or a closing ']' or '}'",
  CloseBraceExpected: "expected ',' or '}' (an object is not closed)",
  CloseBracketExpected: "expected ',' or ']' (an array is not closed)",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape character in a string',
  InvalidCharacter: 'invalid character in a string (control characters must be escaped)',
};

/** The strict-JSON options of jsonc-parser (no comments, no trailing commas, no empty text). */
export const STRICT_JSON = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

export interface JsonSyntaxError {
  /** e.g. "expected a value (JSON allows no comma before a closing bracket)". */
  readonly reason: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

/** The first syntax error in `text`, or null when jsonc-parser finds none (then say what JSON.parse said). */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let found: JsonSyntaxError | null = null;
  visit(
    text,
    {
      onError: (code, offset) => {
        if (found) return;
        const name = printParseErrorCode(code);
        let reason = REASONS[name] ?? `invalid JSON (${name})`;
        if (isTrailingComma(text, offset)) reason += ' (JSON allows no comma before a closing bracket)';
        found = { reason, ...lineColumnAt(text, offset) };
      },
    },
    STRICT_JSON,
  );
  return found;
}

/** A `}` or `]` right after a comma: the most common hand-editing mistake, worth naming. */
function isTrailingComma(text: string, offset: number): boolean {
  const ch = text[offset];
  if (ch !== '}' && ch !== ']') return false;
  let k = offset - 1;
  while (k >= 0 && /\s/.test(text[k]!)) k--;
  return text[k] === ',';
}

/** 1-based line and column of a character offset (lines end at \n; a \r before it counts as a column). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Our JSON files nest a few levels (weights: object → parameters → W → matrix → row); datasets
 * are tables. Deeper text is refused before anything walks it recursively (jsonc-parser, the
 * decoders), which would end in "Maximum call stack size exceeded".
 */
export const MAX_JSON_DEPTH = 64;

/** Where `text` first nests arrays/objects deeper than `maxDepth` (outside strings), or null. */
export function findExcessiveNesting(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
): { depth: number; line: number; column: number } | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return { depth, ...lineColumnAt(text, i) };
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return null;
}

/** The words for a nesting error, shared by every JSON reader. */
export function nestingMessage(maxDepth: number): string {
  return `arrays and objects are nested more than ${maxDepth} levels deep (no Backprop Lens file or dataset nests that deep)`;
}
