/**
 * The attach server against hostile clients (no Python needed): a wrong token, a browser, oversized
 * and malformed frames and a silent client are refused with a logged reason, and it keeps serving.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AttachServer } from './node-attach-server.js';
import { encodeFrame, WIRE_MAGIC } from './wire.js';
import { helloFor, TEST_TOKEN, withMagic } from './attach-test-kit.js';

describe('attach server: hostile clients', () => {
  /** Sends bytes on a fresh connection; resolves with what came back when the server closes it. */
  function exchange(port: number, bytes: Uint8Array | string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
      let got = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => (got += d));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
  }

  it('refuses a wrong token, a browser, oversized and malformed frames, a silent client — and keeps serving', async () => {
    const log: string[] = [];
    const server = new AttachServer({
      token: TEST_TOKEN,
      log: (l) => log.push(l),
      runOptions: () => ({}),
      maxPayloadBytes: 1024,
      handshakeTimeoutMs: 300,
    });
    await server.start();
    try {
      const hello = helloFor([{ units: 1, activation: 'identity' }]);
      const wrong = await exchange(server.port, withMagic(encodeFrame({ ...hello, token: 'guess' })));
      expect(wrong).toContain('wrong token');
      await exchange(server.port, 'POST /attach HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n\r\n');
      const big = new Uint8Array(8);
      new DataView(big.buffer).setUint32(0, 10, true);
      new DataView(big.buffer).setUint32(4, 1 << 20, true);
      await exchange(server.port, withMagic(big));
      const notJson = new Uint8Array(8 + 3);
      new DataView(notJson.buffer).setUint32(0, 3, true);
      notJson.set(new TextEncoder().encode('{{{'), 8);
      await exchange(server.port, withMagic(notJson));
      await exchange(server.port, withMagic(encodeFrame({ ...hello, model: { kind: 'sequential' } })));
      await exchange(server.port, WIRE_MAGIC); // then silence
      const refusals = log.filter((l) => l.startsWith('attach: refused'));
      expect(refusals.map((l) => l.replace(/^attach: refused [\d.]+:\d+: /, ''))).toEqual([
        'wrong token',
        'an HTTP request from Origin https://evil.example was refused: browsers and web pages may not attach',
        'frame payload of 1048576 bytes is over the 1024-byte limit',
        expect.stringMatching(/^frame header is not JSON/),
        expect.stringMatching(/^malformed "hello" message at model\.inputSize/),
        'no hello within 300 ms',
      ]);
      // Still serving: a well-behaved client attaches.
      const ok = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: server.port }, () => s.write(withMagic(encodeFrame(hello))));
        s.setEncoding('latin1');
        s.once('data', (d: string) => {
          s.destroy();
          resolve(d);
        });
        s.on('error', reject);
      });
      expect(ok).toContain('"type":"welcome"');
    } finally {
      await server.close();
    }
  });
});
