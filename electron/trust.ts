/**
 * Which URLs are ours: the built renderer pages (app://backprop-lens/…, served from out/renderer;
 * file://…/out/renderer/ too) or, in development, the electron-vite dev server's origin. Everything else is denied: navigation, new windows, IPC.
 */
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME } from './app-protocol.js';

export interface AppOrigin {
  /** file:// URL of the renderer directory, ending in '/'. */
  readonly rendererDirUrl: string;
  /** Dev server origin (e.g. http://localhost:5173) or null in production. */
  readonly devOrigin: string | null;
}

export function appOrigin(rendererDir: string, devServerUrl: string | undefined): AppOrigin {
  const dir = pathToFileURL(rendererDir).href;
  return {
    rendererDirUrl: dir.endsWith('/') ? dir : `${dir}/`,
    devOrigin: devServerUrl ? new URL(devServerUrl).origin : null,
  };
}

/** True for our own pages only (no prefix tricks: file paths must stay inside the renderer directory). */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (origin.devOrigin !== null && u.origin === origin.devOrigin) return true;
  // The built pages, served by our own protocol (app-protocol.ts); it resolves paths inside the
  // renderer directory only, so any path on this host is ours.
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST && !decodeURIComponent(u.pathname).includes('\0');
  if (u.protocol !== 'file:') return false;
  const normalized = new URL(u.pathname, 'file://').href; // resolves ../ segments
  return normalized.startsWith(origin.rendererDirUrl) && !decodeURIComponent(u.pathname).includes('\0');
}

/** Minimal view of an IPC event's sender, so the check is testable without Electron. */
export interface SenderInfo {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent?: unknown } | null;
}

/** An IPC message is trusted when it comes from the dashboard's top frame, showing one of our pages. */
export function isTrustedSender(event: SenderInfo, dashboardId: number | null, origin: AppOrigin): boolean {
  if (dashboardId === null || event.sender.id !== dashboardId) return false;
  const frame = event.senderFrame;
  if (!frame || (frame.parent !== null && frame.parent !== undefined)) return false;
  return isAppUrl(frame.url, origin);
}
