/**
 * Shared plumbing for parsers that read bytes: limits, progress, cancellation, and decoding
 * UTF-8 in slices so a large buffer is never turned into one giant string at once.
 */
import { DatasetError } from '../errors.js';
import { resolveLimits, type ParseOptions } from '../types.js';

/** Text is decoded and handed on in slices of this many bytes (progress is reported per slice). */
export const CHUNK_BYTES = 1 << 20;

export function where(fileName: string | undefined): { file?: string } {
  return fileName !== undefined ? { file: fileName } : {};
}

export function checkByteLimit(bytes: number, options: ParseOptions): void {
  const { maxBytes } = resolveLimits(options.limits);
  if (bytes > maxBytes) {
    throw new DatasetError(
      'too-large',
      `the data is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit; raise maxBytes or use a smaller file`,
      where(options.fileName),
    );
  }
}

export function checkAborted(options: ParseOptions): void {
  if (options.signal?.aborted) throw new DatasetError('aborted', 'loading was cancelled', where(options.fileName));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Decodes text chunk by chunk: a TextDecoder, or a TextDecoding (encoding.ts) that checks UTF-8. */
export interface ChunkDecoder {
  decode(bytes: Uint8Array, final: boolean): string;
}

function utf8Decoder(): ChunkDecoder {
  const d = new TextDecoder('utf-8');
  return { decode: (bytes, final) => d.decode(bytes, { stream: !final }) };
}

/** Decodes bytes (UTF-8 by default) slice by slice into `sink`, reporting progress and honouring abort. */
export function feedBytesAsText(
  bytes: Uint8Array,
  sink: (text: string) => void,
  options: ParseOptions,
  decoder: ChunkDecoder = utf8Decoder(),
): void {
  checkByteLimit(bytes.length, options);
  const total = bytes.length;
  if (total === 0) sink(decoder.decode(bytes, true));
  for (let at = 0; at < total; at += CHUNK_BYTES) {
    checkAborted(options);
    const end = Math.min(total, at + CHUNK_BYTES);
    sink(decoder.decode(bytes.subarray(at, end), end === total));
    options.onProgress?.({ bytesDone: end, bytesTotal: total });
  }
  if (total === 0) options.onProgress?.({ bytesDone: 0, bytesTotal: 0 });
}

/** The same for an async stream of byte chunks (a file read stream, a fetch body). */
export async function feedStreamAsText(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number | null,
  sink: (text: string) => void,
  options: ParseOptions,
  decoder: ChunkDecoder = utf8Decoder(),
): Promise<void> {
  if (totalBytes !== null) checkByteLimit(totalBytes, options);
  let done = 0;
  for await (const chunk of chunks) {
    checkAborted(options);
    done += chunk.length;
    checkByteLimit(done, options);
    sink(decoder.decode(chunk, false));
    options.onProgress?.({ bytesDone: done, bytesTotal: totalBytes });
  }
  sink(decoder.decode(new Uint8Array(0), true));
}

/** Plain text in: split into slices so the parser is exercised the same way as for bytes. */
export function feedString(text: string, sink: (text: string) => void, options: ParseOptions): void {
  checkByteLimit(text.length, options);
  for (let at = 0; at < text.length; at += CHUNK_BYTES) {
    checkAborted(options);
    sink(text.slice(at, at + CHUNK_BYTES));
    options.onProgress?.({ bytesDone: Math.min(text.length, at + CHUNK_BYTES), bytesTotal: text.length });
  }
}

/** The chunks as one array of `size` bytes (a lone chunk is returned as it is). */
export function concatBytes(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
