import { describe, expect, it } from 'vitest';
import { FrameReader, WireError, encodeFrame } from './wire.js';
import { parseClientMessage } from './messages.js';
import { helloFor, stepFrame, withMagic } from './attach-test-kit.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('attach wire frames', () => {
  it('decodes frames split at every byte boundary, with their payloads', () => {
    const bytes = withMagic(
      encodeFrame(helloFor([{ units: 1, activation: 'identity' }])),
      stepFrame(1, 0.5, { H_0: { rows: 1, cols: 2, data: [1.5, -2] } }),
    );
    for (const cut of [1, 3, 4, 9, 20, bytes.length - 1]) {
      const r = new FrameReader({ expectMagic: true });
      const frames = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
      expect(frames.map((f) => (f.header as { type: string }).type)).toEqual(['hello', 'step']);
      expect(Array.from(new Float32Array(frames[1]!.payload.slice().buffer))).toEqual([1.5, -2]);
    }
  });

  it('refuses an HTTP request (a web page) and names its Origin', () => {
    const r = new FrameReader({ expectMagic: true });
    expect(() => r.push(text('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n\r\n'))).toThrow(
      'an HTTP request from Origin http://evil.example was refused: browsers and web pages may not attach',
    );
    // Once failed, it stays failed.
    expect(() => r.push(text('BPLA'))).toThrow(WireError);
  });

  it('refuses a stream without the magic as soon as the first bytes cannot be it', () => {
    expect(() => new FrameReader({ expectMagic: true }).push(text('XY'))).toThrow(
      /does not start with the attach magic "BPLA"/,
    );
  });

  it('refuses oversized and misaligned lengths before buffering them', () => {
    const prefix = (h: number, p: number): Uint8Array => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, h, true);
      new DataView(b.buffer).setUint32(4, p, true);
      return b;
    };
    expect(() => new FrameReader({ expectMagic: false }).push(prefix(2 << 20, 0))).toThrow(
      /header of 2097152 bytes is over the 1048576-byte limit/,
    );
    expect(() => new FrameReader({ expectMagic: false, maxPayloadBytes: 1024 }).push(prefix(10, 4096))).toThrow(
      'frame payload of 4096 bytes is over the 1024-byte limit',
    );
    expect(() => new FrameReader({ expectMagic: false }).push(prefix(10, 6))).toThrow(/not a whole number of float32/);
  });

  it('refuses a header that is not JSON', () => {
    const body = text('{not json');
    const frame = new Uint8Array(8 + body.length);
    new DataView(frame.buffer).setUint32(0, body.length, true);
    frame.set(body, 8);
    expect(() => new FrameReader({ expectMagic: false }).push(frame)).toThrow(/frame header is not JSON/);
  });
});

describe('attach messages', () => {
  it('accepts a hello and names the key path of a malformed one', () => {
    expect(parseClientMessage(helloFor([{ units: 3, activation: 'tanh' }])).type).toBe('hello');
    const bad = { ...helloFor([{ units: 3, activation: 'tanh' }]), pid: 'x' };
    expect(() => parseClientMessage(bad)).toThrow(/malformed "hello" message at pid/);
    const badAct = helloFor([{ units: 3, activation: 'swish' as 'tanh' }]);
    expect(() => parseClientMessage(badAct)).toThrow(/at model\.layers\.0\.activation/);
    expect(() => parseClientMessage({ type: 'launch-missiles' })).toThrow(/malformed "launch-missiles" message/);
  });

  it('reads non-finite losses sent as strings', () => {
    const m = parseClientMessage({ type: 'step', step: 1, loss: 'NaN', tensors: [] });
    expect(m.type === 'step' && m.loss).toBe('NaN');
  });
});
