/**
 * The attach socket (node-only): TCP on 127.0.0.1, a random token per start, one attached run at a
 * time. Every connection must open with the magic and a hello carrying the token within a few
 * seconds; anything else — a wrong token, an HTTP request from a browser, an oversized or malformed
 * frame, tensors that do not fit the model — is refused with one logged line, and the server keeps
 * listening. Used by `backprop-lens serve` and by the Electron main process.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { AttachedRun } from './attached-run.js';
import type { AttachedRunOptions } from './attached-run.js';
import { ATTACH_PROTOCOL_VERSION, parseClientMessage } from './messages.js';
import type { HelloMessage, ServerMessage } from './messages.js';
import { FrameReader, WireError, encodeFrame } from './wire.js';
import type { Frame } from './wire.js';

export const ATTACH_ENV = 'BACKPROP_LENS_ATTACH';
export const HANDSHAKE_TIMEOUT_MS = 5000;

export interface AttachServerOptions {
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Fixed token (tests); default: 128 random bits, new on every start. */
  readonly token?: string;
  readonly maxPayloadBytes?: number;
  readonly handshakeTimeoutMs?: number;
  /** One line per connection event (attached, refused and why, detached). */
  readonly log: (line: string) => void;
  /** Options for the run a valid hello starts (everything but how to send). */
  readonly runOptions: (hello: HelloMessage) => Omit<AttachedRunOptions, 'send'>;
  readonly onRun?: (run: AttachedRun) => void;
  readonly onRunEnd?: (run: AttachedRun, reason: string) => void;
}

/** The value of BACKPROP_LENS_ATTACH for a listening server. */
export function attachAddress(port: number, token: string): string {
  return `tcp://127.0.0.1:${port}?token=${token}`;
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AttachServer {
  readonly token: string;
  private server: Server | null = null;
  private active: { run: AttachedRun; socket: Socket } | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly options: AttachServerOptions) {
    this.token = options.token ?? randomBytes(16).toString('hex');
  }

  get address(): string {
    return attachAddress(this.port, this.token);
  }

  get run(): AttachedRun | null {
    return this.active?.run ?? null;
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.options.port ?? 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.options.log(`attach: server error: ${e.message}`));
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const reader = new FrameReader({ expectMagic: true, maxPayloadBytes: this.options.maxPayloadBytes });
    let run: AttachedRun | null = null;
    let closed = false;
    const send = (msg: ServerMessage): void => {
      if (!closed && !socket.destroyed) socket.write(encodeFrame(msg));
    };
    const refuse = (reason: string): void => {
      if (closed) return;
      this.options.log(`attach: refused ${peer}: ${reason}`);
      send({ type: 'error', message: reason });
      closed = true;
      socket.end();
      setTimeout(() => socket.destroy(), 200).unref();
      clearTimeout(timer);
    };
    const timer = setTimeout(
      () => refuse(`no hello within ${this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS} ms`),
      this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
    );
    timer.unref();

    const handle = (frame: Frame): void => {
      const msg = parseClientMessage(frame.header);
      if (msg.type !== 'step' && msg.type !== 'module-tensors' && frame.payload.length > 0)
        throw new WireError(`a "${msg.type}" message carries no payload, got ${frame.payload.length} bytes`);
      if (!run) {
        if (msg.type !== 'hello') throw new WireError(`the first message must be "hello", got "${msg.type}"`);
        if (!tokensEqual(msg.token, this.token)) throw new WireError('wrong token');
        if (msg.protocol !== ATTACH_PROTOCOL_VERSION)
          throw new WireError(
            `protocol version ${msg.protocol} is not supported (this app speaks ${ATTACH_PROTOCOL_VERSION})`,
          );
        if (this.active) throw new WireError(`a run is already attached (PID ${this.active.run.hello.pid})`);
        clearTimeout(timer);
        run = new AttachedRun(msg, { ...this.options.runOptions(msg), send });
        this.active = { run, socket };
        const model =
          msg.model.kind === 'sequential'
            ? `nn.Sequential ${[msg.model.inputSize, ...msg.model.layers.map((l) => l.units)].join('-')}`
            : `${msg.model.modules.length} modules`;
        this.options.log(`attach: attached to PID ${msg.pid} on ${msg.host} (${model}, torch ${msg.client.torch})`);
        send(run.welcome());
        this.options.onRun?.(run);
        return;
      }
      if (msg.type === 'hello') throw new WireError('a second "hello" on the same connection');
      if (msg.type === 'bye') {
        closed = true;
        socket.end();
        return;
      }
      if (msg.type === 'losses') run.receiveLosses(msg);
      else if (msg.type === 'module-tensors') run.receiveModuleTensors(msg, frame.payload);
      else run.receive(msg, frame.payload);
    };

    socket.on('data', (chunk: Buffer) => {
      if (closed) return;
      try {
        for (const frame of reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
          handle(frame);
          if (closed) break;
        }
      } catch (e) {
        refuse(e instanceof WireError ? e.message : `internal error: ${(e as Error).message}`);
      }
    });
    socket.on('error', (e) => this.options.log(`attach: connection ${peer}: ${e.message}`));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      this.sockets.delete(socket);
      if (run && this.active?.run === run) {
        this.active = null;
        this.options.log(`attach: PID ${run.hello.pid} detached after step ${run.lastStep}`);
        this.options.onRunEnd?.(run, 'the client disconnected');
      }
    });
  }
}
