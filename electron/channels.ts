/**
 * Channel and message names only (no schemas, no zod): what the sandboxed preloads import, so
 * each stays a small single-file bundle. The full contract with schemas is contract.ts.
 */
export {
  APP_CHANNEL_NAMES,
  APP_NOTIFICATION_NAMES,
  ENGINE_PORT_MESSAGE,
  MENU_COMMANDS,
} from '../engine/protocol/app-channels.js';

/** IPC channel on which main hands each window its end of the engine MessageChannel. */
export const ENGINE_PORT_CHANNEL = 'engine:port';
