/**
 * CSV / TSV / whitespace-separated text, parsed incrementally (push text chunks, then finish) so a
 * large file never has to be one string, and every cell knows its exact line and field number.
 *
 * Hand-written rather than Papa Parse because errors must name the line of a row even after
 * quoted fields that span lines, and the column of the bad cell; Papa Parse reports row indexes
 * only. Papa Parse serves as the independent oracle in the tests instead.
 *
 * Rules: RFC 4180 quotes ("" inside a quoted field is a quote) for character delimiters; runs of
 * spaces/tabs separate fields in whitespace mode (numpy.loadtxt style, no quoting); lines that are
 * blank or start with the comment prefix (default '#') are skipped; \n, \r\n and \r end lines;
 * a UTF-8 byte-order mark is ignored.
 */
import { DatasetError } from '../errors.js';
import { ColumnBuilder, defaultColumnName, type Table, type TextReadInfo } from '../table.js';
import {
  resolveLimits,
  type DatasetLimits,
  type Delimiter,
  type DelimiterChoice,
  type EncodingChoice,
  type HeaderChoice,
  type ParseOptions,
} from '../types.js';
import { TextDecoding } from './encoding.js';
import { feedBytesAsText, feedStreamAsText, feedString } from './input.js';
import {
  type CountsHeader,
  SNIFF_BYTES,
  countsHeaderOf,
  countsLine,
  looksLikeHeader,
  sniffDelimiter,
  uniqueNames,
} from './delimited-sniff.js';

export { sniffDelimiter } from './delimited-sniff.js';

export type { Delimiter } from '../types.js';

export interface DelimitedOptions extends ParseOptions {
  /** 'auto' (default) sniffs the first lines; the file extension breaks ties. */
  readonly delimiter?: DelimiterChoice;
  /**
   * 'auto' (default): the first row is a header when it has a non-numeric cell above a numeric
   * one, or when it is a scikit-learn counts line (`150,4,setosa,versicolor,virginica`).
   * 'yes'/'no' (or true/false) decide.
   */
  readonly header?: HeaderChoice | boolean;
  /** Lines dropped before anything is read (a preamble, a title). Default 0. */
  readonly skipLines?: number;
  /** Text encoding of bytes (strings are already decoded); see encoding.ts. Default 'auto'. */
  readonly encoding?: EncodingChoice;
  /** Lines starting with this are skipped; null keeps them. Default '#'. */
  readonly comment?: string | null;
}


// Tokenizer states (plain numbers: hot loop, and const enums do not survive isolatedModules).
const State = { FieldStart: 0, Unquoted: 1, Quoted: 2, QuoteInQuoted: 3, Comment: 4 } as const;
type State = (typeof State)[keyof typeof State];

const CR = 13;
const LF = 10;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

export class DelimitedTextParser {
  private readonly limits: DatasetLimits;
  private readonly file: string | undefined;
  private delimiter: Delimiter | null;
  private delimCode = 0;
  private readonly comment: string | null;
  private readonly headerOption: boolean | 'auto';
  private toSkip: number;
  private readonly skipLines: number;
  private sniffed = false;
  private countsHeader: CountsHeader | null = null;

  private sniffBuffer: string | null = '';
  private started = false;

  // tokenizer state
  private state: State = State.FieldStart;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private fields: string[] = [];
  private carry = '';
  private afterDelimiter = false;
  private pendingCR = false;
  private quotedCR = false;

  // table state
  private pendingRecords: { fields: string[]; line: number }[] = [];
  private headerDecided = false;
  private hasHeader = false;
  private headerLine = 0;
  private columns: ColumnBuilder[] = [];
  private rowLines = new Int32Array(1024);
  private rows = 0;

  constructor(options: DelimitedOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.file = options.fileName;
    this.comment = options.comment === undefined ? '#' : options.comment;
    const h = options.header ?? 'auto';
    this.headerOption = h === 'yes' ? true : h === 'no' ? false : h;
    const d = options.delimiter ?? 'auto';
    this.delimiter = d === 'auto' ? null : d;
    this.skipLines = this.toSkip = options.skipLines ?? 0;
    this.line = this.recordLine = this.quoteLine = this.skipLines + 1;
  }

