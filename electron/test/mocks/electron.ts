/**
 * The one Electron mock (STYLE.md item 3): every unit test of electron/ gets these fakes through
 * electron/test/setup.ts. They record what main did so tests can assert on it.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return this;
  }
  once(event: string, l: Listener): this {
    return this.on(event, l);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}

let nextId = 1;

export class FakeWebContents extends FakeEmitter {
  readonly id = nextId++;
  destroyed = false;
  readonly posted: { channel: string; message: unknown; transfer: unknown[] }[] = [];
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: unknown) => { action: string }) | null = null;
  postMessage(channel: string, message: unknown, transfer: unknown[] = []): void {
    this.posted.push({ channel, message, transfer });
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(h: (details: unknown) => { action: string }): void {
    this.windowOpenHandler = h;
  }
}

export class BrowserWindow extends FakeEmitter {
  static readonly created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  loaded: string | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    return Promise.resolve();
  }
  loadFile(file: string): Promise<void> {
    this.loaded = file;
    return Promise.resolve();
  }
  show(): void {}
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A MessageChannelMain end: records what main posted; tests emit 'message' as the other side. */
export class FakeMainPort extends FakeEmitter {
  closed = false;
  started = false;
  readonly posted: unknown[] = [];
  postMessage(message: unknown): void {
    if (!this.closed) this.posted.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
}

export class MessageChannelMain {
  readonly port1 = new FakeMainPort();
  readonly port2 = new FakeMainPort();
}

export const ipcMain = {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle: vi.fn((channel: string, h: (...args: unknown[]) => unknown) => void ipcMain.handlers.set(channel, h)),
  removeHandler: vi.fn((channel: string) => void ipcMain.handlers.delete(channel)),
};

export const dialog = { showOpenDialog: vi.fn(), showSaveDialog: vi.fn() };

export const app = Object.assign(new FakeEmitter(), {
  commandLine: { appendSwitch: vi.fn() },
  disableHardwareAcceleration: vi.fn(),
  enableSandbox: vi.fn(),
  whenReady: vi.fn(() => Promise.resolve()),
  getPath: vi.fn((name: string) => `/tmp/fake-${name}`),
  getVersion: vi.fn(() => '0.0.0-test'),
  quit: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
});

export const Menu = { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() };

export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  },
};

export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };

export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = Object.assign(new FakeEmitter(), { invoke: vi.fn(), removeListener: vi.fn() });

export default {
  app,
  BrowserWindow,
  MessageChannelMain,
  ipcMain,
  dialog,
  Menu,
  session,
  protocol,
  contextBridge,
  ipcRenderer,
};
