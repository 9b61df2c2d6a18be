/**
 * `backprop-lens serve` without --headless (node-only): serves the built web dashboard (out/web)
 * on 127.0.0.1 and bridges the attached run to it — events as server-sent events on
 * GET /attach/events, commands by POST /attach/command — through AttachDashboardAdapter.
 *
 * Only this page may use the bridge: requests must name this server as their Host (no DNS
 * rebinding), and commands must come from its own Origin (a web page elsewhere cannot post them,
 * and cannot read the events: no CORS headers are ever sent).
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { decodeTypedJson, encodeTypedJson } from '../protocol/typed-json.js';
import type { EngineEvent } from '../protocol/events.js';
import { AttachDashboardAdapter } from './dashboard-adapter.js';

const MAX_COMMAND_BYTES = 1 << 20;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};
/** As the web build is served by vite preview (vite.web.config.ts). */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export class DashboardServer {
  readonly adapter: AttachDashboardAdapter;
  private server: Server | null = null;
  private readonly streams = new Set<ServerResponse>();
  port = 0;

  /**
   * @param token required by the bridge (events and commands), so other local users and pages
   *   cannot watch or steer the run: the page gets it in its URL, from the terminal.
   * @param attachAddress the BACKPROP_LENS_ATTACH value, shown in the page with a copy button.
   */
  constructor(
    private readonly webRoot: string,
    private readonly log: (line: string) => void,
    private readonly token: string,
    attachAddress: string,
    private readonly wantedPort = 0,
  ) {
    this.adapter = new AttachDashboardAdapter((e) => this.broadcast(e), attachAddress);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/index.html?attach=1&token=${this.token}`;
  }

  private tokenOk(presented: string | null | undefined): boolean {
    const a = Buffer.from(presented ?? '', 'utf8');
    const b = Buffer.from(this.token, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen({ host: '127.0.0.1', port: this.wantedPort }, () => ok());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.end();
    this.streams.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }

  private broadcast(event: EngineEvent): void {
    const line = `data: ${encodeTypedJson(event)}\n\n`;
    for (const s of this.streams) s.write(line);
  }

  private ownHost(host: string | undefined): boolean {
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fail = (code: number, why: string): void => {
      this.log(`dashboard: ${code} ${req.method} ${req.url}: ${why}`);
      res.writeHead(code, { 'Content-Type': 'text/plain' }).end(why);
    };
    if (!this.ownHost(req.headers.host)) return fail(403, `Host ${req.headers.host ?? '(none)'} is not this server`);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const path = url.pathname;
    if (path.startsWith('/attach/')) {
      const presented = path === '/attach/events' ? url.searchParams.get('token') : req.headers['x-attach-token'];
      if (!this.tokenOk(typeof presented === 'string' ? presented : null)) return fail(403, 'wrong or missing token');
    }
    if (path === '/attach/events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', ...ISOLATION });
      res.write(': attached\n\n');
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      return;
    }
    if (path === '/attach/command' && req.method === 'POST') {
      const origin = req.headers.origin;
      if (origin !== `http://127.0.0.1:${this.port}` && origin !== `http://localhost:${this.port}`)
        return fail(403, `Origin ${origin ?? '(none)'} may not send commands`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_COMMAND_BYTES) return fail(413, 'command too large');
        chunks.push(chunk);
      }
      let message: unknown;
      try {
        message = decodeTypedJson(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return fail(400, 'command is not JSON');
      }
      res.writeHead(204, ISOLATION).end();
      this.adapter.command(message);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    const root = resolve(this.webRoot);
    const file = resolve(join(root, path === '/' ? 'index.html' : decodeURIComponent(path)));
    if (file !== root && !file.startsWith(root + sep)) return fail(403, 'outside the dashboard');
    try {
      if (!(await stat(file)).isFile()) return fail(404, 'not found');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...ISOLATION });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      fail(404, 'not found');
    }
  }
}
