/**
 * Attach mode in the browser (`backprop-lens serve` without --headless, page opened with
 * `?attach=1`): the "engine" is the user's PyTorch loop behind the serve process. Events arrive as
 * server-sent events (GET /attach/events), commands go out by POST /attach/command, both on this
 * page's own origin, in typed JSON (typed arrays as base64). The EngineClient on top is unchanged.
 */
import { decodeTypedJson, encodeTypedJson } from '../../../engine/protocol/index.js';
import type { Endpoint, MessageLike } from '../../../engine/protocol/index.js';
import { Listeners } from './transport.js';
import type { EngineTransport } from './transport.js';

/** Whether this page was opened by `backprop-lens serve` to show an attached run. */
export function isAttachPage(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('attach') === '1';
}

/** The bridge's token, from the page's URL (serve prints it): events and commands need it. */
function pageToken(): string {
  return typeof location === 'undefined' ? '' : (new URLSearchParams(location.search).get('token') ?? '');
}

function attachEndpoint(source: EventSource, token: string, onFailure: (reason: string) => void): Endpoint {
  const listeners = new Set<(e: MessageLike) => void>();
  source.addEventListener('message', (e: MessageEvent<string>) => {
    let data: unknown;
    try {
      data = decodeTypedJson(e.data);
    } catch {
      return;
    }
    for (const l of [...listeners]) l({ data });
  });
  return {
    postMessage(message: unknown): void {
      void fetch('attach/command', {
        method: 'POST',
        body: encodeTypedJson(message),
        headers: { 'Content-Type': 'application/json', 'X-Attach-Token': token },
      })
        .then((r) => {
          if (!r.ok) onFailure(`the serve process refused a command (${r.status})`);
        })
        .catch(() => onFailure('the serve process is not reachable'));
    },
    addEventListener: (_type, l) => void listeners.add(l),
    removeEventListener: (_type, l) => void listeners.delete(l),
  };
}

export class AttachTransport implements EngineTransport {
  readonly kind = 'attach' as const;
  private source: EventSource | null = null;
  /** Read once: the app may rewrite its URL (tabs, view state) after it starts. */
  private readonly token = pageToken();
  private readonly connects = new Listeners<[Endpoint, string | null]>();
  private readonly losses = new Listeners<[string]>();

  onConnect(listener: (endpoint: Endpoint, reason: string | null) => void): () => void {
    return this.connects.add(listener);
  }
  onLost(listener: (reason: string) => void): () => void {
    return this.losses.add(listener);
  }

  start(): void {
    this.open(null);
  }

  restart(reason: string): void {
    this.source?.close();
    this.open(reason);
  }

  kill(): void {
    this.source?.close();
  }

  dispose(): void {
    this.source?.close();
    this.source = null;
    this.connects.clear();
    this.losses.clear();
  }

  private open(reason: string | null): void {
    const source = new EventSource(`attach/events?token=${encodeURIComponent(this.token)}`);
    this.source = source;
    // Connect once the event stream is open: the client's hello is answered on that stream.
    let opened = false;
    source.addEventListener('open', () => {
      if (opened || this.source !== source) return;
      opened = true;
      this.connects.emit(
        attachEndpoint(source, this.token, (why) => this.losses.emit(why)),
        reason,
      );
    });
  }
}
