/**
 * The app services behind the contract: native open dialog + read for datasets, re-reading a
 * recent file, native save dialog + atomic write for exports, the recent list, engine restart
 * and app info. Dependencies come in as arguments so the unit tests need no real dialogs.
 */
import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import { writeFileAtomic } from './atomic-write.js';
import type { AppInfo, OpenedFile, SaveKind } from './contract.js';
import type { AppHandlers } from './ipc.js';
import type { RecentFiles } from './recent-files.js';

/** Larger files get a clear message instead of exhausting memory (engine/data's own limit is the same). */
export const MAX_DATASET_BYTES = 512 * 1024 * 1024;

export const DATASET_FILTERS = [
  {
    name: 'Datasets',
    extensions: ['csv', 'tsv', 'txt', 'dat', 'json', 'npy', 'idx', 'gz', 'idx1-ubyte', 'idx3-ubyte'],
  },
  { name: 'Backprop Lens sessions', extensions: ['bplens'] },
  { name: 'All files', extensions: ['*'] },
];

const SAVE_FILTERS: Record<SaveKind, { name: string; extensions: string[] }> = {
  json: { name: 'JSON', extensions: ['json'] },
  csv: { name: 'CSV', extensions: ['csv'] },
  png: { name: 'PNG image', extensions: ['png'] },
  npz: { name: 'NumPy arrays', extensions: ['npz'] },
  safetensors: { name: 'safetensors (PyTorch)', extensions: ['safetensors'] },
  onnx: { name: 'ONNX model', extensions: ['onnx'] },
  bplens: { name: 'Backprop Lens session', extensions: ['bplens'] },
};

export interface ServiceDeps {
  readonly dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
  readonly recent: RecentFiles;
  readonly window: () => BrowserWindow | null;
  readonly restartEngine: (reason: string) => void;
  readonly info: () => AppInfo;
  /** BACKPROP_LENS_ATTACH of this app start (electron/desktop-attach.ts); null when not listening. */
  readonly attachAddress: () => string | null;
  /** Default folder for save dialogs. */
  readonly documentsDir: () => string;
}

export async function readDataset(path: string): Promise<OpenedFile> {
  const stat = await fs.stat(path);
  if (!stat.isFile()) throw new Error(`${path}: not a file`);
  if (stat.size > MAX_DATASET_BYTES) {
    throw new Error(
      `${path}: ${(stat.size / 2 ** 20).toFixed(0)} MiB is more than the ${MAX_DATASET_BYTES / 2 ** 20} MiB a dataset may have`,
    );
  }
  const buf = await fs.readFile(path);
  return { path, fileName: basename(path), bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** Adds the kind's extension when the user typed a name without one. */
export function withExtension(path: string, kind: SaveKind): string {
  return extname(path) === '' ? `${path}.${kind}` : path;
}

export function createServices(deps: ServiceDeps): AppHandlers {
  return {
    'dataset:open': async () => {
      const win = deps.window();
      const options = { title: 'Open a dataset', properties: ['openFile' as const], filters: DATASET_FILTERS };
      const r = win ? await deps.dialog.showOpenDialog(win, options) : await deps.dialog.showOpenDialog(options);
      const path = r.filePaths[0];
      if (r.canceled || path === undefined) return null;
      const file = await readDataset(path);
      await deps.recent.add(path);
      return file;
    },
    'dataset:read-recent': async (path) => {
      if (!(await deps.recent.has(path)))
        throw new Error(`${path} is not on the recent files list; open it with the dialog`);
      try {
        return await readDataset(path);
      } catch (e) {
        // A recent file that moved or was deleted leaves the list.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') await deps.recent.remove(path);
        throw e;
      }
    },
    'recent:list': () => deps.recent.list(),
    'recent:clear': () => deps.recent.clear(),
    'file:save': async (req) => {
      const win = deps.window();
      const options = {
        title: 'Save',
        defaultPath: `${deps.documentsDir()}/${req.suggestedName}`,
        filters: [SAVE_FILTERS[req.kind]],
      };
      const r = win ? await deps.dialog.showSaveDialog(win, options) : await deps.dialog.showSaveDialog(options);
      if (r.canceled || !r.filePath) return null;
      const path = withExtension(r.filePath, req.kind);
      await writeFileAtomic(path, req.contents);
      return { path };
    },
    'engine:restart': async ({ reason }) => deps.restartEngine(reason),
    'app:info': async () => deps.info(),
    'attach:address': async () => deps.attachAddress(),
  };
}