  /** Feeds the next piece of text (any split point, even inside a quoted field or a \r\n). */
  push(text: string): void {
    if (this.toSkip > 0) {
      let at = 0;
      while (this.toSkip > 0) {
        const nl = text.indexOf('\n', at);
        if (nl < 0) return; // the rest of this chunk is inside a skipped line
        at = nl + 1;
        this.toSkip--;
      }
      text = text.slice(at);
    }
    // The first 64 KiB are gathered even with a given delimiter: the binary-data check below sees
    // the same text whatever the chunking, so errors do not depend on where chunks were cut.
    if (this.sniffBuffer !== null) {
      this.sniffBuffer += text;
      if (this.sniffBuffer.length < SNIFF_BYTES) return;
      this.startWith(this.sniffBuffer);
      return;
    }
    this.scan(text);
  }

  finish(): Table {
    if (this.sniffBuffer !== null) this.startWith(this.sniffBuffer);
    if (this.state === State.Quoted) {
      throw this.error('unterminated-quote', 'a quoted field is never closed (missing ")', {
        line: this.quoteLine,
        column: this.fields.length + 1,
      });
    }
    if (this.state === State.Unquoted || this.state === State.QuoteInQuoted) this.pushField(this.carry);
    else if (this.state === State.FieldStart && this.afterDelimiter) this.pushField(''); // "1,2," ends in an empty field
    this.carry = '';
    this.state = State.FieldStart;
    if (this.fields.length > 0) this.endRecord();
    if (!this.headerDecided) this.decideHeader();
    if (this.columns.length === 0 || this.rows === 0) {
      const what = this.hasHeader ? 'has a header but no data rows' : 'has no data rows';
      throw this.error('empty', `the file ${what}`, this.hasHeader ? { line: this.headerLine } : {});
    }
    const columns = this.columns.map((c) => c.finish());
    const rowLines = this.rowLines.slice(0, this.rows);
    const file = this.file;
    const withFile = file !== undefined ? { file } : {};
    const counts = this.countsHeader;
    const text: TextReadInfo = {
      delimiter: this.delimiter ?? ',',
      delimiterSniffed: this.sniffed,
      header: this.hasHeader || counts !== null ? 'yes' : 'no',
      ...(counts ? { countsHeader: counts } : {}),
      encoding: 'utf-8',
      skippedLines: this.skipLines,
      notices: [],
    };
    return {
      source: file,
      rows: this.rows,
      columns,
      hasHeader: this.hasHeader || counts !== null,
      defaultTargets: [columns.length - 1],
      text,
      ...(counts && counts.classes.length > 0
        ? { classLabels: { column: columns.length - 1, names: counts.classes } }
        : {}),
      cellLocation: (row, column) => ({
        ...withFile,
        line: rowLines[row]!,
        column: column + 1,
        field: `"${columns[column]!.name}"`,
      }),
      rowLocation: (row) => ({ ...withFile, line: rowLines[row]! }),
    };
  }

  /** The delimiter in use (after sniffing), for `info` output. */
  get detectedDelimiter(): Delimiter | null {
    return this.delimiter;
  }

