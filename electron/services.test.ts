import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dialog } from './test/mocks/electron.js';
import { RecentFiles, MAX_RECENT } from './recent-files.js';
import { createServices, openRecentFromMenu, withExtension } from './services.js';
import { SessionDocument } from './session-document.js';

let d: string;
let recent: RecentFiles;
let document: SessionDocument;
const restart = vi.fn();

function services() {
  return createServices({
    dialog: dialog as never,
    recent,
    document,
    window: () => null,
    restartEngine: restart,
    documentsDir: () => d,
    info: () => ({ version: '1', platform: 'linux', versions: { electron: '', chrome: '', node: '' } }),
    attachAddress: () => 'tcp://127.0.0.1:5555?token=abc',
  });
}

beforeEach(() => {
  d = mkdtempSync(join(tmpdir(), 'lens-services-'));
  recent = new RecentFiles(join(d, 'recent.json'));
  document = new SessionDocument({ dialog: dialog as never, recent, window: () => null, documentsDir: () => d });
  dialog.showOpenDialog.mockReset();
  dialog.showSaveDialog.mockReset();
});

describe('app services', () => {
  it('opens a dataset through the dialog, returns its bytes and remembers it', async () => {
    const file = join(d, 'xor.csv');
    writeFileSync(file, 'x,y\n1,0\n');
    dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [file] });
    const r = await services()['dataset:open']();
    expect(r).toMatchObject({ path: file, fileName: 'xor.csv' });
    expect(new TextDecoder().decode(r!.bytes)).toBe('x,y\n1,0\n');
    expect((await recent.list()).map((f) => f.path)).toEqual([file]);
    // The list survives a restart of the app.
    expect((await new RecentFiles(join(d, 'recent.json')).list())[0]!.fileName).toBe('xor.csv');
  });

  it('returns null when the dialog is cancelled', async () => {
    dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    expect(await services()['dataset:open']()).toBeNull();
  });

  it('re-reads only files on the recent list, and drops ones that vanished', async () => {
    const s = services();
    await expect(s['dataset:read-recent']('/etc/passwd')).rejects.toThrow(/not on the recent files list/);
    const file = join(d, 'gone.csv');
    await recent.add(file);
    await expect(s['dataset:read-recent'](file)).rejects.toThrow(/ENOENT/);
    expect(await recent.list()).toEqual([]);
  });

  it('keeps at most MAX_RECENT files, newest first, without duplicates', async () => {
    for (let i = 0; i < MAX_RECENT + 3; i++) await recent.add(`/data/${i}.csv`);
    await recent.add('/data/5.csv');
    const list = await recent.list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]!.path).toBe('/data/5.csv');
    expect(list.filter((f) => f.path === '/data/5.csv')).toHaveLength(1);
  });

  it('saves exports atomically, adding the extension when missing', async () => {
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: join(d, 'weights') });
    const r = await services()['file:save']({
      suggestedName: 'w.json',
      kind: 'json',
      contents: '{"format":"backprop-lens/weights"}',
    });
    expect(r).toEqual({ path: join(d, 'weights.json') });
    expect(readFileSync(join(d, 'weights.json'), 'utf8')).toContain('backprop-lens/weights');
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(withExtension('/a/b.csv', 'json')).toBe('/a/b.csv');
  });

  it('File › Open Recent reads the file for the dashboard; a vanished one is reported and leaves the list', async () => {
    const file = join(d, 'run.bplens');
    writeFileSync(file, 'PK');
    await recent.add(file);
    const notify = vi.fn();
    const fail = vi.fn();
    await openRecentFromMenu({ recent, document }, file, notify, fail);
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ path: file, fileName: 'run.bplens' }));
    // A session opened from the list becomes the file File › Save writes to.
    expect(document.path).toBe(file);
    await openRecentFromMenu({ recent, document }, '/not/on/the/list.bplens', notify, fail);
    expect(fail).toHaveBeenLastCalledWith(expect.stringContaining('not on the recent files list'));
    const gone = join(d, 'gone.bplens');
    await recent.add(gone);
    await openRecentFromMenu({ recent, document }, gone, notify, fail);
    expect(fail).toHaveBeenLastCalledWith(`${gone} no longer exists; it was taken off the recent list`);
    expect((await recent.list()).map((f) => f.path)).toEqual([file]);
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it('forwards engine restarts with their reason', async () => {
    await services()['engine:restart']({ reason: 'user asked' });
    expect(restart).toHaveBeenCalledWith('user asked');
  });

  it('tells the dashboard the BACKPROP_LENS_ATTACH value of this app start', async () => {
    expect(await services()['attach:address']()).toBe('tcp://127.0.0.1:5555?token=abc');
  });
});
