/**
 * An in-memory EngineLink for store and component tests: records what the dashboard sent and
 * lets a test play engine events. Replies are matched like the real link (by `replyTo`).
 */
import { PROTOCOL_VERSION, type EngineEvent, type EventOf, type EventType } from '../../../engine/protocol/index.js';
import { EngineError, type CommandBody, type EngineLink } from '../services/engine-link.js';
import type { EventBody } from './factories.js';

type AnyHandler = (e: EngineEvent) => void;

export interface FakeLink extends EngineLink {
  readonly sent: CommandBody[];
  /** Plays an event to every subscriber (adds the `v` envelope). */
  emit(event: EventBody): void;
  /** Answers the latest pending request of this command type with the given event (or rejects with an error event). */
  reply(type: CommandBody['type'], event: EventBody): void;
  pending(): string[];
}

export function createFakeLink(): FakeLink {
  const handlers = new Map<string, Set<AnyHandler>>();
  const sent: CommandBody[] = [];
  const waiting: { type: string; resolve: (e: EngineEvent) => void; reject: (err: Error) => void }[] = [];

  const emit = (event: EventBody) => {
    const full: EngineEvent = { v: PROTOCOL_VERSION, ...event };
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
      const full: EngineEvent = { v: PROTOCOL_VERSION, replyTo: 0, ...event };
      emit({ replyTo: 0, ...event });
      if (full.type === 'error') w!.reject(new EngineError(full));
      else w!.resolve(full);
    },
    pending: () => waiting.map((w) => w.type),
  };
}
