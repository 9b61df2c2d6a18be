import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_TYPES, PROTOCOL_VERSION, createEndpointPair } from '../../../engine/protocol/index.js';
import type { Endpoint } from '../../../engine/protocol/index.js';
import { EngineHost, cpuBackendProvider } from '../../../engine/host/index.js';
import { EngineError } from '../services/engine-link.js';
import { EngineClient } from './client.js';
import type { ConnectionStatus } from './client.js';
import { Listeners } from './transport.js';
import type { EngineTransport } from './transport.js';

/** A transport whose "engine" is an EngineHost in this thread; kill() makes it fall silent, as a crash would. */
class InProcessTransport implements EngineTransport {
  readonly kind = 'web' as const;
  host: EngineHost | null = null;
  starts = 0;
  private readonly connects = new Listeners<[Endpoint, string | null]>();
  private readonly losses = new Listeners<[string]>();
  onConnect(l: (e: Endpoint, r: string | null) => void) {
    return this.connects.add(l);
  }
  onLost(l: (r: string) => void) {
    return this.losses.add(l);
  }
  start(): void {
    this.spawn(null);
  }
  restart(reason: string): void {
    void this.host?.dispose();
    this.spawn(reason);
  }
  kill(): void {
    void this.host?.dispose();
  }
  /** What Electron main does when a PyTorch run attaches: a new port that is not the local engine. */
  handOver(endpoint: Endpoint, reason: string): void {
    this.connects.emit(endpoint, reason);
  }
  dispose(): void {
    void this.host?.dispose();
  }
  private spawn(reason: string | null): void {
    const [engineEnd, dashEnd] = createEndpointPair();
    this.host = new EngineHost(engineEnd, { backendProvider: cpuBackendProvider, checkpointEveryMs: 20 });
    this.starts++;
    void this.host.start();
    this.connects.emit(dashEnd, reason);
  }
}

const dataset = {
  type: 'load-dataset' as const,
  source: {
    kind: 'matrices' as const,
    name: 'tiny',
    X: { rows: 8, cols: 1, data: [0, 1, 2, 3, 4, 5, 6, 7] },
    Y: { rows: 8, cols: 1, data: [0, 2, 4, 6, 8, 10, 12, 14] },
  },
};
const configure = {
  type: 'configure' as const,
  config: {
    model: {
      inputSize: 1,
      layers: [
        { units: 3, activation: 'tanh' as const },
        { units: 1, activation: 'identity' as const },
      ],
      loss: 'mse' as const,
    },
    optimizer: { kind: 'sgd' as const, lr: 0.01 },
  },
};

const clients: EngineClient[] = [];
function client(opts = {}) {
  const t = new InProcessTransport();
  const c = new EngineClient(t, { watchdogMs: 400, pingMs: 100, ...opts });
  clients.push(c);
  return { t, c };
}
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

