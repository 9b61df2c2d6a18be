/**
 * The names in the app-services contract, without its schemas: what the sandboxed preloads need
 * (they must stay small, single-file bundles). app-contract.ts checks at compile time that these
 * lists match its channels exactly.
 */
export const APP_CHANNEL_NAMES = [
  'dataset:open',
  'dataset:read-recent',
  'recent:list',
  'recent:clear',
  'file:save',
  'session:save',
  'session:open-dropped',
  'engine:restart',
  'app:info',
  'attach:address',
] as const;

export const APP_NOTIFICATION_NAMES = ['menu:command', 'engine:restarted', 'file:opened'] as const;

/** window.postMessage type the preloads use to hand the engine port to the page (ports cannot cross contextBridge). */
export const ENGINE_PORT_MESSAGE = 'backprop-lens:engine-port';

/** Menu items the dashboard acts on (sent as `menu:command`). */
export const MENU_COMMANDS = [
  'open-dataset',
  'open-session',
  'save-session',
  'save-session-as',
  'export-weights',
  'export-gradients',
  'export-loss-history',
  'toggle-run',
  'continue',
  'step',
  'step-op',
  'reset',
  'gradcheck',
  'show-attach',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** How the port message's reason starts when main hands the dashboard an attached run's port (not an engine restart). */
export const ATTACH_PORT_REASON = 'attached to PID ';
