/**
 * The ONE contract between the Electron main process and the dashboard's preload API: every
 * `ipcMain.handle` channel with its argument schema and result type, and every main → dashboard
 * notification. Main validates arguments with these schemas; the preload allows exactly these
 * channels; the dashboard's typed `window.backpropLens` is derived from the same object, so no
 * hand-kept declaration can drift. It lives in engine/protocol because it is the one place
 * electron/ and renderer/ may both import (eslint layering); it has no Electron dependency.
 *
 * Bulk engine traffic never goes through here: it flows over the MessagePort (docs/protocol.md).
 */
import { z } from 'zod';
import { APP_CHANNEL_NAMES, APP_NOTIFICATION_NAMES } from './app-channels.js';
import type { MenuCommand } from './app-channels.js';
export { ATTACH_PORT_REASON, ENGINE_PORT_MESSAGE, MENU_COMMANDS } from './app-channels.js';
export type { MenuCommand } from './app-channels.js';

export interface OpenedFile {
  readonly path: string;
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

export interface RecentFile {
  readonly path: string;
  readonly fileName: string;
  /** ISO time it was last opened. */
  readonly openedAt: string;
}

export interface AppInfo {
  readonly version: string;
  readonly platform: string;
  readonly versions: { readonly electron: string; readonly chrome: string; readonly node: string };
}

export const SAVE_KINDS = ['json', 'csv', 'png', 'npz', 'safetensors', 'onnx', 'bplens'] as const;
export type SaveKind = (typeof SAVE_KINDS)[number];

/** Largest export written in one call (text, PNG, weights, session files); anything larger is a bug or abuse. */
export const MAX_SAVE_BYTES = 256 * 1024 * 1024;

const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[\\/\0]/.test(s), 'must be a file name, not a path');

const saveRequest = z.strictObject({
  suggestedName: fileName,
  kind: z.enum(SAVE_KINDS),
  contents: z.union([
    z.string().max(MAX_SAVE_BYTES),
    z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_SAVE_BYTES, 'too large'),
  ]),
});
export type SaveRequest = z.output<typeof saveRequest>;

const sessionSaveRequest = z.strictObject({
  suggestedName: fileName,
  contents: z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_SAVE_BYTES, 'too large'),
  /** Always ask where (Save As…); otherwise the session's current file is overwritten when it has one. */
  saveAs: z.boolean(),
});
export type SessionSaveRequest = z.output<typeof sessionSaveRequest>;

/** A channel: its argument tuple schema, and (phantom) result type R. Curried so R is given and the schema inferred. */
const channel =
  <R>() =>
  <A extends z.ZodTuple<readonly z.core.SomeType[], null>>(args: A) => ({ args, result: undefined as unknown as R });

export const APP_CONTRACT = {
  /** Native open dialog for a dataset; reads the chosen file. null when cancelled. */
  'dataset:open': channel<OpenedFile | null>()(z.tuple([])),
  /** Re-reads a file from the recent list (only paths on that list: the renderer names no arbitrary path). */
  'dataset:read-recent': channel<OpenedFile>()(z.tuple([z.string().min(1).max(4096)])),
  'recent:list': channel<RecentFile[]>()(z.tuple([])),
  'recent:clear': channel<void>()(z.tuple([])),
  /** Native save dialog, then an atomic write (temp file + rename). null when cancelled. */
  'file:save': channel<{ path: string } | null>()(z.tuple([saveRequest])),
  /**
   * File › Save / Save As… of a session: main writes to the session's current file (the one it was
   * opened from or last saved to; main keeps it, the page never names a path), or asks with the save
   * dialog the first time and for Save As. The file joins the recent list. null when cancelled.
   */
  'session:save': channel<{ path: string } | null>()(z.tuple([sessionSaveRequest])),
  /**
   * A .bplens file dropped on the window (its path from the preload's pathForFile): read, put on the
   * recent list and made the session's current file. Anything but an existing .bplens file is refused.
   */
  'session:open-dropped': channel<OpenedFile>()(z.tuple([z.string().min(1).max(4096)])),
  /** Kill the engine window and start a fresh one; new ports follow (see `engine:restarted`). */
  'engine:restart': channel<void>()(z.tuple([z.strictObject({ reason: z.string().max(500) })])),
  'app:info': channel<AppInfo>()(z.tuple([])),
  /** The BACKPROP_LENS_ATTACH line of this app start (loopback, random token); null when not listening. */
  'attach:address': channel<string | null>()(z.tuple([])),
} as const;

export type AppChannel = keyof typeof APP_CONTRACT;
export type AppArgs<C extends AppChannel> = z.input<(typeof APP_CONTRACT)[C]['args']>;
export type AppResult<C extends AppChannel> = (typeof APP_CONTRACT)[C]['result'];
export const APP_CHANNELS: readonly AppChannel[] = APP_CHANNEL_NAMES;
export const APP_NOTIFICATIONS: readonly AppNotification[] = APP_NOTIFICATION_NAMES;

/** Main → dashboard notifications and their payloads. */
export interface AppNotifications {
  'menu:command': MenuCommand;
  /** The engine window was replaced (crash, GPU loss, or asked); a new port follows. */
  'engine:restarted': { readonly reason: string };
  /** A file opened by main itself (File › Open Recent): the dashboard opens it as if picked. */
  'file:opened': OpenedFile;
}
export type AppNotification = keyof AppNotifications;
// Both lists must name exactly the contract's keys (checked at compile time).
const sameKeys = <A extends string, B extends string>(
  _check: [A] extends [B] ? ([B] extends [A] ? true : never) : never,
): void => undefined;
sameKeys<AppChannel, (typeof APP_CHANNEL_NAMES)[number]>(true);
sameKeys<AppNotification, (typeof APP_NOTIFICATION_NAMES)[number]>(true);

/** What the dashboard preload exposes as `window.backpropLens`. */
export interface AppApi {
  invoke<C extends AppChannel>(channel: C, ...args: AppArgs<C>): Promise<AppResult<C>>;
  on<N extends AppNotification>(name: N, listener: (payload: AppNotifications[N]) => void): () => void;
  readonly platform: string;
  /** The native path of a dropped file (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: Blob): string;
}
