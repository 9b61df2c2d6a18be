import { describe, expect, it } from 'vitest';
import { appOrigin, isAppUrl, isTrustedSender } from './trust.js';

const prod = appOrigin('/opt/lens/out/renderer', undefined);
const dev = appOrigin('/opt/lens/out/renderer', 'http://localhost:5173');

describe('isAppUrl', () => {
  it('accepts our pages only', () => {
    expect(isAppUrl('file:///opt/lens/out/renderer/index.html', prod)).toBe(true);
    expect(isAppUrl('file:///opt/lens/out/renderer/engine.html#x', prod)).toBe(true);
    expect(isAppUrl('file:///opt/lens/out/renderer/../../secret.html', prod)).toBe(false);
    expect(isAppUrl('file:///opt/lens/out/renderer-evil/index.html', prod)).toBe(false);
    expect(isAppUrl('https://example.com/', prod)).toBe(false);
    expect(isAppUrl('http://localhost:5173/index.html', prod)).toBe(false);
    expect(isAppUrl('not a url', prod)).toBe(false);
  });
  it('accepts the app protocol’s pages (served from the renderer directory only)', () => {
    expect(isAppUrl('app://backprop-lens/index.html', prod)).toBe(true);
    expect(isAppUrl('app://backprop-lens/assets/engine-x1.js', prod)).toBe(true);
    expect(isAppUrl('app://evil/index.html', prod)).toBe(false);
    expect(isAppUrl('apps://backprop-lens/index.html', prod)).toBe(false);
  });
  it('accepts the dev server only in development', () => {
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/index.html', dev)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const frame = (url: string, parent: unknown = null) => ({ url, parent });
  it('trusts the dashboard top frame on our page', () => {
    expect(
      isTrustedSender({ sender: { id: 3 }, senderFrame: frame('file:///opt/lens/out/renderer/index.html') }, 3, prod),
    ).toBe(true);
  });
  it('refuses other windows, sub-frames, foreign pages and missing frames', () => {
    expect(
      isTrustedSender({ sender: { id: 4 }, senderFrame: frame('file:///opt/lens/out/renderer/index.html') }, 3, prod),
    ).toBe(false);
    expect(
      isTrustedSender(
        { sender: { id: 3 }, senderFrame: frame('file:///opt/lens/out/renderer/index.html', {}) },
        3,
        prod,
      ),
    ).toBe(false);
    expect(isTrustedSender({ sender: { id: 3 }, senderFrame: frame('https://evil.example/') }, 3, prod)).toBe(false);
    expect(isTrustedSender({ sender: { id: 3 }, senderFrame: null }, 3, prod)).toBe(false);
    expect(
      isTrustedSender(
        { sender: { id: 3 }, senderFrame: frame('file:///opt/lens/out/renderer/index.html') },
        null,
        prod,
      ),
    ).toBe(false);
  });
});