  private startWith(text: string): void {
    this.sniffBuffer = null;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // /dev/zero, an image, UTF-16: refuse at once rather than parse megabytes of NULs.
      if (text.slice(0, SNIFF_BYTES).indexOf('\0') >= 0) {
        throw this.error(
          'unknown-format',
          'binary data, not text (a NUL character near the start): not a CSV/TSV/text, JSON, .npy or IDX file (UTF-16 text must be saved as UTF-8)',
          {},
        );
      }
      if (this.delimiter === null) {
        this.delimiter = sniffDelimiter(text, this.file, this.comment);
        this.sniffed = true;
      }
      this.delimCode = this.delimiter === 'whitespace' ? -1 : this.delimiter.charCodeAt(0);
    }
    this.scan(text);
  }

  private scan(text: string): void {
    const ws = this.delimCode === -1;
    const delim = this.delimCode;
    let start = 0; // where the current unquoted/quoted run began in `text`
    let i = 0;
    const n = text.length;
    if (this.pendingCR && n > 0) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === LF) i = start = 1;
    }
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case State.FieldStart: {
          if (c === LF || c === CR) {
            if (this.fields.length > 0 || this.afterDelimiter) {
              if (this.afterDelimiter) this.pushField('');
              this.endRecord();
            }
            i = this.newline(text, i);
            continue;
          }
          if (ws && (c === SPACE || c === TAB)) continue;
          if (this.fields.length === 0 && !this.afterDelimiter) {
            this.recordLine = this.line;
            if (this.comment !== null && text.startsWith(this.comment, i)) {
              this.state = State.Comment;
              continue;
            }
          }
          if (!ws && c === delim) {
            this.pushField('');
            this.afterDelimiter = true;
            continue;
          }
          if (!ws && c === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            this.carry = '';
            start = i + 1;
            continue;
          }
          this.state = State.Unquoted;
          this.carry = '';
          start = i;
          break;
        }
        case State.Unquoted: {
          if (!ws) {
            // Fast scan to the end of an unquoted field: the common case of numeric CSV.
            let k = i;
            while (k < n) {
              const d = text.charCodeAt(k);
              if (d === delim || d === LF || d === CR) break;
              k++;
            }
            if (k === n) {
              i = n;
              break;
            }
            i = k;
          }
          const c2 = text.charCodeAt(i);
          const endsField = ws ? c2 === SPACE || c2 === TAB : c2 === delim;
          if (endsField) {
            this.pushField(this.carry + text.slice(start, i));
            this.carry = '';
            this.state = State.FieldStart;
            this.afterDelimiter = !ws;
          } else if (c2 === LF || c2 === CR) {
            this.pushField(this.carry + text.slice(start, i));
            this.carry = '';
            this.endRecord();
            this.state = State.FieldStart;
            i = this.newline(text, i);
          }
          break;
        }
        case State.Quoted: {
          if (c === QUOTE) {
            this.carry += text.slice(start, i);
            this.state = State.QuoteInQuoted;
          } else if (c === LF) {
            if (!this.quotedCR) this.line++;
            this.quotedCR = false;
          } else if (c === CR) {
            this.line++;
            this.quotedCR = true; // a following \n is the same line break
          } else {
            this.quotedCR = false;
          }
          break;
        }
        case State.QuoteInQuoted: {
          if (c === QUOTE) {
            this.state = State.Quoted;
            start = i; // keep this quote as a literal
          } else if (c === delim) {
            this.pushField(this.carry);
            this.carry = '';
            this.state = State.FieldStart;
            this.afterDelimiter = true;
          } else if (c === LF || c === CR) {
            this.pushField(this.carry);
            this.carry = '';
            this.endRecord();
            this.state = State.FieldStart;
            i = this.newline(text, i);
          } else {
            throw this.error('bad-structure', `unexpected character "${text[i]}" after the closing quote of a field`, {
              line: this.line,
              column: this.fields.length + 1,
            });
          }
          break;
        }
        case State.Comment: {
          if (c === LF || c === CR) {
            this.state = State.FieldStart;
            i = this.newline(text, i);
          }
          break;
        }
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.carry += text.slice(start, n);
  }

  /** Counts a line break at text[i] (\r\n as one) and returns the index of its last character. */
  private newline(text: string, i: number): number {
    this.line++;
    if (text.charCodeAt(i) === CR) {
      if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === LF) return i + 1;
      } else {
        this.pendingCR = true; // a \n at the start of the next chunk belongs to this \r
      }
    }
    return i;
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    this.afterDelimiter = false;
    // A line of only spaces in CSV mode is blank, not a row with one empty cell.
    if (fields.length === 1 && fields[0]!.trim() === '') return;
    if (fields.length === 0) return;
    const line = this.recordLine;
    if (!this.headerDecided) {
      this.pendingRecords.push({ fields, line });
      // A counts line may be followed by a line of column names: look at one more record.
      const wanted = this.headerOption !== 'auto' ? 1 : countsLine(this.pendingRecords[0]!.fields) ? 3 : 2;
      if (this.pendingRecords.length >= wanted) this.decideHeader();
      return;
    }
    this.addRow(fields, line);
  }

  private decideHeader(): void {
    this.headerDecided = true;
    const pending = this.pendingRecords;
    this.pendingRecords = [];
    if (pending.length === 0) return;
    if (this.headerOption !== false) {
      const counts = countsHeaderOf(pending);
      if (counts !== null) {
        this.countsHeader = counts;
        this.headerLine = pending[0]!.line;
        pending.shift();
      }
    }
    const first = pending[0];
    if (first === undefined) return;
    let header: boolean;
    if (this.headerOption !== 'auto') header = this.headerOption && this.countsHeader === null;
    else header = looksLikeHeader(first.fields, pending[1]?.fields);
    this.hasHeader = header;
    this.checkColumns(first.fields.length, first.line);
    const names = header ? uniqueNames(first.fields) : first.fields.map((_, j) => defaultColumnName(j));
    this.columns = names.map((name) => new ColumnBuilder(name));
    if (header) this.headerLine = first.line;
    for (const rec of header ? pending.slice(1) : pending) this.addRow(rec.fields, rec.line);
  }

  private pushField(field: string): void {
    this.fields.push(field);
    // Checked as fields arrive, so a line of a million fields is refused before it is held.
    if (this.fields.length > this.limits.maxColumns) this.checkColumns(this.fields.length, this.recordLine);
  }

  /** Refuses a line wider than the column limit before a column is built for each field. */
  private checkColumns(count: number, line: number): void {
    const { maxColumns } = this.limits;
    if (count > maxColumns) {
      throw this.error(
        'too-large',
        `a line with ${count.toLocaleString('en-US')} fields is over the limit of ${maxColumns.toLocaleString('en-US')} columns; raise maxColumns (--max-columns) if the file really is that wide`,
        { line },
      );
    }
  }

  private addRow(fields: string[], line: number): void {
    const ncols = this.columns.length;
    if (fields.length !== ncols) {
      const firstLine = this.hasHeader ? this.headerLine : this.rows > 0 ? this.rowLines[0]! : line;
      const what = this.hasHeader ? 'the header' : 'the first row';
      throw this.error(
        'ragged-row',
        `row has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${ncols} as in ${what} (line ${firstLine})`,
        { line, column: Math.min(fields.length, ncols) + 1 },
      );
    }
    if ((this.rows + 1) * ncols > this.limits.maxCells) {
      throw this.error(
        'too-large',
        `more than ${this.limits.maxCells.toLocaleString('en-US')} cells (rows × columns); raise the maxCells limit or use a smaller file`,
        { line },
      );
    }
    for (let j = 0; j < ncols; j++) this.columns[j]!.push(fields[j]!);
    if (this.rows === this.rowLines.length) {
      const grown = new Int32Array(this.rowLines.length * 2);
      grown.set(this.rowLines);
      this.rowLines = grown;
    }
    this.rowLines[this.rows++] = line;
  }

  private error(
    code: ConstructorParameters<typeof DatasetError>[0],
    detail: string,
    where: { line?: number; column?: number },
  ) {
    return new DatasetError(code, detail, { ...(this.file !== undefined ? { file: this.file } : {}), ...where });
  }
}

