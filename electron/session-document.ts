/**
 * The session's file on disk, as a document app keeps it: File › Save writes to the file the
 * session was opened from or last saved to (no dialog), the first Save and every Save As… ask with
 * the save dialog. Main keeps the path (the page never names one to write to); opening a .bplens
 * (dialog, recent list, drop) makes it current, opening a data file starts an untitled session.
 * Every session file opened or saved joins the recent list. Writes are atomic.
 */
import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import { writeFileAtomic } from './atomic-write.js';
import type { OpenedFile, SessionSaveRequest } from './contract.js';
import type { RecentFiles } from './recent-files.js';
import { readDataset, withExtension } from './opened-files.js';

export const SESSION_FILTER = { name: 'Backprop Lens session', extensions: ['bplens'] };

export const isSessionPath = (path: string): boolean => extname(path).toLowerCase() === '.bplens';

export interface SessionDocumentDeps {
  readonly dialog: Pick<Dialog, 'showSaveDialog'>;
  readonly recent: RecentFiles;
  readonly window: () => BrowserWindow | null;
  readonly documentsDir: () => string;
}

export class SessionDocument {
  private current: string | null = null;

  constructor(private readonly deps: SessionDocumentDeps) {}

  /** The session's file, or null while it is untitled. */
  get path(): string | null {
    return this.current;
  }

  /** A file was opened: a session file becomes the current one, a data file starts an untitled session. */
  opened(path: string): void {
    this.current = isSessionPath(path) ? path : null;
  }

  async save(req: SessionSaveRequest): Promise<{ path: string } | null> {
    let path = req.saveAs ? null : this.current;
    if (path === null) {
      const win = this.deps.window();
      const options = {
        title: req.saveAs ? 'Save Session As' : 'Save Session',
        defaultPath: this.current ?? `${this.deps.documentsDir()}/${req.suggestedName}`,
        filters: [SESSION_FILTER],
      };
      const r = win
        ? await this.deps.dialog.showSaveDialog(win, options)
        : await this.deps.dialog.showSaveDialog(options);
      if (r.canceled || !r.filePath) return null;
      path = withExtension(r.filePath, 'bplens');
    }
    await writeFileAtomic(path, req.contents);
    this.current = path;
    await this.deps.recent.add(path);
    return { path };
  }

  /** A .bplens dropped on the window (path from the preload): read and made current. */
  async openDropped(path: string): Promise<OpenedFile> {
    if (!isSessionPath(path))
      throw new Error(`${basename(path)}: only session files (.bplens) can be opened by dropping them here`);
    const stat = await fs.stat(path).catch(() => null);
    if (!stat?.isFile()) throw new Error(`${path}: no such file`);
    const file = await readDataset(path);
    this.current = path;
    await this.deps.recent.add(path);
    return file;
  }
}
