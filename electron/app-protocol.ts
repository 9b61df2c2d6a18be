/**
 * The built pages are served from `app://backprop-lens/…` instead of file://. A file:// page has no
 * response headers, so it can never be cross-origin isolated; without isolation there is no
 * SharedArrayBuffer and cpu-f32 runs its products on one thread. Our own scheme answers every
 * request with COOP same-origin + COEP require-corp (+ the CSP), which isolates both windows.
 *
 * The scheme is registered as privileged (standard, secure, fetch) before the app is ready, and
 * serves only files inside the renderer directory (no `..`, no encoded tricks), GET/HEAD only.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { CSP } from './csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'backprop-lens';
export const APP_BASE_URL = `${APP_SCHEME}://${APP_HOST}/`;

/** Cross-origin isolation and the CSP, on every page and script the app serves (also the dev server's). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file an app:// URL names inside `rendererDir`, or null for anything outside it or malformed. */
export function resolveAppFile(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.split(/[\\/]/).includes('..')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  return file.startsWith(root + sep) ? file : null;
}

/** The headers of a response the app serves. */
export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': mimeType(file),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    ...ISOLATION_HEADERS,
  };
}

/** The part of Electron's `protocol` used here (unit tests pass a fake). */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Must run before the app is ready. */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true },
    },
  ]);
}

/** The request handler, separate from Electron so it is testable. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 });
  const file = resolveAppFile(request.url, rendererDir);
  if (!file) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: appResponseHeaders(file),
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** Serves the renderer directory on app://backprop-lens/ (after the app is ready). */
export function serveAppProtocol(protocol: ProtocolLike, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}