/** Parses a whole text (or UTF-8 bytes) into a table. */
export function parseDelimited(input: string | Uint8Array, options: DelimitedOptions = {}): Table {
  const parser = new DelimitedTextParser(options);
  if (typeof input === 'string') {
    feedString(input, (t) => parser.push(t), options);
    return parser.finish();
  }
  const decoding = new TextDecoding(options.encoding ?? 'auto', options.fileName);
  feedBytesAsText(input, (t) => parser.push(t), options, decoding);
  return withDecoding(parser.finish(), decoding);
}

/** Records the encoding actually used, and its notices, in the table's read info. */
export function withDecoding(table: Table, decoding: TextDecoding): Table {
  const text = table.text;
  if (!text) return table;
  return { ...table, text: { ...text, encoding: decoding.used, notices: [...text.notices, ...decoding.notices] } };
}

/** Parses a stream of UTF-8 chunks without holding the whole file as text. */
export async function parseDelimitedStream(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number | null,
  options: DelimitedOptions = {},
): Promise<Table> {
  const parser = new DelimitedTextParser(options);
  const decoding = new TextDecoding(options.encoding ?? 'auto', options.fileName);
  await feedStreamAsText(chunks, totalBytes, (t) => parser.push(t), options, decoding);
  return withDecoding(parser.finish(), decoding);
}
