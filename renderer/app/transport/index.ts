/**
 * renderer/app/transport: how the dashboard reaches the engine.
 *
 *   const engine = getEngineClient();           // one per page; Electron or Web Worker chosen for you
 *   engine.on('frame', (f) => …);                // subscribe (returns unsubscribe)
 *   await engine.request({ type: 'configure', config });   // resolves with `configured`
 *   engine.send({ type: 'start' });
 *   engine.onStatus((s) => …);                   // connecting / ready / restarting (with reason) / failed
 *
 * The client is also reachable as `globalThis.__backpropLensEngine` for e2e tests and devtools.
 */
import { EngineClient } from './client.js';
import type { ClientOptions } from './client.js';
import { ElectronTransport } from './electron-transport.js';
import { WebTransport } from './web-transport.js';
import { AttachTransport, isAttachPage } from './attach-transport.js';
import type { EngineTransport } from './transport.js';
import { appApi } from './app-api.js';

export { EngineClient } from './client.js';
export type { ClientOptions, ConnectionState, ConnectionStatus } from './client.js';
export type { EngineTransport } from './transport.js';
export { WebTransport, defaultWorkerFactory } from './web-transport.js';
export type { WorkerFactory } from './web-transport.js';
export { ElectronTransport } from './electron-transport.js';
export { AttachTransport, isAttachPage } from './attach-transport.js';
export { RecoveryMemory } from './recovery-memory.js';
export { appApi } from './app-api.js';
export type { AppApi } from './app-api.js';

/** Electron when the preload's API is present; an attached run on a page opened by `serve`; else a Web Worker. */
export function createTransport(): EngineTransport {
  const api = appApi();
  if (api) return new ElectronTransport(api);
  return isAttachPage() ? new AttachTransport() : new WebTransport();
}

/** Test and devtools hooks: `?watchdog=ms` shortens the watchdog (e2e kill tests). */
function optionsFromUrl(): ClientOptions {
  if (typeof location === 'undefined') return {};
  const ms = Number(new URLSearchParams(location.search).get('watchdog'));
  return Number.isFinite(ms) && ms >= 200 ? { watchdogMs: ms, pingMs: Math.max(100, Math.floor(ms / 3)) } : {};
}

let client: EngineClient | null = null;

/** The page's engine client, created (and the engine started) on first use. */
export function getEngineClient(): EngineClient {
  if (!client) {
    client = new EngineClient(createTransport(), optionsFromUrl());
    (globalThis as { __backpropLensEngine?: EngineClient }).__backpropLensEngine = client;
  }
  return client;
}
