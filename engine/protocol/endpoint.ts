/**
 * The port-like thing both ends talk through: a MessagePort, a Worker, a worker's global scope,
 * or an in-memory pair in tests. Only what both DOM MessagePort and Worker scopes provide.
 */
export interface MessageLike {
  readonly data: unknown;
}

export interface Endpoint {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: MessageLike) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageLike) => void): void;
  /** MessagePorts need start() when listeners are added with addEventListener. */
  start?(): void;
}

/**
 * Two connected in-memory endpoints, delivering asynchronously like a real port (a macrotask per
 * message, so a busy receiver sees messages queue exactly as it would across threads). Messages
 * are passed by reference: tests and benchmarks in one thread need no structured clone.
 */
export function createEndpointPair(): [Endpoint, Endpoint] {
  type Listener = (event: MessageLike) => void;
  const a = new Set<Listener>();
  const b = new Set<Listener>();
  const endpoint = (own: Set<Listener>, other: Set<Listener>): Endpoint => ({
    postMessage: (message) =>
      macrotask(() => {
        for (const l of [...other]) l({ data: message });
      }),
    addEventListener: (_type, l) => void own.add(l),
    removeEventListener: (_type, l) => void own.delete(l),
  });
  return [endpoint(a, b), endpoint(b, a)];
}

/** Run fn in a later macrotask: setImmediate where it exists (Node), else setTimeout 0. */
export function macrotask(fn: () => void): void {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') g.setImmediate(fn);
  else setTimeout(fn, 0);
}
