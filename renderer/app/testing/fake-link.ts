/**
 * An in-memory EngineLink for store and component tests: records what the dashboard sent and
 * lets a test play engine events. Replies are matched like the real link (by `replyTo`).
 */
import { PROTOCOL_VERSION, type EngineEvent, type EventOf, type EventType } from '../../../engine/protocol/index.js';
import { EngineError, type CommandBody, type EngineLink } from '../services/engine-link.js';

type AnyHandler = (e: EngineEvent) => void;

export interface FakeLink extends EngineLink {
  readonly sent: CommandBody[];
  /** Plays an event to every subscriber (adds the `v` envelope). */
  emit(event: Omit<EngineEvent, 'v'>): void;
  /** Answers the latest pending request of this command type with the given event (or rejects with an error event). */
  reply(type: CommandBody['type'], event: Omit<EngineEvent, 'v'>): void;
  pending(): string[];
}

export function createFakeLink(): FakeLink {
  const handlers = new Map<string, Set<AnyHandler>>();
  const sent: CommandBody[] = [];
  const waiting: { type: string; resolve: (e: EngineEvent) => void; reject: (err: Error) => void }[] = [];

  const emit = (event: Omit<EngineEvent, 'v'>) => {
    const full = { v: PROTOCOL_VERSION, ...event } as EngineEvent;
    for (const h of [...(handlers.get(full.type) ?? [])]) h(full);
  };
  return {
    sent,
    send(command) {
      sent.push(command);
    },
    request<E extends EventType>(command: CommandBody): Promise<EventOf<E>> {
      sent.push(command);
      return new Promise<EventOf<E>>((resolve, reject) => {
        waiting.push({ type: command.type, resolve: resolve as (e: EngineEvent) => void, reject });
      });
    },
    on(type, handler) {
      const set = handlers.get(type) ?? new Set<AnyHandler>();
      set.add(handler as AnyHandler);
      handlers.set(type, set);
      return () => set.delete(handler as AnyHandler);
    },
    emit,
    reply(type, event) {
      const k = waiting.map((w) => w.type).lastIndexOf(type);
      if (k < 0) throw new Error(`no pending request of type ${type}`);
      const [w] = waiting.splice(k, 1);
      const full = { v: PROTOCOL_VERSION, replyTo: 0, ...event } as EngineEvent;
      emit({ replyTo: 0, ...event } as Omit<EngineEvent, 'v'>);
      if (full.type === 'error') w!.reject(new EngineError(full));
      else w!.resolve(full);
    },
    pending: () => waiting.map((w) => w.type),
  };
}
