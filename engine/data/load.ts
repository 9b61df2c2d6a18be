/**
 * One entry point per use: `loadDataset` for a single file's bytes or text (CSV/TSV/text, JSON,
 * .npy; any of them gzipped), `loadArrayPair` for X/Y file pairs (MNIST IDX images + labels,
 * or two .npy files). Pure: works on bytes, so it runs in the browser, a worker and Node alike.
 */
import { arraysToDataset, arrayToTable, type NdArray, type PairOptions } from './arrays.js';
import { DatasetError } from './errors.js';
import { DelimitedTextParser, parseDelimited, withDecoding, type DelimitedOptions } from './parsers/delimited.js';
import { TextDecoding } from './parsers/encoding.js';
import { gunzip, gunzipChunks, isGzip } from './parsers/gzip.js';
import { isIdx, parseIdx } from './parsers/idx.js';
import { concatBytes, where } from './parsers/input.js';
import { parseJsonTable } from './parsers/json.js';
import { isNpy, parseNpy } from './parsers/npy.js';
import { prepareDataset, type PrepareOptions } from './prepare.js';
import { cleanTable, type CleanOptions } from './clean.js';
import type { Table } from './table.js';
import type { LabeledDataset, ParseOptions } from './types.js';

export type FileFormat = 'text' | 'json' | 'npy' | 'idx';

export interface LoadOptions extends DelimitedOptions, PrepareOptions, CleanOptions {
  /** 'auto' (default): from the content (magic bytes, a leading '[' or '{'), then the extension. */
  readonly format?: FileFormat | 'auto';
}

/** Decides the format of (already gunzipped) content; the file name only breaks ties. */
export function detectFormat(input: Uint8Array | string, fileName?: string): FileFormat {
  const name = (fileName ?? '').toLowerCase().replace(/\.gz$/, '');
  if (typeof input !== 'string') {
    if (isNpy(input)) return 'npy';
    if (isIdx(input)) return 'idx';
  }
  if (name.endsWith('.npy')) return 'npy';
  if (/(\.idx\d?|-ubyte)$/.test(name)) return 'idx';
  if (name.endsWith('.json')) return 'json';
  const head = typeof input === 'string' ? input.slice(0, 256) : new TextDecoder().decode(input.subarray(0, 256));
  const first = head.replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '[' || first === '{') return 'json';
  return 'text';
}

function unzip(input: Uint8Array | string, options: ParseOptions): Uint8Array | string {
  return typeof input !== 'string' && isGzip(input) ? gunzip(input, options) : input;
}

/**
 * Gzipped text is parsed while it inflates: the decompressed file is never held whole (a
 * 500 MB CSV.gz costs what the table keeps). Other gzipped formats are collected, then parsed.
 */
function loadGzipTable(input: Uint8Array, options: LoadOptions): Table {
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let parser: DelimitedTextParser | null = null;
  let decoding: TextDecoding | null = null;
  let collected: Uint8Array[] | null = null;
  const toParser = (chunk: Uint8Array, final: boolean): void => {
    const text = decoding!.decode(chunk, final);
    if (text !== '') parser!.push(text);
  };
  gunzipChunks(input, options, (chunk, final) => {
    if (parser) return toParser(chunk, final);
    if (collected) return void collected.push(chunk);
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes < 512 && !final) return;
    const first = concatBytes(head, headBytes);
    const format =
      options.format === undefined || options.format === 'auto'
        ? detectFormat(first, options.fileName)
        : options.format;
    if (format === 'text') {
      parser = new DelimitedTextParser(options);
      decoding = new TextDecoding(options.encoding ?? 'auto', options.fileName);
      toParser(first, final);
    } else collected = [first];
  });
  if (parser !== null && decoding !== null)
    return { ...withDecoding((parser as DelimitedTextParser).finish(), decoding), format: 'text' };
  const parts = collected ?? head;
  const bytes = concatBytes(
    parts,
    parts.reduce((n, p) => n + p.length, 0),
  );
  return loadTable(bytes, options);
}

