import { describe, expect, it, vi } from 'vitest';
import { app, FakeWebContents, session } from './test/mocks/electron.js';
import { hardenSession, hardenWebContents, setupSecurity } from './security.js';

import { appOrigin } from './trust.js';

const origin = appOrigin('/opt/lens/out/renderer', undefined);

describe('security', () => {
  it('blocks navigation away from our pages, new windows and webviews', () => {
    const wc = new FakeWebContents();
    hardenWebContents(wc as never, origin);
    const nav = { preventDefault: vi.fn() };
    wc.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const ok = { preventDefault: vi.fn() };
    wc.emit('will-navigate', ok, 'file:///opt/lens/out/renderer/index.html');
    expect(ok.preventDefault).not.toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    wc.emit('will-redirect', redirect, 'http://evil.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(wc.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    const s = session.defaultSession;
    hardenSession(s as never, origin);
    const request = s.setPermissionRequestHandler.mock.calls.at(-1)![0] as (
      wc: unknown,
      p: string,
      cb: (ok: boolean) => void,
    ) => void;
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const cb = vi.fn();
      request({}, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    const check = s.setPermissionCheckHandler.mock.calls.at(-1)![0] as () => boolean;
    expect(check()).toBe(false);
  });

  it('enables the sandbox for every renderer and hardens each new web contents', () => {
    setupSecurity(app as never, origin, () => session.defaultSession as never);
    expect(app.enableSandbox).toHaveBeenCalled();
    const wc = new FakeWebContents();
    app.emit('web-contents-created', {}, wc);
    expect(wc.windowOpenHandler).not.toBeNull();
  });
});
