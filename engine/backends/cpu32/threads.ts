/**
 * Worker threads for the WASM kernels: each worker instantiates the same kernels on the backend's
 * shared memory and waits on a slot of a shared Int32Array; the calling thread splits a product by
 * rows, wakes the workers with Atomics.notify, does its own share, then waits for theirs. One
 * notify/wait round trip costs ~5–20 µs, so only products above PARALLEL_MIN_MACS are split.
 *
 * Browser-safe: the worker is a plain-JS source string started by a WorkerSpawner (a Blob URL
 * Worker in browsers, which needs cross-origin isolation for shared memory; worker_threads in Node,
 * see node-threads.ts).
 */

/** The part of a Worker used here (browser Worker and Node worker_threads adapt to it). */
export interface WorkerLike {
  postMessage(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
  onError(listener: (error: unknown) => void): void;
  terminate(): void;
}

export type WorkerSpawner = (source: string) => WorkerLike;

/** Products with fewer multiply-adds than this run on the calling thread alone. */
export const PARALLEL_MIN_MACS = 1 << 18;

const SLOT = 16; // Int32 per worker: [seq, done, op, args…]
export const OP_STOP = 0;
export const OP_GEMM = 1;
export const OP_GEMM_NT = 2;

/** The worker program (plain JS so that it runs unbundled in a Blob URL or a Node eval worker). */
export const WORKER_SOURCE = `
const isNode = typeof require === 'function' && typeof self === 'undefined';
const port = isNode ? require('node:worker_threads').parentPort : self;
const listen = (cb) => (isNode ? port.on('message', cb) : (self.onmessage = (e) => cb(e.data)));
listen(async (msg) => {
  if (!msg || msg.type !== 'init') return;
  try {
    const { instance } = await WebAssembly.instantiate(msg.bytes, { env: { memory: msg.memory } });
    const x = instance.exports;
    const ctrl = new Int32Array(msg.ctrl);
    const base = msg.slot * ${SLOT};
    // The sequence starts at 0 and only moves after 'ready': starting from 0 (not from a load)
    // means a post that lands before the first wait is still seen.
    let seen = 0;
    port.postMessage({ type: 'ready' });
    for (;;) {
      Atomics.wait(ctrl, base, seen);
      seen = Atomics.load(ctrl, base);
      const op = ctrl[base + 2];
      const a = base + 3;
      if (op === ${OP_STOP}) break;
      if (op === ${OP_GEMM}) x.gemm(ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5], ctrl[a + 6], ctrl[a + 7], ctrl[a + 8], ctrl[a + 9], ctrl[a + 10]);
      else if (op === ${OP_GEMM_NT}) x.gemm_nt(ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5]);
      Atomics.store(ctrl, base + 1, seen);
      Atomics.notify(ctrl, base + 1);
    }
  } catch (e) {
    port.postMessage({ type: 'error', message: String(e && e.message || e) });
  }
});
`;

export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly canBlock: boolean;
  private disposed = false;

  private constructor(
    private readonly workers: WorkerLike[],
    ctrlBuffer: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(ctrlBuffer);
    // Atomics.wait throws on a browser's main thread: spin there instead.
    let ok = true;
    try {
      Atomics.wait(this.ctrl, this.ctrl.length - 1, 0, 0);
    } catch {
      ok = false;
    }
    this.canBlock = ok;
  }

  /** Starts `extra` workers on the kernels `bytes` over `memory`; resolves once all are ready. */
  static async start(extra: number, spawn: WorkerSpawner, bytes: Uint8Array, memory: unknown): Promise<ThreadPool> {
    const ctrlBuffer = new SharedArrayBuffer((extra * SLOT + 1) * 4);
    const workers: WorkerLike[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < extra; w++) {
      const worker = spawn(WORKER_SOURCE);
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.onMessage((data) => {
            const m = data as { type?: string; message?: string };
            if (m.type === 'ready') resolve();
            else if (m.type === 'error') reject(new Error(`cpu-f32 worker ${w}: ${m.message}`));
          });
          worker.onError((e) => reject(e instanceof Error ? e : new Error(`cpu-f32 worker ${w} failed: ${String(e)}`)));
        }),
      );
      worker.postMessage({ type: 'init', bytes, memory, ctrl: ctrlBuffer, slot: w });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new ThreadPool(workers, ctrlBuffer);
  }

  /** Threads that share a product: the workers and the calling thread. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Starts op on worker w (non-blocking). */
  post(w: number, op: number, args: readonly number[]): void {
    const base = w * SLOT;
    for (let k = 0; k < args.length; k++) this.ctrl[base + 3 + k] = args[k]!;
    this.ctrl[base + 2] = op;
    Atomics.add(this.ctrl, base, 1);
    Atomics.notify(this.ctrl, base);
  }

  /** Blocks until worker w finished its last op. */
  join(w: number): void {
    const base = w * SLOT;
    const want = Atomics.load(this.ctrl, base);
    for (;;) {
      const done = Atomics.load(this.ctrl, base + 1);
      if (done === want) return;
      if (this.canBlock) Atomics.wait(this.ctrl, base + 1, done, 1000);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.workers.forEach((w, i) => {
      this.post(i, OP_STOP, []);
      w.terminate();
    });
  }
}

/** Browser spawner: a module-less classic Worker from a Blob URL (needs crossOriginIsolated for shared memory). */
export function browserSpawner(): WorkerSpawner | null {
  const g = globalThis as unknown as {
    Worker?: new (url: string) => { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null; onerror: ((e: unknown) => void) | null; terminate(): void };
    Blob?: new (parts: string[], opts: { type: string }) => unknown;
    URL?: { createObjectURL(b: unknown): string };
    crossOriginIsolated?: boolean;
  };
  if (!g.Worker || !g.Blob || !g.URL || g.crossOriginIsolated !== true) return null;
  const { Worker: W, Blob: B, URL: U } = g;
  return (source) => {
    const w = new W(U.createObjectURL(new B([source], { type: 'text/javascript' })));
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (l) => void (w.onmessage = (e) => l(e.data)),
      onError: (l) => void (w.onerror = l),
      terminate: () => w.terminate(),
    };
  };
}
