/**
 * Node-only: dataset files from disk for the CLI (never imported by the browser entry).
 * Text files are streamed through the incremental parser, so a large CSV is never held as one
 * string; other formats are size-checked before they are read.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { findIdxPairs, labelNamesFor, looksLikeIdxImages } from './idx-pair.js';
import { isIdx } from './parsers/idx.js';
import { DatasetError } from './errors.js';
import { loadArrayPair, prepareTable, type LoadOptions } from './load.js';
import { checkByteLimit, concatBytes } from './parsers/input.js';
import { loadTableStream } from './stream.js';
import type { PairOptions } from './arrays.js';
import type { Table } from './table.js';
import type { LabeledDataset, ParseOptions } from './types.js';

function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/** File-system failures become DatasetErrors; anything else (a bug) propagates as it is. */
function unreadable(path: string, e: unknown): unknown {
  if (e instanceof DatasetError || !isErrno(e)) return e;
  const reason =
    e.code === 'ENOENT'
      ? 'no such file'
      : e.code === 'EISDIR'
        ? 'it is a directory'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.message;
  return new DatasetError('unreadable', `cannot read the file: ${reason}`, { file: path });
}

/** The file's size, or null for a pipe or device (read under the byte limit as it comes). */
async function sizeOf(path: string, options: ParseOptions): Promise<number | null> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!s.isFile()) return null;
    size = s.size;
  } catch (e) {
    throw unreadable(path, e);
  }
  checkByteLimit(size, { ...options, fileName: options.fileName ?? basename(path) });
  return size;
}

/** Reads a table-shaped file: CSV/TSV/text is parsed while streaming; JSON, .npy and .gz are read whole after a size check. */
export async function readTableFile(path: string, options: LoadOptions = {}): Promise<Table> {
  const opts: LoadOptions = { ...options, fileName: options.fileName ?? basename(path) };
  const size = await sizeOf(path, opts);
  try {
    return await loadTableStream(createReadStream(path, { highWaterMark: 1 << 20 }), size, opts);
  } catch (e) {
    throw unreadable(path, e);
  }
}

/** Reads, parses and prepares one dataset file (missing values and one-hot columns as `options` say). */
export async function readDatasetFile(path: string, options: LoadOptions = {}): Promise<LabeledDataset> {
  const table = await readTableFile(path, options);
  return prepareTable(table, { ...options, name: options.name ?? basename(path) });
}

/** MNIST-style pairs: images + labels IDX files (plain or .gz), or X.npy + Y.npy. */
export async function readArrayPairFiles(
  xPath: string,
  yPath: string,
  options: ParseOptions & PairOptions = {},
): Promise<LabeledDataset> {
  const [xb, yb] = [await readBytes(xPath, options), await readBytes(yPath, options)];
  return loadArrayPair({ bytes: xb, fileName: basename(xPath) }, { bytes: yb, fileName: basename(yPath) }, options);
}

export async function readBytes(path: string, options: ParseOptions): Promise<Uint8Array> {
  const size = await sizeOf(path, options);
  try {
    if (size === null) {
      // A pipe or a device: gather under the byte limit (it may never end).
      const parts: Uint8Array[] = [];
      let done = 0;
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        done += chunk.length;
        checkByteLimit(done, { ...options, fileName: options.fileName ?? basename(path) });
        parts.push(chunk);
      }
      options.onProgress?.({ bytesDone: done, bytesTotal: done });
      return concatBytes(parts, done);
    }
    const buf = await readFile(path);
    options.onProgress?.({ bytesDone: buf.length, bytesTotal: size });
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw unreadable(path, e);
  }
}

/**
 * An IDX images file or a folder holding an images/labels pair, as the pair's two paths; null
 * when `path` is neither (an ordinary data file). A lone images file without its labels beside
 * it is an error that says what to do.
 */
export async function resolveIdxPair(
  path: string,
  labelsPath?: string,
): Promise<{ images: string; labels: string; test: { images: string; labels: string } | null } | null> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    const names = await readdir(path);
    const pairs = findIdxPairs(names);
    if (pairs.length === 0) {
      throw new DatasetError(
        'unreadable',
        'is a folder without an IDX images/labels pair (e.g. train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz); give a data file',
        { file: path },
      );
    }
    const at = (p: { images: string; labels: string }) => ({
      images: join(path, p.images),
      labels: join(path, p.labels),
    });
    const train = pairs[0]!;
    const test = pairs.find((p) => p !== train && /t10k|test/i.test(p.images));
    return { ...at(train), test: test ? at(test) : null };
  }
  if (!info?.isFile()) return null;
  if (labelsPath !== undefined) return { images: path, labels: labelsPath, test: null };
  if (!(await startsLikeIdxImages(path))) return null;
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  const labels = labelNamesFor(basename(path)).find((n) => names.includes(n));
  if (labels === undefined) {
    throw new DatasetError(
      'bad-param',
      `an IDX images file holds no labels: put its labels file beside it (${labelNamesFor(basename(path))[0] ?? 'e.g. train-labels-idx1-ubyte'}) or give it with --labels FILE`,
      { file: path },
    );
  }
  return { images: path, labels: join(dir, labels), test: null };
}

/** IDX magic with 3 or more dimensions (gzipped files are judged by name). */
async function startsLikeIdxImages(path: string): Promise<boolean> {
  if (looksLikeIdxImages(basename(path))) return true;
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = new Uint8Array(4);
    await handle.read(head, 0, 4, 0);
    return isIdx(head) && head[3]! >= 2;
  } finally {
    await handle.close();
  }
}
