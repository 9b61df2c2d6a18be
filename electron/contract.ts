/**
 * The app-services contract, re-exported for main and the preloads. Its single definition is
 * engine/protocol/app-contract.ts (the one module electron/ and renderer/ may both import), so
 * main, the preload and the dashboard all derive from the same object.
 */
export {
  APP_CHANNELS,
  APP_CONTRACT,
  APP_NOTIFICATIONS,
  ATTACH_PORT_REASON,
  ENGINE_PORT_MESSAGE,
  MAX_SAVE_BYTES,
  MENU_COMMANDS,
} from '../engine/protocol/app-contract.js';
export type {
  AppApi,
  AppArgs,
  AppChannel,
  AppInfo,
  AppNotification,
  AppNotifications,
  AppResult,
  MenuCommand,
  OpenedFile,
  RecentFile,
  SaveKind,
  SaveRequest,
  SessionSaveRequest,
} from '../engine/protocol/app-contract.js';
export { ENGINE_PORT_CHANNEL } from './channels.js';
