/**
 * The dashboard's view of the engine: fire-and-forget commands, request/reply, and event
 * subscriptions. Stores depend on this narrow interface only, so they can be tested against an
 * in-memory fake and run over whichever transport (Web Worker in web mode, MessagePort in
 * Electron) the app was started with.
 */
import type { CommandInput, CommandType, EngineEvent, EventOf, EventType } from '../../../engine/protocol/index.js';

/** A command as the dashboard writes it: the envelope (`v`, `id`) is added by the link. */
export type CommandBody<T extends CommandType = CommandType> = T extends CommandType
  ? Omit<Extract<CommandInput, { type: T }>, 'v' | 'id'>
  : never;

export interface EngineLink {
  /** Sends a command; errors it causes arrive as `error` events. */
  send(command: CommandBody): void;
  /** Sends a command and resolves with the first event that replies to it (rejects on an `error` reply). */
  request<E extends EventType = EventType>(command: CommandBody, expect?: E): Promise<EventOf<E>>;
  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends EventType>(type: T, handler: (event: EventOf<T>) => void): () => void;
}

/** Thrown by `request` when the engine answers with an `error` event. */
export class EngineError extends Error {
  constructor(readonly event: EventOf<'error'>) {
    super(event.message);
    this.name = 'EngineError';
  }
  get path(): string | null {
    return this.event.path;
  }
}

export type { EngineEvent };
