/**
 * JSON datasets, three shapes:
 *  - an array of objects, one per sample (`[{"x1": 0.5, "x2": 1, "label": "cat"}, …]`);
 *  - an array of numeric rows (`[[0.5, 1, 0], …]`, the last number the target by default);
 *  - an object `{ "X": [[…]], "Y": [[…]] }` (Y may also be a list of numbers or of class labels),
 *    which includes the `backprop-lens/batch` file of FORMATS.md. Optional "featureNames",
 *    "targetNames" name the columns.
 * JSON.parse does the parsing; only on an error is the text scanned again (jsonc-parser) to turn
 * a character offset or key path into a line and column.
 */
import { findNodeAtLocation, parseTree, type JSONPath } from 'jsonc-parser';
import { findExcessiveNesting, findJsonSyntaxError, lineColumnAt, nestingMessage } from '../../core/json-syntax.js';
import { DatasetError, type DatasetErrorLocation } from '../errors.js';
import { ColumnBuilder, defaultColumnName, type Table } from '../table.js';
import { resolveLimits, type ParseOptions } from '../types.js';
import { checkAborted, checkByteLimit, where } from './input.js';

const BATCH_FORMAT = 'backprop-lens/batch';

export function parseJsonTable(input: string | Uint8Array, options: ParseOptions = {}): Table {
  checkByteLimit(input.length, options);
  checkAborted(options);
  let text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const file = options.fileName;
  if (text.trim() === '') throw new DatasetError('empty', 'the file is empty', where(file));
  const maxCells = resolveLimits(options.limits).maxCells;
  // JSON.parse builds every value before the cell limit could be checked; a comma count is a
  // cheap upper bound on the values, so an oversized file fails here instead of exhausting memory.
  let commas = 0;
  for (let at = text.indexOf(','); at >= 0; at = text.indexOf(',', at + 1)) commas++;
  if (commas > 2 * maxCells) {
    throw new DatasetError(
      'too-large',
      `about ${commas.toLocaleString('en-US')} values, over the ${maxCells.toLocaleString('en-US')}-cell limit`,
      where(file),
    );
  }
  const { maxDepth } = resolveLimits(options.limits);
  const deep = findExcessiveNesting(text, maxDepth);
  if (deep) {
    throw new DatasetError('too-deep', nestingMessage(maxDepth), {
      ...where(file),
      line: deep.line,
      column: deep.column,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw syntaxError(text, file, e);
  }
  options.onProgress?.({ bytesDone: input.length, bytesTotal: input.length });
  const locate = (path: JSONPath, field: string): DatasetErrorLocation => locatePath(text, file, path, field);
  if (Array.isArray(value)) return fromArray(value, file, locate, maxCells);
  if (typeof value === 'object' && value !== null)
    return fromXY(value as Record<string, unknown>, file, locate, maxCells);
  throw new DatasetError(
    'bad-structure',
    `expected an array of samples or an object with "X" and "Y", got ${typeName(value)}`,
    {
      ...where(file),
      line: 1,
      column: 1,
    },
  );
}

function syntaxError(text: string, file: string | undefined, native: unknown): DatasetError {
  const found = findJsonSyntaxError(text);
  return found
    ? new DatasetError('bad-json', `invalid JSON: ${found.reason}`, {
        ...where(file),
        line: found.line,
        column: found.column,
      })
    : new DatasetError('bad-json', `invalid JSON (${nativeReason(native)})`, where(file));
}

/** V8's own message, minus the copy of the text it quotes (used when jsonc-parser finds nothing). */
function nativeReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .replace(/,? (\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .slice(0, 120);
}

/** Line and column of the value at a key path; parsed again only when an error needs it. */
function locatePath(text: string, file: string | undefined, path: JSONPath, field: string): DatasetErrorLocation {
  const root = parseTree(text);
  const node = root ? findNodeAtLocation(root, path) : undefined;
  if (node === undefined) return { ...where(file), field };
  const { line, column } = lineColumnAt(text, node.offset);
  return { ...where(file), line, column, field };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

type Locate = (path: JSONPath, field: string) => DatasetErrorLocation;

function fromArray(rows: unknown[], file: string | undefined, locate: Locate, maxCells: number): Table {
  if (rows.length === 0) throw new DatasetError('empty', 'the array has no samples', where(file));
  const first = rows[0];
  if (Array.isArray(first)) return fromRows(rows, file, locate, maxCells);
  if (typeof first !== 'object' || first === null) {
    throw new DatasetError(
      'bad-structure',
      `each sample must be an object or an array of numbers, got ${typeName(first)}`,
      locate([0], '[0]'),
    );
  }
  const keys = Object.keys(first);
  if (keys.length === 0) throw new DatasetError('bad-structure', 'the first sample has no keys', locate([0], '[0]'));
  checkCells(rows.length, keys.length, maxCells, file);
  const builders = keys.map((k) => new ColumnBuilder(k));
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new DatasetError(
        'bad-structure',
        `sample must be an object like the first one, got ${typeName(row)}`,
        locate([i], `[${i}]`),
      );
    }
    const obj = row as Record<string, unknown>;
    keys.forEach((k, j) => {
      if (!(k in obj))
        throw new DatasetError(
          'bad-structure',
          `sample has no "${k}" (the first sample has it)`,
          locate([i], `[${i}].${k}`),
        );
      pushCell(builders[j]!, obj[k], () => locate([i, k], `[${i}].${k}`));
    });
    if (Object.keys(obj).length !== keys.length) {
      const extra = Object.keys(obj).find((k) => !keys.includes(k))!;
      throw new DatasetError(
        'bad-structure',
        `sample has key "${extra}" that the first sample lacks`,
        locate([i, extra], `[${i}].${extra}`),
      );
    }
  });
  const columns = builders.map((b) => b.finish());
  return {
    source: file,
    rows: rows.length,
    columns,
    hasHeader: true,
    defaultTargets: [columns.length - 1],
    cellLocation: (r, c) => locate([r, keys[c]!], `[${r}].${keys[c]!}`),
    rowLocation: (r) => locate([r], `[${r}]`),
  };
}

function fromRows(rows: unknown[], file: string | undefined, locate: Locate, maxCells: number): Table {
  const width = (rows[0] as unknown[]).length;
  if (width === 0) throw new DatasetError('bad-structure', 'the first row is empty', locate([0], '[0]'));
  checkCells(rows.length, width, maxCells, file);
  const builders = Array.from({ length: width }, (_, j) => new ColumnBuilder(defaultColumnName(j)));
  rows.forEach((row, i) => {
    if (!Array.isArray(row))
      throw new DatasetError('bad-structure', `row must be an array, got ${typeName(row)}`, locate([i], `[${i}]`));
    if (row.length !== width) {
      throw new DatasetError(
        'ragged-row',
        `row has ${row.length} values, expected ${width} as in row 0`,
        locate([i], `[${i}]`),
      );
    }
    row.forEach((v, j) => pushCell(builders[j]!, v, () => locate([i, j], `[${i}][${j}]`)));
  });
  const columns = builders.map((b) => b.finish());
  return {
    source: file,
    rows: rows.length,
    columns,
    hasHeader: false,
    defaultTargets: [width - 1],
    cellLocation: (r, c) => locate([r, c], `[${r}][${c}]`),
    rowLocation: (r) => locate([r], `[${r}]`),
  };
}

/** {X, Y} objects, the batch file among them. */
function fromXY(obj: Record<string, unknown>, file: string | undefined, locate: Locate, maxCells: number): Table {
  if ('format' in obj && obj.format !== BATCH_FORMAT) {
    throw new DatasetError(
      'bad-structure',
      `this is a ${JSON.stringify(obj.format)} file, not a dataset (expected "${BATCH_FORMAT}" or plain {"X", "Y"})`,
      locate(['format'], 'format'),
    );
  }
  if (obj.format === BATCH_FORMAT && obj.version !== 1) {
    throw new DatasetError(
      'bad-structure',
      `unsupported ${BATCH_FORMAT} version ${JSON.stringify(obj.version)} (this build reads version 1)`,
      locate(['version'], 'version'),
    );
  }
  for (const key of ['X', 'Y'] as const) {
    if (!(key in obj)) {
      throw new DatasetError(
        'bad-structure',
        `missing "${key}": expected an object with "X" (rows of inputs) and "Y" (targets)`,
        { ...where(file), field: key },
      );
    }
    if (!Array.isArray(obj[key]))
      throw new DatasetError(
        'bad-structure',
        `"${key}" must be an array, got ${typeName(obj[key])}`,
        locate([key], key),
      );
  }
  const X = obj.X as unknown[];
  const Y = obj.Y as unknown[];
  if (X.length === 0) throw new DatasetError('empty', '"X" has no rows', locate(['X'], 'X'));
  if (X.length !== Y.length) {
    throw new DatasetError('length-mismatch', `"X" has ${X.length} rows but "Y" has ${Y.length}`, locate(['Y'], 'Y'));
  }
  const xShape = matrixShape(X, 'X', locate);
  const yShape = matrixShape(Y, 'Y', locate);
  checkCells(X.length, xShape.width + yShape.width, maxCells, file);
  const featureNames = names(obj.featureNames, xShape.width, 'featureNames', (j) => `x${j + 1}`, locate);
  const targetNames = names(
    obj.targetNames,
    yShape.width,
    'targetNames',
    (j) => (yShape.width === 1 ? 'y' : `y${j + 1}`),
    locate,
  );
  const builders = [...featureNames, ...targetNames].map((n) => new ColumnBuilder(n));
  const fill = (rows: unknown[], key: 'X' | 'Y', vector: boolean, base: number): void => {
    rows.forEach((row, i) => {
      if (vector) pushCell(builders[base]!, row, () => locate([key, i], `${key}[${i}]`));
      else
        (row as unknown[]).forEach((v, j) =>
          pushCell(builders[base + j]!, v, () => locate([key, i, j], `${key}[${i}][${j}]`)),
        );
    });
  };
  fill(X, 'X', xShape.vector, 0);
  fill(Y, 'Y', yShape.vector, xShape.width);
  const columns = builders.map((b) => b.finish());
  const p = xShape.width;
  const cellPath = (r: number, c: number): [JSONPath, string] => {
    const [key, vector, j] = c < p ? (['X', xShape.vector, c] as const) : (['Y', yShape.vector, c - p] as const);
    return vector ? [[key, r], `${key}[${r}]`] : [[key, r, j], `${key}[${r}][${j}]`];
  };
  return {
    source: file,
    rows: X.length,
    columns,
    hasHeader: true,
    defaultTargets: targetNames.map((_, k) => p + k),
    cellLocation: (r, c) => locate(...cellPath(r, c)),
    rowLocation: (r) => locate(['Y', r], `Y[${r}]`),
  };
}

/** An array of equal-length rows (width = its length) or of scalars (a single column). */
function matrixShape(rows: unknown[], key: string, locate: Locate): { width: number; vector: boolean } {
  const vector = !Array.isArray(rows[0]);
  const width = vector ? 1 : (rows[0] as unknown[]).length;
  if (width === 0)
    throw new DatasetError('bad-structure', `"${key}[0]" is an empty row`, locate([key, 0], `${key}[0]`));
  rows.forEach((row, i) => {
    if (Array.isArray(row) === vector) {
      const want = vector ? 'a number or label like the first entry' : 'an array like the first row';
      throw new DatasetError(
        'bad-structure',
        `expected ${want}, got ${typeName(row)}`,
        locate([key, i], `${key}[${i}]`),
      );
    }
    if (!vector && (row as unknown[]).length !== width) {
      throw new DatasetError(
        'ragged-row',
        `row has ${(row as unknown[]).length} values, expected ${width} as in ${key}[0]`,
        locate([key, i], `${key}[${i}]`),
      );
    }
  });
  return { width, vector };
}

function names(value: unknown, width: number, key: string, fallback: (j: number) => string, locate: Locate): string[] {
  if (value === undefined) return Array.from({ length: width }, (_, j) => fallback(j));
  if (!Array.isArray(value) || value.length !== width || !value.every((v) => typeof v === 'string')) {
    throw new DatasetError('bad-structure', `"${key}" must be a list of ${width} strings`, locate([key], key));
  }
  return value as string[];
}

function pushCell(b: ColumnBuilder, v: unknown, where: () => DatasetErrorLocation): void {
  if (typeof v === 'number') b.pushNumber(v);
  else if (typeof v === 'string') b.push(v);
  else if (typeof v === 'boolean') b.push(String(v));
  else if (v === null) b.push('');
  else throw new DatasetError('bad-structure', `expected a number or a label, got ${typeName(v)}`, where());
}

function checkCells(rows: number, cols: number, maxCells: number, file: string | undefined): void {
  if (rows * cols > maxCells) {
    throw new DatasetError(
      'too-large',
      `${rows} rows × ${cols} columns is over the ${maxCells.toLocaleString('en-US')}-cell limit`,
      where(file),
    );
  }
}
