/**
 * Registers the app-services handlers from the one contract: for each channel, the sender is
 * checked (only the dashboard's top frame showing our page) and the arguments are parsed with
 * the channel's zod schema before the handler sees them. The handler map's type is derived from
 * the contract, so a missing or mistyped handler is a compile error.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import { APP_CHANNELS, APP_CONTRACT } from './contract.js';
import type { AppChannel, AppResult } from './contract.js';

type Contract = typeof APP_CONTRACT;

export type AppHandlers = {
  [C in AppChannel]: (...args: z.output<Contract[C]['args']>) => Promise<AppResult<C>>;
};

export class IpcRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRefusedError';
  }
}

function describeIssue(e: z.ZodError): string {
  const first = e.issues[0];
  if (!first) return 'invalid';
  const path = first.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
  return `argument${path}: ${first.message}`;
}

/** The checked wrapper for one channel, exported for unit tests. */
export function guarded<C extends AppChannel>(
  channel: C,
  handler: AppHandlers[C],
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
) {
  return async (event: IpcMainInvokeEvent, ...raw: unknown[]): Promise<AppResult<C>> => {
    if (!isTrusted(event))
      throw new IpcRefusedError(`${channel}: refused: the request did not come from the dashboard page`);
    const parsed = APP_CONTRACT[channel].args.safeParse(raw);
    if (!parsed.success) throw new IpcRefusedError(`${channel}: ${describeIssue(parsed.error)}`);
    return (handler as (...a: unknown[]) => Promise<AppResult<C>>)(...(parsed.data as unknown[]));
  };
}

export function registerAppHandlers(
  ipcMain: IpcMain,
  handlers: AppHandlers,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const channel of APP_CHANNELS) ipcMain.handle(channel, guarded(channel, handlers[channel] as never, isTrusted));
  return () => {
    for (const channel of APP_CHANNELS) ipcMain.removeHandler(channel);
  };
}
