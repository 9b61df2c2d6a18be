/**
 * Loading from a byte stream (a browser File's stream(), a fetch body, a Node read stream):
 * delimited text is parsed while it arrives, so a large CSV never exists as one buffer or
 * string; other formats are gathered (under the byte limit) and parsed whole.
 */
import { DatasetError } from './errors.js';
import { detectFormat, loadTable, prepareTable, type LoadOptions } from './load.js';
import { parseDelimitedStream } from './parsers/delimited.js';
import { isGzip } from './parsers/gzip.js';
import { checkAborted, checkByteLimit, concatBytes, where } from './parsers/input.js';
import type { Table } from './table.js';
import type { LabeledDataset } from './types.js';

export type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** Async iteration over a ReadableStream, for runtimes whose streams are not async-iterable. */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

const PEEK_BYTES = 512;

/** Parses a table from a stream; `totalBytes` (if known) drives progress and the early size check. */
export async function loadTableStream(
  source: ByteSource,
  totalBytes: number | null,
  options: LoadOptions = {},
): Promise<Table> {
  if (totalBytes !== null) checkByteLimit(totalBytes, options);
  const it = chunksOf(source)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < PEEK_BYTES) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headBytes += r.value.length;
  }
  const first = concatBytes(head, headBytes);
  const format =
    options.format === undefined || options.format === 'auto' ? detectFormat(first, options.fileName) : options.format;
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield first;
    if (ended) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  if (format === 'text' && !isGzip(first)) return parseDelimitedStream(rest(), totalBytes, options);
  // Whole-file formats: gather under the byte limit, then parse.
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of rest()) {
    checkAborted(options);
    size += chunk.length;
    checkByteLimit(size, options);
    parts.push(chunk);
    options.onProgress?.({ bytesDone: size, bytesTotal: totalBytes });
  }
  if (size === 0) throw new DatasetError('empty', 'the file is empty', where(options.fileName));
  return loadTable(concatBytes(parts, size), options); // detects again after a gunzip
}

/** Parses and prepares one dataset from a stream. */
export async function loadDatasetStream(
  source: ByteSource,
  totalBytes: number | null,
  options: LoadOptions = {},
): Promise<LabeledDataset> {
  return prepareTable(await loadTableStream(source, totalBytes, options), options);
}
