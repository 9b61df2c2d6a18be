/**
 * The attach wire format (docs/formats.md, "Attach wire protocol"): a byte stream over TCP loopback.
 *
 *   client → app:  "BPLA" (4 ASCII bytes, once), then frames
 *   app → client:  frames
 *   frame:         u32 LE header length · u32 LE payload length · header (UTF-8 JSON) · payload
 *
 * The payload is raw little-endian float32 tensors at the byte offsets the header names. Raw TCP
 * (not HTTP/WebSocket) because Python's standard library speaks it with no extra package, and a
 * browser cannot speak it at all: a web page can only send HTTP to a loopback port, and an HTTP
 * request line fails the magic check below with a clear reason. Every length is capped before
 * anything is allocated, so a hostile peer cannot make the app buffer more than one frame's limit.
 */

export const WIRE_MAGIC = 'BPLA';
export const FRAME_PREFIX_BYTES = 8;
/** Caps on one frame; the server may lower the payload cap (e.g. in tests). */
export const MAX_HEADER_BYTES = 1 << 20;
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 << 20;

/** Why a peer's bytes were refused; the server logs `message` and disconnects. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

export interface Frame {
  /** The parsed JSON header (validated later, by message type). */
  readonly header: unknown;
  readonly payload: Uint8Array;
}

const HTTP_METHODS = ['GET ', 'POST', 'PUT ', 'HEAD', 'OPTI', 'DELE', 'PATC', 'CONN', 'TRAC'];

/** The Origin header of an HTTP request, for the log line (null when absent). */
function httpOrigin(bytes: Uint8Array): string | null {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const m = /\r\norigin:\s*([^\r\n]*)/i.exec(text);
  return m ? m[1]!.trim() : null;
}

export function encodeFrame(header: unknown, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(FRAME_PREFIX_BYTES + json.length + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, payload.length, true);
  out.set(json, FRAME_PREFIX_BYTES);
  out.set(payload, FRAME_PREFIX_BYTES + json.length);
  return out;
}

export interface FrameReaderOptions {
  /** Expect the client's magic before the first frame (the app's reader of a client stream). */
  readonly expectMagic: boolean;
  readonly maxPayloadBytes?: number;
}

/**
 * Incremental frame decoder: push() the socket's chunks, get whole frames back. Throws WireError
 * (and stays failed) on a bad magic, an HTTP request, an oversized length or a header that is not
 * JSON; the caller disconnects.
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private magicPending: boolean;
  private failed: WireError | null = null;
  /** Bytes the frame being received needs in all, once its prefix is known (saves re-joining chunks). */
  private awaiting = 0;
  private readonly maxPayload: number;

  constructor(options: FrameReaderOptions) {
    this.magicPending = options.expectMagic;
    this.maxPayload = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.failed) throw this.failed;
    try {
      return this.pushUnchecked(chunk);
    } catch (e) {
      this.failed = e instanceof WireError ? e : new WireError(`undecodable frame (${String(e)})`);
      this.chunks = [];
      throw this.failed;
    }
  }

  private pushUnchecked(chunk: Uint8Array): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.magicPending) {
        if (this.buffered < 4) {
          this.checkMagicPrefix();
          return frames;
        }
        const head = this.take(4);
        this.magicPending = false;
        const text = String.fromCharCode(...head);
        if (text !== WIRE_MAGIC) this.refuseMagic(head);
        continue;
      }
      if (this.buffered < FRAME_PREFIX_BYTES || this.buffered < this.awaiting) return frames;
      const prefix = this.peek(FRAME_PREFIX_BYTES);
      const view = new DataView(prefix.buffer, prefix.byteOffset, FRAME_PREFIX_BYTES);
      const headerBytes = view.getUint32(0, true);
      const payloadBytes = view.getUint32(4, true);
      if (headerBytes === 0) throw new WireError('frame header is empty');
      if (headerBytes > MAX_HEADER_BYTES)
        throw new WireError(`frame header of ${headerBytes} bytes is over the ${MAX_HEADER_BYTES}-byte limit`);
      if (payloadBytes > this.maxPayload)
        throw new WireError(`frame payload of ${payloadBytes} bytes is over the ${this.maxPayload}-byte limit`);
      if (payloadBytes % 4 !== 0)
        throw new WireError(`frame payload of ${payloadBytes} bytes is not a whole number of float32 values`);
      this.awaiting = FRAME_PREFIX_BYTES + headerBytes + payloadBytes;
      if (this.buffered < this.awaiting) return frames;
      this.awaiting = 0;
      this.take(FRAME_PREFIX_BYTES);
      const headerText = new TextDecoder('utf-8', { fatal: false }).decode(this.take(headerBytes));
      let header: unknown;
      try {
        header = JSON.parse(headerText);
      } catch (e) {
        throw new WireError(`frame header is not JSON: ${(e as Error).message}`);
      }
      frames.push({ header, payload: this.take(payloadBytes) });
    }
  }

  /** Fails early on a partial first chunk that already cannot be the magic (e.g. "GE"). */
  private checkMagicPrefix(): void {
    const head = this.peek(this.buffered);
    for (let k = 0; k < head.length; k++) {
      if (head[k] !== WIRE_MAGIC.charCodeAt(k)) {
        const looksHttp = HTTP_METHODS.some((m) => m.startsWith(String.fromCharCode(...head)));
        if (!looksHttp) this.refuseMagic(head);
        return;
      }
    }
  }

  private refuseMagic(head: Uint8Array): never {
    const start = String.fromCharCode(...head.subarray(0, 4));
    if (HTTP_METHODS.includes(start)) {
      const rest = this.peek(this.buffered);
      const all = new Uint8Array(head.length + rest.length);
      all.set(head);
      all.set(rest, head.length);
      const origin = httpOrigin(all);
      throw new WireError(
        `an HTTP request${origin ? ` from Origin ${origin}` : ''} was refused: browsers and web pages may not attach`,
      );
    }
    throw new WireError(
      `the stream does not start with the attach magic "${WIRE_MAGIC}" (got ${JSON.stringify(start)}): not a backprop-lens attach client`,
    );
  }

  private peek(n: number): Uint8Array {
    if (this.chunks.length > 1) {
      const all = new Uint8Array(this.buffered);
      let o = 0;
      for (const c of this.chunks) {
        all.set(c, o);
        o += c.length;
      }
      this.chunks = [all];
    }
    return (this.chunks[0] ?? new Uint8Array(0)).subarray(0, n);
  }

  private take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const head = this.peek(n).slice();
    const first = this.chunks[0]!;
    this.chunks = first.length > n ? [first.subarray(n)] : [];
    this.buffered -= n;
    return head;
  }
}