const until = async (pred: () => boolean, ms = 10_000): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('EngineClient', () => {
  it('becomes ready with the backend and matches replies to requests', async () => {
    const { c } = client();
    const ready = await c.ready();
    expect(ready.backend.name).toBe('cpu-f64');
    expect(c.connection.state).toBe('ready');
    const loaded = await c.request(dataset);
    expect(loaded).toMatchObject({ type: 'dataset-loaded', samples: 8 });
    const configured = await c.call<'configure'>(configure);
    expect(configured.ops).toHaveLength(6);
  });

  it('rejects a request the engine refuses with an EngineError carrying the event', async () => {
    const { c } = client();
    await c.ready();
    const err = await c.request({ type: 'start' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).event.code).toBe('invalid-state');
  });

  it('acknowledges frames so the engine keeps streaming, and delivers them to subscribers', async () => {
    const { c } = client();
    const frames: number[] = [];
    c.on('frame', (f) => frames.push(f.seq));
    await c.request(dataset);
    await c.request(configure);
    await c.request({ type: 'set-frame-rate', fps: 120 });
    await c.request({ type: 'start' });
    await until(() => frames.length >= 6);
    await c.request({ type: 'pause' });
    // More frames than the credit window (2): only possible when acks flow back.
    expect(new Set(frames).size).toBe(frames.length);
  });

  it('detects a dead engine, starts a new one and resumes training from the last checkpoint', async () => {
    const { t, c } = client();
    const statuses: ConnectionStatus[] = [];
    c.onStatus((s) => statuses.push(s));
    const steps: number[] = [];
    let checkpointStep = 0;
    c.on('frame', (f) => steps.push(f.step));
    c.on('checkpoint', (e) => (checkpointStep = e.checkpoint.step));
    await c.request(dataset);
    await c.request(configure);
    await c.request({ type: 'start' });
    await until(() => steps.length > 3 && checkpointStep > 0);
    c.killEngine();
    const savedAt = checkpointStep;
    const framesBefore = steps.length;
    await until(() => statuses.some((s) => s.state === 'restarting'));
    await until(() => c.connection.state === 'ready' && t.starts === 2);
    await until(() => steps.length > framesBefore + 2);
    // The new engine continued from the checkpoint: its first frame is past it, not back at step 1.
    const after = steps.slice(framesBefore).filter((s) => s <= savedAt + 10_000);
    expect(after[0]).toBeGreaterThan(savedAt);
    expect(statuses.find((s) => s.state === 'restarting')!.reason).toMatch(/stopped responding/);
    expect(t.starts).toBe(2);
  });

  it('queues commands sent while the engine restarts and sends them after the replay', async () => {
    const { c } = client();
    await c.request(dataset);
    await c.request(configure);
    c.restartEngine('test');
    const reply = c.request({ type: 'step', count: 2 });
    const state = await reply;
    expect(state).toMatchObject({ type: 'state', step: 2 });
  });

  it('gives up after too many restarts in a short time', async () => {
    const { c } = client({ maxRestarts: 2, restartWindowMs: 60_000 });
    await c.ready();
    for (let i = 1; i <= 2; i++) {
      c.killEngine();
      await until(() => c.connection.restarts === i && c.connection.state === 'ready');
    }
    c.killEngine();
    await until(() => c.connection.state === 'failed');
    expect(c.connection.reason).toMatch(/gave up after 2 restarts/);
  });

  it('does not declare the engine dead while a long command (parsing, gradient check) keeps it busy', async () => {
    // An engine that says ready, then goes quiet: busy parsing a huge file, for instance.
    const [engineEnd, dashEnd] = createEndpointPair();
    engineEnd.addEventListener('message', (m) => {
      const c = m.data as { type: string; id?: number };
      if (c.type === 'hello')
        engineEnd.postMessage({
          v: 1,
          type: 'ready',
          replyTo: c.id,
          protocol: 1,
          backend: { name: 'cpu-f64', precision: 'f64', adapter: null, fallbackReason: null },
          commands: [],
          telemetry: { frameRate: 20, maxSize: 256, window: 2 },
        });
    });
    const connects = new Listeners<[Endpoint, string | null]>();
    let restarts = 0;
    const transport: EngineTransport = {
      kind: 'web',
      onConnect: (l) => connects.add(l),
      onLost: () => () => undefined,
      start: () => connects.emit(dashEnd, null),
      restart: () => void restarts++,
      kill: () => undefined,
      dispose: () => undefined,
    };
    const c = new EngineClient(transport, { watchdogMs: 200, pingMs: 50 });
    clients.push(c);
    await c.ready();
    c.send(dataset);
    await new Promise((r) => setTimeout(r, 800));
    expect(restarts).toBe(0);
    expect(c.connection.state).toBe('ready');
    // Once the long task is answered, silence counts again.
    engineEnd.postMessage({
      v: 1,
      type: 'dataset-loaded',
      name: 'tiny',
      samples: 8,
      inputSize: 1,
      outputSize: 1,
      featureNames: ['x'],
      targetNames: ['y'],
      classNames: null,
    });
    await until(() => restarts === 1);
  });

  it('does not replay the local session into an attached PyTorch run, and replays it when the local engine is back', async () => {
    const { t, c } = client({ watchdogMs: 60_000 });
    await c.request(dataset);
    await c.request(configure);
    // A fake attached run: answers hello with an attached backend, records every command it gets.
    const [runEnd, dashEnd] = createEndpointPair();
    const received: string[] = [];
    runEnd.addEventListener('message', (e) => {
      const m = e.data as { type: string; id?: number };
      received.push(m.type);
      if (m.type === 'hello')
        runEnd.postMessage({
          v: PROTOCOL_VERSION,
          type: 'ready',
          protocol: PROTOCOL_VERSION,
          commands: COMMAND_TYPES,
          telemetry: { frameRate: 20, maxSize: 64, window: 4 },
          backend: {
            name: 'cpu-f32',
            precision: 'f32',
            adapter: null,
            fallbackReason: null,
            attached: { pid: 7, host: 'h', torch: '1.13', python: '3.11' },
          },
        });
    });
    t.handOver(dashEnd, 'attached to PID 7 on h');
    await until(() => c.connection.state === 'ready' && !!c.connection.backend?.attached);
    await new Promise((r) => setTimeout(r, 20));
    expect(received).not.toContain('load-dataset');
    expect(received).not.toContain('configure');
    // The run detaches: a local engine again, which gets the session back.
    t.restart('engine replaced');
    await until(() => c.connection.state === 'ready' && !c.connection.backend?.attached);
    const state = await c.request({ type: 'step', count: 1 });
    expect(state).toMatchObject({ type: 'state', step: 1 });
  });
});
