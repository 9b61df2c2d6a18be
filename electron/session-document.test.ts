import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { dialog } from './test/mocks/electron.js';
import { RecentFiles } from './recent-files.js';
import { SessionDocument } from './session-document.js';

let d: string;
let recent: RecentFiles;
let doc: SessionDocument;
const bytes = (s: string) => new TextEncoder().encode(s);

beforeEach(() => {
  d = mkdtempSync(join(tmpdir(), 'lens-doc-'));
  recent = new RecentFiles(join(d, 'recent.json'));
  doc = new SessionDocument({ dialog: dialog as never, recent, window: () => null, documentsDir: () => d });
  dialog.showSaveDialog.mockReset();
});

describe('the session file (File › Save / Save As…)', () => {
  it('asks the first time, then Save writes to the same file without a dialog; Save As always asks', async () => {
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: join(d, 'run') });
    expect(doc.path).toBeNull();
    expect(await doc.save({ suggestedName: 'spiral-step10.bplens', contents: bytes('one'), saveAs: false })).toEqual({
      path: join(d, 'run.bplens'),
    });
    expect(dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(dialog.showSaveDialog.mock.calls[0]![0]).toMatchObject({
      defaultPath: join(d, 'spiral-step10.bplens'),
      filters: [{ extensions: ['bplens'] }],
    });
    expect(await doc.save({ suggestedName: 'spiral-step20.bplens', contents: bytes('two'), saveAs: false })).toEqual({
      path: join(d, 'run.bplens'),
    });
    expect(dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(readFileSync(join(d, 'run.bplens'), 'utf8')).toBe('two');
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: join(d, 'copy.bplens') });
    await doc.save({ suggestedName: 'x.bplens', contents: bytes('three'), saveAs: true });
    expect(dialog.showSaveDialog).toHaveBeenCalledTimes(2);
    // Save As starts in the current file's place, and the copy becomes the current file.
    expect(dialog.showSaveDialog.mock.calls[1]![0]).toMatchObject({ defaultPath: join(d, 'run.bplens') });
    expect(doc.path).toBe(join(d, 'copy.bplens'));
    expect(readFileSync(join(d, 'run.bplens'), 'utf8')).toBe('two');
    // Both joined the recent list, newest first.
    expect((await recent.list()).map((f) => f.fileName)).toEqual(['copy.bplens', 'run.bplens']);
  });

  it('a cancelled dialog writes nothing and keeps the session untitled', async () => {
    dialog.showSaveDialog.mockResolvedValue({ canceled: true });
    expect(await doc.save({ suggestedName: 'x.bplens', contents: bytes('x'), saveAs: false })).toBeNull();
    expect(doc.path).toBeNull();
    expect(readdirSync(d)).toEqual([]);
  });

  it('opening a session file makes it current; opening a data file starts an untitled session', async () => {
    doc.opened('/runs/a.bplens');
    expect(doc.path).toBe('/runs/a.bplens');
    doc.opened('/data/iris.csv');
    expect(doc.path).toBeNull();
  });

  it('a dropped .bplens is read, made current and put on the recent list; anything else is refused', async () => {
    const file = join(d, 'dropped.bplens');
    writeFileSync(file, 'PK\u0003\u0004');
    const f = await doc.openDropped(file);
    expect(f).toMatchObject({ path: file, fileName: 'dropped.bplens' });
    expect(doc.path).toBe(file);
    expect(await recent.has(file)).toBe(true);
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: join(d, 'never.bplens') });
    await doc.save({ suggestedName: 'x.bplens', contents: bytes('saved'), saveAs: false });
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
    expect(readFileSync(file, 'utf8')).toBe('saved');

    await expect(doc.openDropped('/etc/passwd')).rejects.toThrow('only session files (.bplens)');
    await expect(doc.openDropped(join(d, 'missing.bplens'))).rejects.toThrow('no such file');
    expect(doc.path).toBe(file);
  });

  it('the recent list tells its listeners (the menu) after every change', async () => {
    const seen: string[][] = [];
    recent.onChange((files) => seen.push(files.map((f) => f.fileName)));
    await recent.add('/a/x.bplens');
    await recent.clear();
    expect(seen).toEqual([['x.bplens'], []]);
  });
});
