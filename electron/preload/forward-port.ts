/**
 * Hands the engine MessagePort from main to the page. Ports cannot cross contextBridge, so the
 * isolated preload re-posts it to its own window; the page accepts it only from that window
 * (event.source === window). The target origin is this page's own origin ('*' for file://,
 * whose origin is opaque and cannot be named).
 */
import { ipcRenderer } from 'electron';
import { ENGINE_PORT_CHANNEL, ENGINE_PORT_MESSAGE } from '../channels.js';

export function forwardEnginePort(): void {
  ipcRenderer.on(ENGINE_PORT_CHANNEL, (event, info: { reason?: unknown } | undefined) => {
    const reason = typeof info?.reason === 'string' ? info.reason : null;
    const origin =
      window.location.origin === 'null' || window.location.protocol === 'file:' ? '*' : window.location.origin;
    window.postMessage({ type: ENGINE_PORT_MESSAGE, reason }, origin, [...event.ports]);
  });
}
