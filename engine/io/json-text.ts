/**
 * JSON text in and out of the codecs. Parsing uses the native JSON.parse (fast on big weight
 * files); only when it fails, or when a decoded value is rejected, is the text scanned again
 * with jsonc-parser to say where: the native messages differ between Node and Chromium and
 * often omit the position.
 */
import { type Node, findNodeAtLocation, parseTree, printParseErrorCode, visit } from 'jsonc-parser';
import { FormatError, type PathSegment, type SourceLocation } from './format-error.js';

const STRICT_JSON = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

// Keyed by jsonc-parser's error names (its codes are an ambient const enum).
const SYNTAX_REASONS: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
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

/** Editors write a BOM on some systems; JSON.parse rejects it, people would not see why. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON text; a syntax error becomes a FormatError with a 1-based line and column. */
export function parseJsonText(text: string): unknown {
  const clean = stripBom(text);
  if (clean.trim() === '')
    throw new FormatError('the file is empty (expected a JSON object)', [], { location: { line: 1, column: 1 } });
  try {
    return JSON.parse(clean) as unknown;
  } catch (nativeError) {
    throw locateSyntaxError(clean) ?? new FormatError(`invalid JSON: ${(nativeError as Error).message}`);
  }
}

function locateSyntaxError(text: string): FormatError | null {
  let found: FormatError | null = null;
  visit(
    text,
    {
      onError: (code, offset, _length, startLine, startCharacter) => {
        if (found) return;
        let reason = SYNTAX_REASONS[printParseErrorCode(code)] ?? 'invalid JSON';
        if (isTrailingComma(text, offset)) reason += ' (JSON allows no comma before a closing bracket)';
        found = new FormatError(`invalid JSON: ${reason}`, [], {
          location: { line: startLine + 1, column: startCharacter + 1 },
        });
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

/**
 * Where the value at `segments` starts in the text (or the deepest existing parent, for a
 * missing key); null when the text cannot be mapped (it was not parsed from text).
 */
export function locatePath(text: string, segments: readonly PathSegment[]): SourceLocation | null {
  const clean = stripBom(text);
  const root = parseTree(clean, [], STRICT_JSON);
  if (!root) return null;
  let node: Node | undefined;
  for (let depth = segments.length; depth >= 0 && !node; depth--) {
    node = findNodeAtLocation(root, segments.slice(0, depth) as PathSegment[]);
  }
  if (!node) return null;
  // Point at `"key": value` rather than at the value, which is what editors highlight.
  const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
  return offsetToLocation(clean, offset);
}

function offsetToLocation(text: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Runs a decoder on parsed text; a FormatError it throws gets the line and column of the
 * offending key, so every validation message can say both the path and the place.
 */
export function decodeText<T>(text: string, decode: (value: unknown) => T): T {
  const value = parseJsonText(text);
  try {
    return decode(value);
  } catch (e) {
    if (e instanceof FormatError && e.location === null) throw e.at({ location: locatePath(text, e.segments) });
    throw e;
  }
}
