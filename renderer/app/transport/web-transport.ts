/**
 * Web mode: the engine host runs in a module Web Worker started by this page.
 */
import type { Endpoint } from '../../../engine/protocol/index.js';
import { Listeners } from './transport.js';
import type { EngineTransport } from './transport.js';

export type WorkerFactory = () => Worker;

/** Vite bundles the worker from this URL (see renderer/engine-host/worker.ts). */
export const defaultWorkerFactory: WorkerFactory = () =>
  new Worker(new URL('../../engine-host/worker.ts', import.meta.url), { type: 'module', name: 'backprop-lens-engine' });

export class WebTransport implements EngineTransport {
  readonly kind = 'web' as const;
  private worker: Worker | null = null;
  private readonly connects = new Listeners<[Endpoint, string | null]>();
  private readonly losses = new Listeners<[string]>();

  constructor(private readonly createWorker: WorkerFactory = defaultWorkerFactory) {}

  onConnect(listener: (endpoint: Endpoint, reason: string | null) => void): () => void {
    return this.connects.add(listener);
  }
  onLost(listener: (reason: string) => void): () => void {
    return this.losses.add(listener);
  }

  start(): void {
    this.spawn(null);
  }

  restart(reason: string): void {
    this.worker?.terminate();
    this.worker = null;
    this.spawn(reason);
  }

  kill(): void {
    this.worker?.terminate();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.connects.clear();
    this.losses.clear();
  }

  private spawn(reason: string | null): void {
    const worker = this.createWorker();
    this.worker = worker;
    // An uncaught error or a failed module load leaves the worker unusable: report it as lost.
    worker.addEventListener('error', (e) => {
      if (this.worker !== worker) return;
      e.preventDefault();
      this.losses.emit(`engine worker failed: ${e.message || 'could not load the engine script'}`);
    });
    worker.addEventListener('messageerror', () => {
      if (this.worker === worker) this.losses.emit('engine worker sent a message that could not be deserialised');
    });
    this.connects.emit(worker as unknown as Endpoint, reason);
  }
}
