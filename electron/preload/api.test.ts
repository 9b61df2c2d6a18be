import { describe, expect, it, vi } from 'vitest';
import { ipcRenderer } from '../test/mocks/electron.js';
import { createAppApi } from './api.js';

describe('preload app API', () => {
  it('invokes only contract channels', async () => {
    ipcRenderer.invoke.mockResolvedValue([]);
    const api = createAppApi(ipcRenderer as never, 'linux');
    await expect(api.invoke('recent:list')).resolves.toEqual([]);
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('recent:list');
    await expect((api.invoke as (c: string) => Promise<unknown>)('fs:read-anything')).rejects.toThrow(
      /unknown channel/,
    );
  });

  it('subscribes to contract notifications without exposing the IPC event', () => {
    const api = createAppApi(ipcRenderer as never, 'linux');
    const got = vi.fn();
    const off = api.on('menu:command', got);
    ipcRenderer.emit('menu:command', { sender: 'secret' }, 'step');
    expect(got).toHaveBeenCalledWith('step');
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalled();
    expect(() => (api.on as (n: string, l: () => void) => void)('evil', () => undefined)).toThrow(
      /unknown notification/,
    );
  });
});
