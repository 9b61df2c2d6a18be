/**
 * Binds the engine host (engine/host) to whatever port this context was given. Shared by
 * the Web Worker (web mode) and the hidden Electron window, so both run the same engine code.
 */
import { EngineHost } from '../../engine/host/index.js';
import type { Endpoint } from '../../engine/protocol/index.js';

export function bindEngine(endpoint: Endpoint): EngineHost {
  const host = new EngineHost(endpoint);
  void host.start().catch((e: unknown) => {
    // Nothing to answer with if even the backend choice failed: say so on the port and in the console.
    console.error('[engine] failed to start', e);
    endpoint.postMessage({
      v: 1,
      type: 'error',
      code: 'internal',
      message: `the engine failed to start: ${String(e)}`,
      path: null,
      command: null,
      fatal: true,
    });
  });
  return host;
}
