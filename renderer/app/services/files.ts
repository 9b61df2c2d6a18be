/**
 * Opening and saving files in both modes: in Electron through the preload's app API (native
 * dialogs, the main process's recent list, atomic writes), in a browser through
 * <input type=file>, drag and drop, and a download link.
 */
import { appApi } from '../transport/app-api.js';

export interface OpenedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Native path, Electron only. */
  readonly path?: string;
}

/** True inside the Electron shell (native dialogs available). */
export function isDesktop(): boolean {
  return appApi() !== null;
}

/** The native open dialog; null when cancelled or in web mode. */
export async function openNative(): Promise<OpenedFile | null> {
  const api = appApi();
  if (!api) return null;
  const f = await api.invoke('dataset:open');
  return f ? { name: f.fileName, bytes: f.bytes, path: f.path } : null;
}

/** Reads a file from the main process's recent list again (Electron only). */
export async function readRecent(path: string): Promise<OpenedFile | null> {
  const api = appApi();
  if (!api) return null;
  const f = await api.invoke('dataset:read-recent', path);
  return { name: f.fileName, bytes: f.bytes, path: f.path };
}

/** The main process's recent data files (Electron only; [] in a browser). */
export async function listRecentNative(): Promise<{ name: string; path: string; at: number }[]> {
  const api = appApi();
  if (!api) return [];
  const list = await api.invoke('recent:list');
  return list.map((r) => ({ name: r.fileName, path: r.path, at: Date.parse(r.openedAt) || 0 }));
}

export async function readBrowserFile(file: File): Promise<OpenedFile> {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

function kindOf(name: string): 'json' | 'csv' | 'png' | 'npz' | 'safetensors' | 'onnx' | 'bplens' {
  for (const ext of ['png', 'csv', 'npz', 'safetensors', 'onnx', 'bplens'] as const) if (name.endsWith(`.${ext}`)) return ext;
  return 'json';
}

/** Saves text or bytes: a native save dialog (atomic write) in Electron, a download in the browser. Null when cancelled. */
export async function saveFile(defaultName: string, contents: string | Uint8Array | Blob, mimeType = 'application/octet-stream'): Promise<string | null> {
  const api = appApi();
  if (api) {
    const body = contents instanceof Blob ? new Uint8Array(await contents.arrayBuffer()) : typeof contents === 'string' ? contents : new Uint8Array(contents);
    const r = await api.invoke('file:save', { suggestedName: defaultName, kind: kindOf(defaultName), contents: body });
    return r?.path ?? null;
  }
  const blob = contents instanceof Blob ? contents : new Blob([contents as BlobPart], { type: mimeType });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = defaultName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return defaultName;
}

/**
 * Saves a session file. Desktop: File › Save writes to the session's current file (main keeps its
 * path; the first time, and for Save As, the save dialog asks), and the file joins the recent list.
 * Browser: a download named `<dataset>-step<N>.bplens`. The saved file's name; null when cancelled.
 */
export async function saveSessionFile(defaultName: string, bytes: Uint8Array, saveAs: boolean): Promise<string | null> {
  const api = appApi();
  if (!api) return saveFile(defaultName, bytes, 'application/zip');
  const r = await api.invoke('session:save', { suggestedName: defaultName, contents: new Uint8Array(bytes), saveAs });
  return r ? baseName(r.path) : null;
}

/** A dropped session file on the desktop: main reads it by its path and makes it the session's file. */
export async function openDroppedSession(file: File): Promise<OpenedFile> {
  const api = appApi();
  const path = api?.pathForFile(file) ?? '';
  if (!api || path === '') return readBrowserFile(file);
  const f = await api.invoke('session:open-dropped', path);
  return { name: f.fileName, bytes: f.bytes, path: f.path };
}

export const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** A PNG of a canvas, scaled up by whole pixels (crisp cells) so a 10×4 matrix is still readable; at most 4096 px a side. */
export async function canvasPng(source: HTMLCanvasElement, minSide = 512): Promise<Blob> {
  const small = Math.max(1, Math.min(source.width, source.height));
  const big = Math.max(1, source.width, source.height);
  const scale = Math.max(1, Math.min(Math.floor(minSide / small), Math.floor(4096 / big)));
  const out = document.createElement('canvas');
  out.width = source.width * scale;
  out.height = source.height * scale;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('Cannot draw the PNG: no 2-D canvas context');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, out.width, out.height);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded'))), 'image/png'));
}
