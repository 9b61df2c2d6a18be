/**
 * The one error type every dataset parser and builder throws for bad input. It carries where the
 * problem is (file, line, column, field, byte offset) as fields, so the CLI can print one line and
 * the dashboard can point at the cell, and a message that already says all of it.
 */
export type DatasetErrorCode =
  | 'empty'
  | 'too-large'
  | 'ragged-row'
  | 'non-numeric'
  | 'non-finite'
  | 'missing-value'
  | 'unterminated-quote'
  | 'bad-json'
  | 'bad-structure'
  | 'bad-magic'
  | 'truncated'
  | 'trailing-bytes'
  | 'unsupported-dtype'
  | 'fortran-order'
  | 'bad-header'
  | 'bad-gzip'
  | 'unknown-format'
  | 'unknown-column'
  | 'one-class'
  | 'unknown-class'
  | 'length-mismatch'
  | 'bad-targets'
  | 'bad-preprocessing'
  | 'unknown-dataset'
  | 'bad-param'
  | 'aborted'
  | 'unreadable'
  | 'bad-encoding'
  | 'identifier-labels'
  | 'too-deep';

export interface DatasetErrorLocation {
  /** File name (or a label such as "X.npy") the input came from. */
  readonly file?: string;
  /** 1-based line in a text file. */
  readonly line?: number;
  /** 1-based column: the field number in delimited text, the character column in JSON. */
  readonly column?: number;
  /** Column name, JSON key path (`[3].label`, `X[2][1]`) or header key. */
  readonly field?: string;
  /** 0-based byte offset in a binary file (IDX, npy, gzip). */
  readonly offset?: number;
}

export class DatasetError extends Error implements DatasetErrorLocation {
  readonly code: DatasetErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  readonly offset?: number;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(code: DatasetErrorCode, detail: string, where: DatasetErrorLocation = {}) {
    super(formatMessage(detail, where));
    this.name = 'DatasetError';
    this.code = code;
    this.detail = detail;
    if (where.file !== undefined) this.file = where.file;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.field !== undefined) this.field = where.field;
    if (where.offset !== undefined) this.offset = where.offset;
  }

  /** The same error with a file name filled in (parsers of bytes do not know the name). */
  withFile(file: string | undefined): DatasetError {
    if (file === undefined || this.file !== undefined) return this;
    return new DatasetError(this.code, this.detail, { ...this.location(), file });
  }

  location(): DatasetErrorLocation {
    const out: { -readonly [K in keyof DatasetErrorLocation]: DatasetErrorLocation[K] } = {};
    if (this.file !== undefined) out.file = this.file;
    if (this.line !== undefined) out.line = this.line;
    if (this.column !== undefined) out.column = this.column;
    if (this.field !== undefined) out.field = this.field;
    if (this.offset !== undefined) out.offset = this.offset;
    return out;
  }
}

/** "data.csv, line 4, column 2 (field "x2"): non-numeric cell "abc"". */
function formatMessage(detail: string, w: DatasetErrorLocation): string {
  const parts: string[] = [];
  if (w.file !== undefined) parts.push(w.file);
  if (w.line !== undefined) parts.push(`line ${w.line}`);
  if (w.column !== undefined) parts.push(`column ${w.column}`);
  if (w.offset !== undefined) parts.push(`byte ${w.offset}`);
  let where = parts.join(', ');
  if (w.field !== undefined) where += where === '' ? `field ${w.field}` : ` (field ${w.field})`;
  return where === '' ? detail : `${where}: ${detail}`;
}

export function isDatasetError(e: unknown): e is DatasetError {
  return e instanceof DatasetError;
}
