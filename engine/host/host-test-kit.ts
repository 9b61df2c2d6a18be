/** Test helpers for the engine host: a minimal dashboard on the other end of an in-memory port. */
import { afterEach } from 'vitest';
import { createEndpointPair } from '../protocol/endpoint.js';
import type { Endpoint } from '../protocol/endpoint.js';
import type { CommandInput } from '../protocol/commands.js';
import type { EngineEvent, EventOf, EventType } from '../protocol/events.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { EngineHost } from './engine-host.js';
import type { EngineHostOptions } from './engine-host.js';
import { cpuBackendProvider } from './backend-provider.js';

export type Body = CommandInput extends infer C ? (C extends { v: unknown } ? Omit<C, 'v'> : never) : never;

/** A minimal dashboard: records events, can ack frames or stall. */
export class Probe {
  readonly events: EngineEvent[] = [];
  ack = true;
  constructor(readonly end: Endpoint) {
    end.addEventListener('message', (e) => {
      const ev = e.data as EngineEvent;
      this.events.push(ev);
      if (ev.type === 'frame' && this.ack && !ev.historical)
        end.postMessage({ v: PROTOCOL_VERSION, type: 'ack', seq: ev.seq });
    });
  }
  send(c: Body | Record<string, unknown>): void {
    this.end.postMessage({ v: PROTOCOL_VERSION, ...c });
  }
  of<T extends EventType>(type: T): EventOf<T>[] {
    return this.events.filter((e) => e.type === type) as EventOf<T>[];
  }
  async waitFor<T extends EventType>(
    type: T,
    pred: (e: EventOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<EventOf<T>> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.of(type).find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(
          `timed out waiting for ${type}; got ${this.events.map((e) => (e.type === 'error' ? `error(${e.message})` : e.type)).join(',')}`,
        );
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

// y = x1 - 2 x2 on a 40-point grid: a network learns it in a few hundred steps.
export function regression(): Body {
  const n = 40;
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = Math.cos(i);
    X[2 * i + 1] = Math.sin(3 * i);
    Y[i] = X[2 * i]! - 2 * X[2 * i + 1]!;
  }
  return {
    type: 'load-dataset',
    id: 1,
    source: { kind: 'matrices', name: 'line', X: { rows: n, cols: 2, data: X }, Y: { rows: n, cols: 1, data: Y } },
  };
}

export const config = {
  model: {
    inputSize: 2,
    layers: [
      { units: 6, activation: 'tanh' as const },
      { units: 1, activation: 'identity' as const },
    ],
    loss: 'mse' as const,
  },
  optimizer: { kind: 'adam' as const, lr: 0.02 },
  seed: 3,
  validationFraction: 0.2,
};

const hosts: EngineHost[] = [];
export async function setup(options: EngineHostOptions = {}): Promise<Probe> {
  const [engineEnd, dashEnd] = createEndpointPair();
  const host = new EngineHost(engineEnd, { backendProvider: cpuBackendProvider, checkpointEveryMs: 50, ...options });
  hosts.push(host);
  const probe = new Probe(dashEnd);
  await host.start();
  return probe;
}

afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});
