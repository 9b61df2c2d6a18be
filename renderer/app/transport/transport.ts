/**
 * An EngineTransport is how the dashboard reaches an engine: it creates (or is handed) the
 * engine and its port. Two ends exist: web (the engine in a Web Worker this page owns) and
 * Electron (the engine in a hidden window; main hands a MessagePort over through the preload).
 * The EngineClient on top is the same for both.
 */
import type { Endpoint } from '../../../engine/protocol/index.js';

export interface EngineTransport {
  /** attach: a user's PyTorch loop behind `backprop-lens serve` (attach-transport.ts). */
  readonly kind: 'web' | 'electron' | 'attach';
  /** Called with each new connection: the first after start(), then one per engine restart. */
  onConnect(listener: (endpoint: Endpoint, reason: string | null) => void): () => void;
  /** Called when the transport itself sees the engine die (worker error, engine window gone). */
  onLost(listener: (reason: string) => void): () => void;
  start(): void;
  /** Replace the engine with a fresh one (the old one is killed); a new onConnect follows. */
  restart(reason: string): void;
  /** Kill the engine without telling anyone, as a crash would (for recovery tests). */
  kill(): void;
  dispose(): void;
}

/** A tiny listener set, so transports need no event-emitter dependency. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();
  add(l: (...args: A) => void): () => void {
    this.set.add(l);
    return () => void this.set.delete(l);
  }
  emit(...args: A): void {
    for (const l of [...this.set]) {
      try {
        l(...args);
      } catch (e) {
        console.error('[engine transport] listener failed', e);
      }
    }
  }
  clear(): void {
    this.set.clear();
  }
}
