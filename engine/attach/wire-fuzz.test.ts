/**
 * Seeded mutation fuzzing of everything that parses attach bytes: valid client streams (hello, full
 * steps, loss batches) are damaged thousands of times (bytes flipped, inserted, deleted, truncated,
 * lengths rewritten) and fed, in random chunks, through FrameReader → parseClientMessage →
 * AttachedRun. Each stream must be taken or refused with a WireError; any other exception is a bug.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { AttachedRun } from './attached-run.js';
import { parseClientMessage } from './messages.js';
import { FrameReader, WireError, encodeFrame } from './wire.js';
import { helloFor, stepFrame, withMagic } from './attach-test-kit.js';

function validStream(): Uint8Array {
  const hello = helloFor([
    { units: 2, activation: 'relu' },
    { units: 1, activation: 'identity' },
  ]);
  return withMagic(
    encodeFrame(hello),
    stepFrame(1, 0.5, {
      H_0: { rows: 2, cols: 2, data: [1, -1, 0.5, 2] },
      W_0: { rows: 2, cols: 2, data: [0.1, 0.2, 0.3, 0.4] },
      dW_1: { rows: 2, cols: 1, data: [0.1, NaN] },
    }),
    encodeFrame({
      type: 'losses',
      points: [
        [2, 0.4],
        [3, 'NaN'],
      ],
    }),
    stepFrame(4, 'Infinity', { A_2: { rows: 2, cols: 1, data: [1, 2] } }),
  );
}

/** Feeds a stream the way the server does; returns how it ended. */
function feed(bytes: Uint8Array, cut: (n: number) => number): 'taken' | 'refused' {
  const reader = new FrameReader({ expectMagic: true, maxPayloadBytes: 4096 });
  let run: AttachedRun | null = null;
  try {
    for (let o = 0; o < bytes.length;) {
      const n = Math.max(1, cut(bytes.length - o));
      for (const f of reader.push(bytes.subarray(o, o + n))) {
        const msg = parseClientMessage(f.header);
        if (!run) {
          if (msg.type !== 'hello') throw new WireError('first message must be hello');
          run = new AttachedRun(msg, { send: () => {}, breakpoints: [{ kind: 'non-finite' }] });
        } else if (msg.type === 'step') run.receive(msg, f.payload);
        else if (msg.type === 'losses') run.receiveLosses(msg);
        else if (msg.type === 'hello') throw new WireError('second hello');
      }
      o += n;
    }
    return 'taken';
  } catch (e) {
    if (e instanceof WireError) return 'refused';
    throw e;
  }
}

describe('attach parsing under mutation', () => {
  it('takes the valid stream in any chunking', () => {
    const rng = createRng(7);
    for (let k = 0; k < 50; k++)
      expect(feed(validStream(), (left) => 1 + Math.floor(rng.next() * Math.min(left, 64)))).toBe('taken');
  });

  it('takes or refuses (WireError) 3000 damaged streams, never throws anything else', () => {
    const rng = createRng(13);
    const base = validStream();
    const int = (n: number): number => Math.floor(rng.next() * n);
    const outcomes = { taken: 0, refused: 0 };
    for (let k = 0; k < 3000; k++) {
      let b = Array.from(base);
      for (let m = 1 + int(4); m > 0; m--) {
        const at = int(b.length);
        switch (int(5)) {
          case 0:
            b[at] = int(256);
            break;
          case 1:
            b.splice(at, 0, int(256));
            break;
          case 2:
            b.splice(at, 1 + int(8));
            break;
          case 3:
            b = b.slice(0, at);
            break;
          case 4: // a JSON-looking byte in a header: keeps many mutants parseable as JSON
            b[at] = '{}[]",:0-e'.charCodeAt(int(10));
            break;
        }
      }
      const bytes = Uint8Array.from(b);
      try {
        outcomes[feed(bytes, (left) => 1 + int(Math.min(left, 200)))]++;
      } catch (e) {
        throw new Error(`seed 13, mutant ${k}: ${(e as Error).stack}\nbytes: ${Buffer.from(bytes).toString('base64')}`);
      }
    }
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.taken + outcomes.refused).toBe(3000);
  });
});
