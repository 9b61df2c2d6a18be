/**
 * Owns the hidden engine window and its MessageChannel with the dashboard. Main only pairs the
 * two windows (one port each, handed over through the preloads) and then stays out of the data
 * path. When the engine window's renderer dies or the GPU process goes away, the engine window
 * is replaced, the pair is made again, and the dashboard is told why; its engine client then
 * replays the dataset, configuration and last checkpoint (docs/protocol.md, "Recovery").
 *
 * Electron objects come in through small interfaces so the crash-restart logic is unit-tested.
 */
import { ENGINE_PORT_CHANNEL } from './contract.js';

export interface PortLike {
  close(): void;
}

export interface WebContentsLike {
  readonly id: number;
  postMessage(channel: string, message: unknown, transfer?: PortLike[]): void;
  send(channel: string, ...args: unknown[]): void;
  on(
    event: 'render-process-gone',
    listener: (event: unknown, details: { reason: string; exitCode: number }) => void,
  ): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'unresponsive', listener: () => void): unknown;
  isDestroyed(): boolean;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  destroy(): void;
  isDestroyed(): boolean;
}

export interface SupervisorDeps {
  createEngineWindow(): WindowLike;
  dashboard(): WindowLike | null;
  createChannel(): { port1: PortLike; port2: PortLike };
  now?(): number;
  log?(message: string): void;
}

export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;

export class EngineSupervisor {
  private engine: WindowLike | null = null;
  private engineLoaded = false;
  private dashboardLoaded = false;
  private pendingReason: string | null = null;
  private restarts: number[] = [];
  private ports: PortLike[] = [];
  private stopped = false;
  /** Set when restarts were given up (a crash loop); the dashboard is told. */
  failed: string | null = null;

  constructor(private readonly deps: SupervisorDeps) {}

  get engineWindow(): WindowLike | null {
    return this.engine;
  }

  start(): void {
    this.spawn();
  }

  /** The dashboard finished loading (first load or reload): it needs a fresh port. */
  dashboardDidLoad(): void {
    this.dashboardLoaded = true;
    this.pair();
  }

  /** Replace the engine (asked by the dashboard, or after a crash). */
  restart(reason: string): void {
    if (this.stopped) return;
    const t = this.now();
    this.restarts = this.restarts.filter((r) => t - r < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) {
      this.failed = `${reason}; gave up after ${MAX_RESTARTS} restarts within ${RESTART_WINDOW_MS / 1000} s`;
      this.deps.log?.(`engine: ${this.failed}`);
      this.notifyDashboard(this.failed);
      return;
    }
    this.restarts.push(t);
    this.deps.log?.(`engine: restarting (${reason})`);
    this.kill();
    this.pendingReason = reason;
    this.notifyDashboard(reason);
    this.spawn();
  }

  /** The GPU process went away: WebGPU devices are lost, so the engine starts over (it may fall back to the CPU). */
  gpuProcessGone(reason: string): void {
    if (this.engine) this.restart(`the GPU process ended (${reason})`);
  }

  stop(): void {
    this.stopped = true;
    this.kill();
  }

  private spawn(): void {
    const win = this.deps.createEngineWindow();
    this.engine = win;
    this.engineLoaded = false;
    win.webContents.on('did-finish-load', () => {
      if (this.engine !== win) return;
      this.engineLoaded = true;
      this.pair();
    });
    win.webContents.on('render-process-gone', (_e, details) => {
      if (this.engine !== win || this.stopped) return;
      this.restart(`the engine window's renderer ended (${details.reason}, exit code ${details.exitCode})`);
    });
    win.webContents.on('unresponsive', () => {
      if (this.engine === win && !this.stopped) this.restart('the engine window stopped responding');
    });
  }

  private kill(): void {
    for (const p of this.ports.splice(0)) p.close();
    const win = this.engine;
    this.engine = null;
    this.engineLoaded = false;
    if (win && !win.isDestroyed()) win.destroy();
  }

  /** Gives each side one end of a new channel, once both pages are loaded. */
  private pair(): void {
    const dash = this.deps.dashboard();
    if (!this.engine || !this.engineLoaded || !this.dashboardLoaded || !dash || dash.webContents.isDestroyed()) return;
    for (const p of this.ports.splice(0)) p.close();
    const { port1, port2 } = this.deps.createChannel();
    this.ports = [port1, port2];
    const reason = this.pendingReason;
    this.pendingReason = null;
    this.engine.webContents.postMessage(ENGINE_PORT_CHANNEL, { reason }, [port1]);
    dash.webContents.postMessage(ENGINE_PORT_CHANNEL, { reason }, [port2]);
  }

  private notifyDashboard(reason: string): void {
    const dash = this.deps.dashboard();
    if (dash && !dash.webContents.isDestroyed()) dash.webContents.send('engine:restarted', { reason });
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}
