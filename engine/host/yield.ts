/**
 * Giving the event loop a turn between training slices, so commands (pause, acks, pings) are
 * handled while training runs. setTimeout(0) is clamped to 4 ms after a few nested calls in
 * browsers and workers, which would waste a third of a 12 ms slice; a MessageChannel round trip
 * (or setImmediate in Node) yields without that clamp.
 */
interface Channel {
  readonly port1: { onmessage: (() => void) | null };
  readonly port2: { postMessage(m: unknown): void };
}

let channel: Channel | null = null;
const waiting: (() => void)[] = [];

function viaChannel(resolve: () => void): void {
  if (channel === null) {
    // Browser MessageChannel (Node has setImmediate and never gets here).
    const ch = new MessageChannel() as unknown as Channel;
    ch.port1.onmessage = () => waiting.shift()?.();
    channel = ch;
  }
  waiting.push(resolve);
  channel.port2.postMessage(0);
}

export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
    if (typeof g.setImmediate === 'function') g.setImmediate(resolve);
    else if (typeof MessageChannel === 'function') viaChannel(resolve);
    else setTimeout(resolve, 0);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
