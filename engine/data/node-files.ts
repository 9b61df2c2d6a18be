/**
 * Node-only: dataset files from disk for the CLI (never imported by the browser entry).
 * Text files are streamed through the incremental parser, so a large CSV is never held as one
 * string; binary formats are size-checked before they are read.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DatasetError } from './errors.js';
import { detectFormat, loadArrayPair, loadTable, type LoadOptions } from './load.js';
import { parseDelimitedStream } from './parsers/delimited.js';
import { isGzip } from './parsers/gzip.js';
import { checkByteLimit } from './parsers/input.js';
import { prepareDataset } from './prepare.js';
import type { PairOptions } from './arrays.js';
import type { Table } from './table.js';
import type { LabeledDataset, ParseOptions } from './types.js';

function unreadable(path: string, e: unknown): DatasetError {
  const err = e as NodeJS.ErrnoException;
  const reason =
    err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : (err.message ?? String(e));
  return new DatasetError('unreadable', `cannot read the file: ${reason}`, { file: path });
}

async function head(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads a table-shaped file (CSV/TSV/text streamed; JSON, .npy, .gz read whole after a size check). */
export async function readTableFile(path: string, options: LoadOptions = {}): Promise<Table> {
  const opts: LoadOptions = { ...options, fileName: options.fileName ?? basename(path) };
  let size: number;
  let first: Uint8Array;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = s.size;
    first = await head(path, 512);
  } catch (e) {
    throw unreadable(path, e);
  }
  checkByteLimit(size, opts);
  const format = options.format === undefined || options.format === 'auto' ? detectFormat(first, opts.fileName) : options.format;
  if (format === 'text' && !isGzip(first)) {
    try {
      return await parseDelimitedStream(createReadStream(path, { highWaterMark: 1 << 20 }), size, opts);
    } catch (e) {
      if (e instanceof DatasetError) throw e;
      throw unreadable(path, e);
    }
  }
  return loadTable(await readBytes(path, opts), opts);
}

/** Reads, parses and prepares one dataset file. */
export async function readDatasetFile(path: string, options: LoadOptions = {}): Promise<LabeledDataset> {
  const table = await readTableFile(path, options);
  return prepareDataset(table, { ...options, name: options.name ?? basename(path) });
}

/** MNIST-style pairs: images + labels IDX files (plain or .gz), or X.npy + Y.npy. */
export async function readArrayPairFiles(xPath: string, yPath: string, options: ParseOptions & PairOptions = {}): Promise<LabeledDataset> {
  const [xb, yb] = [await readBytes(xPath, options), await readBytes(yPath, options)];
  return loadArrayPair({ bytes: xb, fileName: basename(xPath) }, { bytes: yb, fileName: basename(yPath) }, options);
}

async function readBytes(path: string, options: ParseOptions): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw unreadable(path, e);
  }
  checkByteLimit(size, { ...options, fileName: options.fileName ?? basename(path) });
  try {
    const buf = await readFile(path);
    options.onProgress?.({ bytesDone: buf.length, bytesTotal: size });
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw unreadable(path, e);
  }
}
