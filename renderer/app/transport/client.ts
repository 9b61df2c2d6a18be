/**
 * The dashboard's engine client: typed commands, request/reply matched by id, event
 * subscriptions, frame acknowledgement (the credit window of docs/protocol.md), a watchdog, and
 * recovery: when the engine dies it starts a new one and replays the dataset, configuration,
 * settings and last checkpoint, then resumes training if it was running.
 *
 * It implements the dashboard's EngineLink (services/engine-link.ts), so stores use it as is.
 */
import { PROTOCOL_VERSION, REPLY_EVENT, parseEvent } from '../../../engine/protocol/index.js';
import type {
  BackendInfo,
  CommandType,
  Endpoint,
  EngineEvent,
  EventOf,
  EventType,
  MessageLike,
  ReplyOf,
} from '../../../engine/protocol/index.js';
import { EngineError } from '../services/engine-link.js';
import type { CommandBody, EngineLink } from '../services/engine-link.js';
import { RecoveryMemory } from './recovery-memory.js';
import { Listeners } from './transport.js';
import type { EngineTransport } from './transport.js';

export type ConnectionState = 'connecting' | 'ready' | 'restarting' | 'failed' | 'disposed';

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Why the engine is (or was last) restarting; null on a first start. */
  readonly reason: string | null;
  readonly backend: BackendInfo | null;
  readonly restarts: number;
}

export interface ClientOptions {
  /** No message from the engine for this long (while pinging) means it is dead. */
  readonly watchdogMs?: number;
  /** Ping after this much silence. */
  readonly pingMs?: number;
  /** At most this many restarts within restartWindowMs, then give up (a crash loop). */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** Commands sent while the engine is down are queued, up to this many (older ones dropped). */
  readonly maxQueued?: number;
}

interface Pending {
  readonly expect: EventType;
  readonly command: CommandType;
  resolve(e: EngineEvent): void;
  reject(e: Error): void;
}

type AnyHandler = (e: EngineEvent) => void;

/**
 * Commands that may keep the engine's thread busy for long stretches (parsing a big file, a
 * gradient check of a big layer, serialising an export): while one is in flight the watchdog
 * waits this long before calling the engine dead, instead of killing it mid-task.
 */
export const LONG_TASK_GRACE_MS = 300_000;
const LONG_TASKS: Partial<Record<CommandType, EventType>> = {
  'load-dataset': 'dataset-loaded',
  configure: 'configured',
  gradcheck: 'gradcheck-result',
  export: 'export',
  // A WebGPU device for the comparison, or a big X to predict, can take seconds on a slow machine.
  'compare-backends': 'backend-comparison',
  predict: 'prediction',
};

function lostError(reason: string, command: string): EngineError {
  return new EngineError({
    v: PROTOCOL_VERSION,
    type: 'error',
    code: 'internal',
    message: `engine restarted before answering (${reason})`,
    path: null,
    command,
    fatal: false,
  });
}

export class EngineClient implements EngineLink {
  private endpoint: Endpoint | null = null;
  private readonly onMessage = (e: MessageLike): void => this.receive(e.data);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<EventType | '*', Set<AnyHandler>>();
  private readonly statuses = new Listeners<[ConnectionStatus]>();
  private readonly memory = new RecoveryMemory();
  private readonly queue: CommandBody[] = [];
  private readonly restartTimes: number[] = [];
  private status: ConnectionStatus = { state: 'connecting', reason: null, backend: null, restarts: 0 };
  private recovering = false;
  private lastHeard = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly opts: Required<ClientOptions>;
  private readyWaiters: ((e: EventOf<'ready'>) => void)[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  /** Long commands sent and not yet answered, by type. */
  private readonly longTasks = new Map<CommandType, number>();

  constructor(
    private readonly transport: EngineTransport,
    options: ClientOptions = {},
  ) {
    this.opts = { watchdogMs: 8000, pingMs: 1500, maxRestarts: 5, restartWindowMs: 60_000, maxQueued: 256, ...options };
    this.unsubscribe.push(
      transport.onConnect((endpoint, reason) => this.attach(endpoint, reason)),
      transport.onLost((reason) => this.lost(reason)),
    );
    transport.start();
    this.timer = setInterval(() => this.watch(), Math.max(100, Math.min(this.opts.pingMs, this.opts.watchdogMs / 2)));
  }

  get connection(): ConnectionStatus {
    return this.status;
  }

  get backend(): BackendInfo | null {
    return this.status.backend;
  }

  get transportKind(): EngineTransport['kind'] {
    return this.transport.kind;
  }

  /** Resolves once an engine has said `ready` (immediately if one has). */
  ready(): Promise<EventOf<'ready'>> {
    return new Promise((resolve) => {
      if (this.status.state === 'ready' && this.lastReady) resolve(this.lastReady);
      else this.readyWaiters.push(resolve);
    });
  }
  private lastReady: EventOf<'ready'> | null = null;

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    listener(this.status);
    return this.statuses.add(listener);
  }

