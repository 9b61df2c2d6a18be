import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcMain } from './test/mocks/electron.js';
import type { IpcMainInvokeEvent } from 'electron';
import { APP_CHANNELS } from './contract.js';
import { guarded, IpcRefusedError, registerAppHandlers } from './ipc.js';
import type { AppHandlers } from './ipc.js';

const event = {} as IpcMainInvokeEvent;

function handlers(): AppHandlers {
  return {
    'dataset:open': vi.fn(async () => null),
    'dataset:read-recent': vi.fn(async (path: string) => ({ path, fileName: 'x', bytes: new Uint8Array() })),
    'recent:list': vi.fn(async () => []),
    'recent:clear': vi.fn(async () => undefined),
    'file:save': vi.fn(async () => ({ path: '/tmp/x.json' })),
    'session:save': vi.fn(async () => ({ path: '/tmp/x.bplens' })),
    'session:open-dropped': vi.fn(async (path: string) => ({ path, fileName: 'x.bplens', bytes: new Uint8Array() })),
    'engine:restart': vi.fn(async () => undefined),
    'app:info': vi.fn(async () => ({
      version: '1',
      platform: 'linux',
      versions: { electron: '', chrome: '', node: '' },
    })),
    'attach:address': vi.fn(async () => 'tcp://127.0.0.1:1?token=t'),
  };
}

describe('guarded IPC handlers', () => {
  it('refuses an untrusted sender before looking at the arguments', async () => {
    const h = handlers();
    const f = guarded('recent:list', h['recent:list'], () => false);
    await expect(f(event)).rejects.toBeInstanceOf(IpcRefusedError);
    expect(h['recent:list']).not.toHaveBeenCalled();
  });

  it('validates arguments with the contract and names the bad one', async () => {
    const h = handlers();
    const save = guarded('file:save', h['file:save'], () => true);
    await expect(save(event, { suggestedName: '../../etc/passwd', kind: 'json', contents: '{}' })).rejects.toThrow(
      /file:save: argument\[0\]\.suggestedName/,
    );
    await expect(save(event, { suggestedName: 'w.json', kind: 'exe', contents: '{}' })).rejects.toThrow(/kind/);
    await expect(save(event)).rejects.toThrow(IpcRefusedError);
    await expect(guarded('recent:list', h['recent:list'], () => true)(event, 'extra')).rejects.toThrow(IpcRefusedError);
    expect(h['file:save']).not.toHaveBeenCalled();
  });

  it('passes parsed arguments to the handler', async () => {
    const h = handlers();
    const read = guarded('dataset:read-recent', h['dataset:read-recent'], () => true);
    await expect(read(event, '/data/a.csv')).resolves.toMatchObject({ path: '/data/a.csv' });
    expect(h['dataset:read-recent']).toHaveBeenCalledWith('/data/a.csv');
  });
});

describe('registerAppHandlers', () => {
  beforeEach(() => ipcMain.handlers.clear());
  it('registers every contract channel and removes them again', () => {
    const off = registerAppHandlers(ipcMain as never, handlers(), () => true);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...APP_CHANNELS].sort());
    off();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers attach:address only to the dashboard, and takes no arguments', async () => {
    const h = handlers();
    await expect(guarded('attach:address', h['attach:address'], () => false)(event)).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(guarded('attach:address', h['attach:address'], () => true)(event, 'x')).rejects.toThrow(/attach:address/);
    expect(await guarded('attach:address', h['attach:address'], () => true)(event)).toBe('tcp://127.0.0.1:1?token=t');
  });
});
