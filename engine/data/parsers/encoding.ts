/**
 * Text encodings of delimited files. Bytes are checked as strict UTF-8 while they are decoded:
 * a replacement character would merge labels that differ only in an accented letter ("café"
 * and "cafè" both becoming "caf�"), so invalid UTF-8 is never decoded silently.
 *
 * - 'utf-8': invalid bytes are an error with their byte offset.
 * - 'latin1' / 'windows-1252': decoded as Windows-1252 (what the WHATWG Encoding standard, and so
 *   every browser, means by both labels: Latin-1 with printable characters in 0x80–0x9F).
 * - 'auto' (default): UTF-8 while the bytes are valid UTF-8. At the first invalid byte, if nothing
 *   before it was non-ASCII, the whole file is read as Windows-1252 (the text so far is the same in
 *   both) and a notice says so; if valid multi-byte UTF-8 came before, the file mixes encodings and
 *   is refused with the offset, since no single decoding is right.
 */
import { DatasetError } from '../errors.js';
import type { EncodingChoice } from '../types.js';

const C1 = /[\u0080-\u009f]/g;
/** Windows-1252's characters for bytes 0x80–0x9F (undefined bytes keep their C1 code point). */
const CP1252_C1 = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

export class TextDecoding {
  private readonly choice: EncodingChoice;
  private readonly file: string | undefined;
  private decoder: InstanceType<typeof TextDecoder>;
  /** The decoding in use: starts as UTF-8 unless a single-byte encoding was chosen. */
  used: 'utf-8' | 'windows-1252';
  readonly notices: string[] = [];
  private offset = 0;
  // UTF-8 validation state across chunks (WHATWG decoder: bytes needed, bounds of the next byte).
  private needed = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private sawMultibyte = false;
  /** Byte offsets of the current sequence's lead byte and of the first invalid character. */
  private leadAt = 0;
  private failAt = 0;
  /** Bytes of a sequence not yet complete (held back by the UTF-8 decoder across chunks). */
  private readonly pending: number[] = [];

  constructor(choice: EncodingChoice = 'auto', fileName?: string) {
    this.choice = choice;
    this.file = fileName;
    this.used = choice === 'latin1' || choice === 'windows-1252' ? 'windows-1252' : 'utf-8';
    this.decoder = new TextDecoder(this.used);
  }

  /** Decodes the next chunk; `final` flushes an incomplete sequence at the end (an error in UTF-8). */
  decode(bytes: Uint8Array, final: boolean): string {
    const start = this.offset;
    this.offset += bytes.length;
    if (this.used === 'utf-8') {
      const carriedBytes = this.needed > 0 ? this.pending.length : 0;
      const bad = this.check(bytes, final, start);
      if (bad >= 0) {
        const at = this.failAt;
        if (this.choice === 'utf-8') throw this.invalid(at, 'choose another encoding (latin1, windows-1252)');
        if (this.sawMultibyte) {
          throw this.invalid(
            at,
            'the text before it is valid UTF-8 with non-ASCII characters, so the file mixes encodings; fix the file or choose an encoding',
          );
        }
        // Everything before was ASCII, identical in Windows-1252: switch now. The bytes of a
        // sequence begun in an earlier chunk are held by the UTF-8 decoder: decode them again.
        const carried = Uint8Array.from(this.pending.slice(0, carriedBytes));
        this.used = 'windows-1252';
        this.decoder = new TextDecoder('windows-1252');
        this.notices.push(
          `the file is not valid UTF-8 (first at byte ${at.toLocaleString('en-US')}): read as Windows-1252 (Latin-1); choose the encoding to override`,
        );
        if (carried.length > 0) {
          const joined = new Uint8Array(carried.length + bytes.length);
          joined.set(carried);
          joined.set(bytes, carried.length);
          return this.finishText(this.decoder.decode(joined, { stream: !final }));
        }
      }
    }
    return this.finishText(this.decoder.decode(bytes, { stream: !final }));
  }

  /** Some runtimes (Node) decode "windows-1252" as ISO-8859-1: map 0x80–0x9F to their characters. */
  private finishText(text: string): string {
    return this.used === 'windows-1252' ? text.replace(C1, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] ?? c) : text;
  }

  private invalid(at: number, advice: string): DatasetError {
    return new DatasetError('bad-encoding', `invalid UTF-8 at byte ${at.toLocaleString('en-US')}: ${advice}`, {
      ...(this.file !== undefined ? { file: this.file } : {}),
      offset: at,
    });
  }

  /** Index in `bytes` of the first byte that makes the UTF-8 invalid, or −1. */
  private check(bytes: Uint8Array, final: boolean, start: number): number {
    const n = bytes.length;
    let needed = this.needed;
    let lower = this.lower;
    let upper = this.upper;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      if (needed === 0) {
        if (b < 0x80) continue;
        this.leadAt = start + i;
        this.failAt = start + i;
        this.pending.length = 0;
        this.pending.push(b);
        if (b >= 0xc2 && b <= 0xdf) needed = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
          needed = 2;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
          needed = 3;
        } else return i;
        continue;
      }
      if (b < lower || b > upper) {
        this.failAt = this.leadAt; // the character that is broken starts at its lead byte
        return i;
      }
      this.pending.push(b);
      lower = 0x80;
      upper = 0xbf;
      if (--needed === 0) this.sawMultibyte = true; // a whole non-ASCII character
    }
    this.needed = needed;
    this.lower = lower;
    this.upper = upper;
    if (final && needed > 0) {
      this.failAt = this.leadAt;
      return n;
    }
    return -1;
  }
}