  send(command: CommandBody): void {
    this.memory.noteCommand(command);
    this.post(command, undefined);
  }

  request<E extends EventType = EventType>(command: CommandBody, expect?: E): Promise<EventOf<E>> {
    const reply = (expect ?? REPLY_EVENT[command.type]) as EventType | null;
    if (reply === null) return Promise.reject(new Error(`${command.type} has no reply; use send()`));
    this.memory.noteCommand(command);
    const id = this.nextId++;
    return new Promise<EventOf<E>>((resolve, reject) => {
      this.pending.set(id, {
        expect: reply,
        command: command.type,
        resolve: resolve as (e: EngineEvent) => void,
        reject,
      });
      this.post(command, id);
    });
  }

  /** request() typed by the command's own reply (REPLY_EVENT). */
  call<T extends CommandType>(command: Extract<CommandBody, { type: T }>): Promise<ReplyOf<T>> {
    return this.request(command) as Promise<ReplyOf<T>>;
  }

  on<T extends EventType>(type: T, handler: (event: EventOf<T>) => void): () => void {
    return this.subscribe(type, handler as AnyHandler);
  }

  /** Every event, after the typed handlers. */
  onAny(handler: (event: EngineEvent) => void): () => void {
    return this.subscribe('*', handler);
  }

  /** Kill the engine and start a fresh one, restoring the current state. */
  restartEngine(reason = 'restart requested'): void {
    this.lost(reason, true);
  }

  /** Post a message as is, unchecked (protocol robustness tests and devtools). */
  postRaw(message: unknown): void {
    this.endpoint?.postMessage(message);
  }

  /** Simulate a crash: the engine dies without telling anyone (recovery tests). */
  killEngine(): void {
    this.transport.kill();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.detach();
    for (const u of this.unsubscribe.splice(0)) u();
    this.transport.dispose();
    for (const p of this.pending.values()) p.reject(new Error('engine client disposed'));
    this.pending.clear();
    this.setStatus({ ...this.status, state: 'disposed' });
  }

  private subscribe(type: EventType | '*', handler: AnyHandler): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  private post(command: CommandBody, id: number | undefined): void {
    const message = id === undefined ? { v: PROTOCOL_VERSION, ...command } : { v: PROTOCOL_VERSION, id, ...command };
    if (!this.endpoint || this.status.state !== 'ready' || this.recovering) {
      // Held until the (new) engine is ready; acks and pings are meaningless across engines.
      if (command.type === 'ack' || command.type === 'ping') return;
      if (command.type === 'hello' && this.endpoint) {
        this.endpoint.postMessage(message);
        return;
      }
      this.queue.push({ ...command, ...(id === undefined ? {} : { __id: id }) } as CommandBody);
      if (this.queue.length > this.opts.maxQueued) this.queue.shift();
      return;
    }
    // Structured clone, never transfer: the dashboard keeps its copies (recovery replays them).
    this.noteLongTask(command.type);
    this.endpoint.postMessage(message);
  }

  private noteLongTask(type: CommandType): void {
    if (LONG_TASKS[type]) this.longTasks.set(type, (this.longTasks.get(type) ?? 0) + 1);
  }

  private settleLongTask(event: EngineEvent): void {
    for (const [type, reply] of Object.entries(LONG_TASKS) as [CommandType, EventType][]) {
      const answered = event.type === reply || (event.type === 'error' && event.command === type);
      const n = this.longTasks.get(type) ?? 0;
      if (answered && n > 0) {
        if (n === 1) this.longTasks.delete(type);
        else this.longTasks.set(type, n - 1);
      }
    }
  }

  private attach(endpoint: Endpoint, reason: string | null): void {
    const hadEngine = this.endpoint !== null;
    this.detach();
    this.endpoint = endpoint;
    endpoint.addEventListener('message', this.onMessage);
    endpoint.start?.();
    this.lastHeard = Date.now();
    if (hadEngine || reason !== null) {
      this.failPending(reason ?? 'engine replaced');
      this.recovering = true;
      this.setStatus({ ...this.status, state: 'restarting', reason: reason ?? 'engine replaced' });
    } else {
      this.setStatus({ ...this.status, state: 'connecting' });
    }
    endpoint.postMessage({ v: PROTOCOL_VERSION, type: 'hello' });
  }

