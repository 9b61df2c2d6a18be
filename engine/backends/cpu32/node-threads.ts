/** Node's WorkerSpawner for cpu-f32 threads (worker_threads, eval'd source). Node-only. */
import { Worker } from 'node:worker_threads';
import type { WorkerSpawner } from './threads.js';

export const nodeSpawner: WorkerSpawner = (source) => {
  const w = new Worker(source, { eval: true });
  // Idle workers must not keep the process alive.
  w.unref();
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (l) => void w.on('message', l),
    onError: (l) => void w.on('error', l),
    terminate: () => void w.terminate(),
  };
};
