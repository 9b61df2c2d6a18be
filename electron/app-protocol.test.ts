import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { session } from './test/mocks/electron.js';
import { APP_SCHEME, registerAppScheme, resolveAppFile, serveAppProtocol, serveAppRequest } from './app-protocol.js';
import { hardenSession } from './security.js';
import { appOrigin } from './trust.js';

const root = mkdtempSync(join(tmpdir(), 'lens-app-'));
const dir = join(root, 'renderer');
mkdirSync(join(dir, 'assets'), { recursive: true });
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
writeFileSync(join(dir, 'assets', 'engine.js'), 'export {};');
writeFileSync(join(dir, 'assets', 'kernels.wasm'), new Uint8Array([0, 97, 115, 109]));
writeFileSync(join(root, 'secret.txt'), 'secret');

describe('app:// protocol', () => {
  it('resolves URLs to files inside the renderer directory only', () => {
    expect(resolveAppFile('app://backprop-lens/index.html', dir)).toBe(join(dir, 'index.html'));
    expect(resolveAppFile('app://backprop-lens/', dir)).toBe(join(dir, 'index.html'));
    expect(resolveAppFile('app://backprop-lens/assets/engine.js?v=1#x', dir)).toBe(join(dir, 'assets', 'engine.js'));
    // The URL parser already drops leading '..' segments: this names renderer/secret.txt, not the one beside it.
    expect(resolveAppFile('app://backprop-lens/../secret.txt', dir)).toBe(join(dir, 'secret.txt'));
    expect(resolveAppFile('app://backprop-lens/%2e%2e/secret.txt', dir)).toBe(join(dir, 'secret.txt'));
    for (const bad of [
      'app://backprop-lens/assets/..%2f..%2fsecret.txt',
      'app://backprop-lens/index.html%00.js',
      'app://other-host/index.html',
      'file:///etc/passwd',
      'app://backprop-lens/%E0%A4%A',
      'not a url',
    ])
      expect(resolveAppFile(bad, dir), bad).toBeNull();
  });

  it('serves pages with cross-origin isolation, the CSP and the right MIME type', async () => {
    const page = await serveAppRequest(new Request('app://backprop-lens/index.html'), dir);
    expect(page.status).toBe(200);
    expect(page.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(page.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(page.headers.get('Content-Security-Policy')).toContain("worker-src 'self' blob:");
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>x</title>');
    const wasm = await serveAppRequest(new Request('app://backprop-lens/assets/kernels.wasm'), dir);
    expect(wasm.headers.get('Content-Type')).toBe('application/wasm');
    expect(wasm.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
  });

  it('answers 404 outside the directory or for missing files, 405 for writes', async () => {
    expect(
      (await serveAppRequest(new Request('app://backprop-lens/assets/..%2f..%2f..%2fsecret.txt'), dir)).status,
    ).toBe(404);
    expect((await serveAppRequest(new Request('app://backprop-lens/missing.js'), dir)).status).toBe(404);
    expect(
      (await serveAppRequest(new Request('app://backprop-lens/index.html', { method: 'POST', body: 'x' }), dir)).status,
    ).toBe(405);
  });

  it('registers a privileged secure standard scheme and its handler', async () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: APP_SCHEME,
        privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
      }),
    ]);
    serveAppProtocol(protocol, dir);
    const handler = protocol.handle.mock.calls[0]![1] as (r: Request) => Promise<Response>;
    expect((await handler(new Request('app://backprop-lens/index.html'))).status).toBe(200);
  });

  it('adds cross-origin isolation to the dev server’s responses, and nothing to foreign ones', () => {
    const s = session.defaultSession;
    hardenSession(s as never, appOrigin(dir, 'http://localhost:5173'));
    const onHeaders = s.webRequest.onHeadersReceived.mock.calls.at(-1)![0] as (
      d: { url: string; responseHeaders: Record<string, string[]> },
      cb: (r: { responseHeaders: Record<string, string[]> }) => void,
    ) => void;
    let got: Record<string, string[]> = {};
    onHeaders({ url: 'http://localhost:5173/engine.html', responseHeaders: {} }, (r) => (got = r.responseHeaders));
    expect(got['Cross-Origin-Opener-Policy']).toEqual(['same-origin']);
    expect(got['Cross-Origin-Embedder-Policy']).toEqual(['require-corp']);
    onHeaders({ url: 'https://example.com/', responseHeaders: {} }, (r) => (got = r.responseHeaders));
    expect(got['Cross-Origin-Embedder-Policy']).toBeUndefined();
  });
});
