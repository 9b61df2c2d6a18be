/**
 * The app services behind the contract: native open dialog + read for datasets, re-reading a
 * recent file, native save dialog + atomic write for exports, the recent list, engine restart
 * and app info. Dependencies come in as arguments so the unit tests need no real dialogs.
 */
import type { BrowserWindow, Dialog } from 'electron';
import { writeFileAtomic } from './atomic-write.js';
import type { AppInfo, OpenedFile, SaveKind } from './contract.js';
import type { AppHandlers } from './ipc.js';
import type { RecentFiles } from './recent-files.js';
import type { SessionDocument } from './session-document.js';
import { readDataset, withExtension } from './opened-files.js';
export { MAX_DATASET_BYTES, readDataset, withExtension } from './opened-files.js';


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
  /** The session's current file (File › Save); told about every file opened. */
  readonly document: SessionDocument;
}

/**
 * Re-reads a file of the recent list (the dashboard's Recent list, File › Open Recent): only paths
 * on the list; one that moved or was deleted leaves it.
 */
export async function readRecent(deps: Pick<ServiceDeps, 'recent' | 'document'>, path: string): Promise<OpenedFile> {
  if (!(await deps.recent.has(path)))
    throw new Error(`${path} is not on the recent files list; open it with the dialog`);
  try {
    const file = await readDataset(path);
    await deps.recent.add(path);
    deps.document.opened(path);
    return file;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') await deps.recent.remove(path);
    throw e;
  }
}

/**
 * File › Open Recent: main reads the file and hands it to the dashboard (`file:opened`), which
 * opens it as if picked (a .bplens opens the whole session). Failures are reported, not thrown.
 */
export async function openRecentFromMenu(
  deps: Pick<ServiceDeps, 'recent' | 'document'>,
  path: string,
  notify: (file: OpenedFile) => void,
  fail: (message: string) => void,
): Promise<void> {
  try {
    notify(await readRecent(deps, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `${path} no longer exists; it was taken off the recent list` : (e as Error).message);
  }
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
      deps.document.opened(path);
      return file;
    },
    'dataset:read-recent': (path) => readRecent(deps, path),
    'session:save': (req) => deps.document.save(req),
    'session:open-dropped': (path) => deps.document.openDropped(path),
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