/** Parses a table-shaped file (text, JSON, a 1-D/2-D .npy) without choosing columns yet. */
export function loadTable(input: Uint8Array | string, options: LoadOptions = {}): Table {
  try {
    if (typeof input !== 'string' && isGzip(input)) return loadGzipTable(input, options);
    const raw = unzip(input, options);
    const format =
      options.format === undefined || options.format === 'auto' ? detectFormat(raw, options.fileName) : options.format;
    switch (format) {
      case 'text':
        return { ...parseDelimited(raw, options), format: 'text' };
      case 'json':
        return { ...parseJsonTable(raw, options), format: 'json' };
      case 'npy': {
        const arr = parseNpy(toBytes(raw), options);
        if (arr.shape.length > 2) {
          throw new DatasetError(
            'bad-structure',
            `a ${arr.shape.length}-d array (shape (${arr.shape.join(', ')})) has no columns to choose; load it as X with a separate Y file`,
            where(options.fileName),
          );
        }
        return {
          ...arrayToTable({ ...arr, integer: false, uint8: false, ...where(options.fileName) }, options.limits),
          format: 'npy',
        };
      }
      case 'idx':
        throw new DatasetError(
          'bad-param',
          'an IDX file holds only images or only labels: load the images file together with its labels file',
          where(options.fileName),
        );
    }
  } catch (e) {
    throw e instanceof DatasetError ? e.withFile(options.fileName) : e;
  }
}

/** Parses and prepares one file: the common path for `train --data file.csv`. */
export function loadDataset(input: Uint8Array | string, options: LoadOptions = {}): LabeledDataset {
  return prepareTable(loadTable(input, options), options);
}

/** A parsed table → the dataset: missing values and text columns treated as asked (clean.ts), then columns chosen (prepare.ts). */
export function prepareTable(parsed: Table, options: LoadOptions = {}): LabeledDataset {
  const wantsCleaning = Object.keys(options.missing ?? {}).length > 0 || (options.oneHot?.length ?? 0) > 0;
  if (!wantsCleaning) return prepareDataset(parsed, { ...options, name: options.name ?? options.fileName ?? 'data' });
  try {
    const { table, summary, renamed } = cleanTable(parsed, options);
    // A one-hot encoded feature named by the caller stands for its new 0/1 columns.
    const features = options.features?.flatMap((f) => (typeof f === 'string' && renamed.has(f) ? renamed.get(f)! : [f]));
    const ds = prepareDataset(table, { ...options, ...(features ? { features } : {}), name: options.name ?? options.fileName ?? 'data' });
    return { ...ds, meta: { ...ds.meta, ...(ds.meta.inferred ? { inferred: { ...ds.meta.inferred, cleaning: summary } } : {}) } };
  } catch (e) {
    throw e instanceof DatasetError ? e.withFile(options.fileName) : e;
  }
}

export interface ArrayFile {
  readonly bytes: Uint8Array;
  readonly fileName?: string;
}

/** Reads one .npy or IDX file (plain or gzipped) as an n-d array. */
export function loadArray(file: ArrayFile, options: ParseOptions = {}): NdArray {
  const opts = { ...options, ...where(file.fileName) };
  const bytes = isGzip(file.bytes) ? gunzip(file.bytes, opts) : file.bytes;
  if (isNpy(bytes) || /\.npy(\.gz)?$/i.test(file.fileName ?? '')) {
    const a = parseNpy(bytes, opts);
    const integer = /^[<>|=][iub]/.test(a.dtype);
    return { shape: a.shape, data: a.data, integer, uint8: /^[<>|=]u1$/.test(a.dtype), ...where(file.fileName) };
  }
  const idxLike =
    (bytes.length >= 2 && bytes[0] === 0 && bytes[1] === 0) || /(\.idx\d?|-ubyte)(\.gz)?$/i.test(file.fileName ?? '');
  if (!idxLike && !isIdx(bytes)) {
    throw new DatasetError(
      'unknown-format',
      'expected a NumPy .npy file (starting with "\\x93NUMPY") or an IDX file (starting with 0x00 0x00)',
      {
        ...where(file.fileName),
        offset: 0,
      },
    );
  }
  const a = parseIdx(bytes, opts);
  const integer = a.type !== 'float32' && a.type !== 'float64';
  return { shape: a.shape, data: a.data, integer, uint8: a.type === 'uint8', ...where(file.fileName) };
}

/** X and Y from two files: MNIST's images + labels IDX files, or X.npy + Y.npy. */
export function loadArrayPair(X: ArrayFile, Y: ArrayFile, options: ParseOptions & PairOptions = {}): LabeledDataset {
  return arraysToDataset(loadArray(X, options), loadArray(Y, options), {
    ...options,
    name: options.name ?? X.fileName ?? 'arrays',
  });
}

function toBytes(x: Uint8Array | string): Uint8Array {
  return typeof x === 'string' ? new TextEncoder().encode(x) : x;
}
