/**
 * The dashboard's `window.backpropLens`, derived from the one contract: `invoke` accepts exactly
 * the contract's channels, `on` exactly its notifications. Raw ipcRenderer never reaches the page.
 */
import type { IpcRenderer } from 'electron';
import { APP_CHANNEL_NAMES, APP_NOTIFICATION_NAMES } from '../channels.js';
import type { AppApi, AppChannel, AppNotification } from '../contract.js';

export function createAppApi(
  ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>,
  platform: string,
  pathForFile: (file: Blob) => string = () => '',
): AppApi {
  return {
    platform,
    pathForFile: (file) => {
      try {
        return pathForFile(file);
      } catch {
        // Not a File from a drop or a file input (nothing on disk): no path.
        return '';
      }
    },
    invoke: ((channel: AppChannel, ...args: unknown[]) => {
      if (!(APP_CHANNEL_NAMES as readonly string[]).includes(channel))
        return Promise.reject(new Error(`unknown channel ${String(channel)}`));
      return ipc.invoke(channel, ...args);
    }) as AppApi['invoke'],
    on: ((name: AppNotification, listener: (payload: unknown) => void) => {
      if (!(APP_NOTIFICATION_NAMES as readonly string[]).includes(name))
        throw new Error(`unknown notification ${String(name)}`);
      // The event object (with its sender) is not passed on: the page gets the payload only.
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
      ipc.on(name, wrapped);
      return () => void ipc.removeListener(name, wrapped);
    }) as AppApi['on'],
  };
}