  private detach(): void {
    this.endpoint?.removeEventListener('message', this.onMessage);
    this.endpoint = null;
  }

  private receive(data: unknown): void {
    this.lastHeard = Date.now();
    const event = parseEvent(data);
    if (!event) {
      console.warn('[engine client] ignored a message that is not a v%d event', PROTOCOL_VERSION, data);
      return;
    }
    if (event.type === 'ready') this.onReady(event);
    this.settleLongTask(event);
    this.memory.noteEvent(event);
    if (event.replyTo !== undefined) this.settle(event.replyTo, event);
    this.dispatch(event);
    if (event.type === 'frame' && !event.historical)
      this.endpoint?.postMessage({ v: PROTOCOL_VERSION, type: 'ack', seq: event.seq });
    if (event.type === 'error' && event.fatal) this.lost(`engine error: ${event.message}`, true);
  }

  private settle(id: number, event: EngineEvent): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (event.type === 'error') {
      this.pending.delete(id);
      p.reject(new EngineError(event));
    } else if (event.type === p.expect) {
      this.pending.delete(id);
      p.resolve(event);
    }
  }

  private dispatch(event: EngineEvent): void {
    for (const key of [event.type, '*'] as const) {
      const set = this.handlers.get(key);
      if (!set) continue;
      for (const h of [...set]) {
        try {
          h(event);
        } catch (e) {
          console.error(`[engine client] a ${event.type} handler failed`, e);
        }
      }
    }
  }

  private onReady(event: EventOf<'ready'>): void {
    if (this.status.state === 'ready' && !this.recovering) {
      this.lastReady = event;
      return; // a duplicate (hello answered after the unprompted ready)
    }
    this.lastReady = event;
    const wasRecovering = this.recovering;
    this.recovering = false;
    this.setStatus({ ...this.status, state: 'ready', backend: event.backend });
    // An attached PyTorch run (desktop attach mode) brings its own model and data: replaying the
    // local session into it would only be refused. The local session is replayed when it detaches.
    if (wasRecovering && !event.backend.attached) {
      for (const c of this.memory.replay()) {
        this.noteLongTask(c.type);
        this.endpoint?.postMessage({ v: PROTOCOL_VERSION, ...c });
      }
    }
    for (const c of this.queue.splice(0)) {
      const { __id, ...command } = c as CommandBody & { __id?: number };
      this.noteLongTask(command.type);
      this.endpoint?.postMessage(
        __id === undefined ? { v: PROTOCOL_VERSION, ...command } : { v: PROTOCOL_VERSION, id: __id, ...command },
      );
    }
    for (const w of this.readyWaiters.splice(0)) w(event);
  }

  private watch(): void {
    if (!this.endpoint || this.status.state === 'failed' || this.status.state === 'disposed') return;
    const silent = Date.now() - this.lastHeard;
    const limit = this.longTasks.size > 0 ? Math.max(this.opts.watchdogMs, LONG_TASK_GRACE_MS) : this.opts.watchdogMs;
    if (silent > limit) this.lost(`the engine stopped responding (no message for ${Math.round(silent / 1000)} s)`);
    else if (silent >= this.opts.pingMs) this.endpoint.postMessage({ v: PROTOCOL_VERSION, type: 'ping' });
  }

  private lost(reason: string, asked = false): void {
    if (this.status.state === 'failed' || this.status.state === 'disposed') return;
    const now = Date.now();
    while (this.restartTimes.length > 0 && now - this.restartTimes[0]! > this.opts.restartWindowMs)
      this.restartTimes.shift();
    if (!asked && this.restartTimes.length >= this.opts.maxRestarts) {
      this.detach();
      this.failPending(reason);
      this.setStatus({
        ...this.status,
        state: 'failed',
        reason: `${reason}; gave up after ${this.opts.maxRestarts} restarts in ${this.opts.restartWindowMs / 1000} s`,
      });
      return;
    }
    this.restartTimes.push(now);
    this.detach();
    this.failPending(reason);
    this.recovering = true;
    this.lastHeard = now;
    this.setStatus({ ...this.status, state: 'restarting', reason, restarts: this.status.restarts + 1 });
    this.transport.restart(reason);
  }

  private failPending(reason: string): void {
    for (const p of this.pending.values()) p.reject(lostError(reason, p.command));
    this.pending.clear();
    this.longTasks.clear();
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    this.statuses.emit(s);
  }
}
