/**
 * JSON text in and out of the codecs. Parsing uses the native JSON.parse (fast on big weight
 * files); only when it fails, or when a decoded value is rejected, is the text scanned again
 * with jsonc-parser to say where: the native messages differ between Node and Chromium and
 * often omit the position.
 */
import { type Node, findNodeAtLocation, parseTree } from 'jsonc-parser';
import {
  MAX_JSON_DEPTH,
  STRICT_JSON,
  findExcessiveNesting,
  findJsonSyntaxError,
  lineColumnAt,
  nestingMessage,
} from '../core/json-syntax.js';
import { FormatError, type PathSegment, type SourceLocation } from './format-error.js';

/** Editors write a BOM on some systems; JSON.parse rejects it, people would not see why. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON text; a syntax error becomes a FormatError with a 1-based line and column. */
export function parseJsonText(text: string): unknown {
  const clean = stripBom(text);
  if (clean.trim() === '')
    throw new FormatError('the file is empty (expected a JSON object)', [], { location: { line: 1, column: 1 } });
  const deep = findExcessiveNesting(clean, MAX_JSON_DEPTH);
  if (deep) {
    throw new FormatError(`invalid file: ${nestingMessage(MAX_JSON_DEPTH)}`, [], {
      location: { line: deep.line, column: deep.column },
    });
  }
  try {
    return JSON.parse(clean) as unknown;
  } catch (nativeError) {
    throw locateSyntaxError(clean) ?? new FormatError(`invalid JSON: ${(nativeError as Error).message}`);
  }
}

function locateSyntaxError(text: string): FormatError | null {
  const found = findJsonSyntaxError(text);
  return found
    ? new FormatError(`invalid JSON: ${found.reason}`, [], { location: { line: found.line, column: found.column } })
    : null;
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
  return lineColumnAt(clean, offset);
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
