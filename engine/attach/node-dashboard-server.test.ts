/** The dashboard bridge of `serve`: static files, server-sent events, commands only from its own page. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardServer } from './node-dashboard-server.js';
import { decodeTypedJson } from '../protocol/typed-json.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

interface Reply {
  status: number;
  body: string;
}

function http(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const TOKEN = 'a'.repeat(32);
let server: DashboardServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(): Promise<{ server: DashboardServer; log: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'bplens-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>dashboard</title>');
  const log: string[] = [];
  server = new DashboardServer(root, (l) => log.push(l), TOKEN, 'tcp://127.0.0.1:1?token=' + TOKEN);
  await server.start();
  return { server, log };
}

describe('serve: the dashboard bridge', () => {
  it('serves the built dashboard and nothing outside it', async () => {
    const { server: s } = await start();
    expect(await http(s.port, 'GET', '/index.html')).toEqual({
      status: 200,
      body: '<!doctype html><title>dashboard</title>',
    });
    expect((await http(s.port, 'GET', '/../../etc/passwd')).status).toBeGreaterThanOrEqual(403);
    // Encoded dots: the URL parser resolves them inside the root (not found), never outside it.
    expect((await http(s.port, 'GET', '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await http(s.port, 'GET', '/..%2f..%2fetc%2fpasswd')).status).toBeGreaterThanOrEqual(403);
    expect((await http(s.port, 'GET', '/missing.js')).status).toBe(404);
  });

  it('refuses another Host (DNS rebinding) and commands from another Origin or none', async () => {
    const { server: s, log } = await start();
    expect((await http(s.port, 'GET', '/index.html', { Host: 'evil.example' })).status).toBe(403);
    const hello = JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello' });
    const token = { 'X-Attach-Token': TOKEN };
    expect(
      (await http(s.port, 'POST', '/attach/command', { Origin: 'http://evil.example', ...token }, hello)).status,
    ).toBe(403);
    expect((await http(s.port, 'POST', '/attach/command', token, hello)).status).toBe(403);
    // Its own origin but no token (another local user, or a page that guessed the port): refused.
    const own = { Origin: `http://127.0.0.1:${s.port}` };
    expect((await http(s.port, 'POST', '/attach/command', own, hello)).status).toBe(403);
    expect((await http(s.port, 'GET', '/attach/events?token=wrong')).status).toBe(403);
    expect(log.join('\n')).toMatch(/403 POST \/attach\/command: Origin http:\/\/evil\.example may not send commands/);
  });

  it('answers its own page’s commands on the event stream', async () => {
    const { server: s } = await start();
    const events: unknown[] = [];
    const stream = await new Promise<IncomingMessage>((resolve) => {
      request(
        {
          host: '127.0.0.1',
          port: s.port,
          path: `/attach/events?token=${TOKEN}`,
          headers: { Host: `127.0.0.1:${s.port}` },
        },
        resolve,
      ).end();
    });
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buffer += d;
      for (let k = buffer.indexOf('\n\n'); k >= 0; k = buffer.indexOf('\n\n')) {
        const chunk = buffer.slice(0, k);
        buffer = buffer.slice(k + 2);
        if (chunk.startsWith('data: ')) events.push(decodeTypedJson(chunk.slice(6)));
      }
    });
    const origin = `http://127.0.0.1:${s.port}`;
    const auth = { Origin: origin, 'X-Attach-Token': TOKEN };
    const r = await http(
      s.port,
      'POST',
      '/attach/command',
      auth,
      JSON.stringify({ v: PROTOCOL_VERSION, id: 5, type: 'hello' }),
    );
    expect(r.status).toBe(204);
    await expect.poll(() => events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({
      type: 'ready',
      replyTo: 5,
      backend: { reason: 'waiting for an attached PyTorch run', attachAddress: `tcp://127.0.0.1:1?token=${TOKEN}` },
    });
    expect((await http(s.port, 'POST', '/attach/command', auth, '{nope')).status).toBe(400);
    stream.destroy();
  });
});
