/**
 * Attach mode in the desktop app (main process): main listens for a PyTorch run
 * (engine/attach AttachServer: 127.0.0.1 only, a random token per app start) and, while one is
 * attached, hands the dashboard a MessagePort served by AttachDashboardAdapter instead of the
 * local engine's port. The dashboard's ElectronTransport takes any new port the same way (a
 * restarted engine arrives like this too), so no view knows where its frames come from. When the
 * run detaches, the local engine is paired with the dashboard again.
 *
 * Security: the port goes only to the dashboard's own webContents (never to a page that asks);
 * every message the dashboard posts on it is validated by the adapter (parseCommand) before it
 * acts; the socket side validates the client (token, sizes, schemas) in AttachServer.
 */
import { AttachDashboardAdapter } from '../engine/attach/dashboard-adapter.js';
import type { AttachedRun } from '../engine/attach/attached-run.js';
import type { AttachServerOptions } from '../engine/attach/node-attach-server.js';
import { ATTACH_PORT_REASON, ENGINE_PORT_CHANNEL } from './contract.js';
import type { PortLike, WindowLike } from './engine-supervisor.js';

/** What main needs of AttachServer (a fake in tests). */
export interface AttachServerLike {
  readonly address: string;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A MessageChannelMain port as main uses it. */
export interface MainPortLike extends PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
}

export interface DesktopAttachDeps {
  createServer(options: AttachServerOptions): AttachServerLike;
  createChannel(): { port1: MainPortLike; port2: PortLike };
  dashboard(): WindowLike | null;
  /** The run detached: pair the dashboard with the local engine again. */
  restoreLocalEngine(): void;
  log(line: string): void;
}

export class DesktopAttach {
  private readonly adapter: AttachDashboardAdapter;
  private server: AttachServerLike | null = null;
  private run: AttachedRun | null = null;
  private ports: PortLike[] = [];
  private port: MainPortLike | null = null;

  constructor(private readonly deps: DesktopAttachDeps) {
    this.adapter = new AttachDashboardAdapter((event) => this.port?.postMessage(event), undefined);
  }

  /** BACKPROP_LENS_ATTACH for the user's script; null until listening (or if listening failed). */
  get address(): string | null {
    return this.server ? this.server.address : null;
  }

  get attached(): boolean {
    return this.run !== null;
  }

  async start(): Promise<void> {
    const hooks = this.adapter.runHooks();
    const server = this.deps.createServer({
      log: (line) => this.deps.log(`attach: ${line}`),
      runOptions: () => hooks,
      onRun: (run) => this.onRun(run),
      onRunEnd: (run, reason) => this.onRunEnd(run, reason),
    });
    try {
      await server.start();
      this.server = server;
      this.deps.log(`attach: listening, BACKPROP_LENS_ATTACH=${server.address}`);
    } catch (e) {
      // The app works without attach mode: say why once and go on.
      this.deps.log(`attach: not listening (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  async stop(): Promise<void> {
    this.closePorts();
    const server = this.server;
    this.server = null;
    if (server) await server.close();
  }

  /** The dashboard (re)loaded. True when an attached run now serves it (else the local engine should). */
  dashboardDidLoad(): boolean {
    if (!this.run) return false;
    this.handDashboard(`${ATTACH_PORT_REASON}${this.run.hello.pid} on ${this.run.hello.host}`);
    return true;
  }

  private onRun(run: AttachedRun): void {
    this.run = run;
    // No port yet: this only tells the adapter which run it serves; the dashboard's hello on the
    // new port is answered with ready + configured + state.
    this.adapter.attached(run);
    this.handDashboard(`${ATTACH_PORT_REASON}${run.hello.pid} on ${run.hello.host}`);
  }

  private onRunEnd(run: AttachedRun, reason: string): void {
    if (this.run !== run) return;
    this.deps.log(`attach: run ended (${reason}); back to the local engine`);
    this.adapter.detached(run);
    this.run = null;
    this.closePorts();
    this.deps.restoreLocalEngine();
  }

  /** A fresh channel: our end answers through the adapter, the other goes to the dashboard only. */
  private handDashboard(reason: string): void {
    const dash = this.deps.dashboard();
    if (!this.run || !dash || dash.webContents.isDestroyed()) return;
    this.closePorts();
    const { port1, port2 } = this.deps.createChannel();
    this.ports = [port1, port2];
    this.port = port1;
    port1.on('message', (e) => {
      if (this.port === port1) this.adapter.command(e.data);
    });
    port1.start();
    dash.webContents.postMessage(ENGINE_PORT_CHANNEL, { reason }, [port2]);
  }

  private closePorts(): void {
    this.port = null;
    for (const p of this.ports.splice(0)) p.close();
  }
}
