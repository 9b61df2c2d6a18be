/**
 * Errors for files that break FORMATS.md. Every error names the key path of the offending
 * value (`parameters[1].W[3][0]`) and, when the text is at hand, its line and column, so a
 * person can go straight to the mistake in an editor.
 */

export type PathSegment = string | number;

/** `['parameters', 1, 'W', 3, 0]` → `parameters[1].W[3][0]`; keys that are not identifiers are quoted. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(root)' : out;
}

export interface SourceLocation {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in UTF-16 code units like editors do. */
  readonly column: number;
}

/** A file that cannot be read (or written) as the format it claims to be. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  /** The bare reason, without path or location. */
  readonly reason: string;
  readonly segments: readonly PathSegment[];
  readonly location: SourceLocation | null;
  readonly file: string | null;

  constructor(
    reason: string,
    segments: readonly PathSegment[] = [],
    options: { location?: SourceLocation | null; file?: string | null } = {},
  ) {
    super(composeMessage(reason, segments, options.location ?? null, options.file ?? null));
    this.reason = reason;
    this.segments = segments;
    this.location = options.location ?? null;
    this.file = options.file ?? null;
  }

  /** The key path as written in messages, or '' for errors about the whole text (JSON syntax). */
  get path(): string {
    return this.segments.length === 0 ? '' : formatPath(this.segments);
  }

  /** The same error, placed at a line/column and/or in a named file. */
  at(extra: { location?: SourceLocation | null; file?: string | null }): FormatError {
    return new FormatError(this.reason, this.segments, {
      location: extra.location !== undefined ? extra.location : this.location,
      file: extra.file !== undefined ? extra.file : this.file,
    });
  }
}

/** `file: path: reason (line L, column C)`: the key path leads, as people search for it first. */
function composeMessage(
  reason: string,
  segments: readonly PathSegment[],
  location: SourceLocation | null,
  file: string | null,
): string {
  let out = file !== null ? `${file}: ` : '';
  if (segments.length > 0) out += `${formatPath(segments)}: `;
  out += reason;
  if (location) out += ` (line ${location.line}, column ${location.column})`;
  return out;
}

/** A short, human description of a JSON value for "expected X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
