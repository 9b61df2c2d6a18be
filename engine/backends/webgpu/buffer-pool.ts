/**
 * Storage buffers pooled by byte size. Training allocates the same shapes every step (H, A, G,
 * dW, ...), so a released tensor's buffer is handed to the next tensor of the same size instead
 * of creating and destroying GPU memory 20 times a step. All work runs on one queue, in order,
 * so reusing a buffer that pending commands still read is safe: the new owner's commands run
 * after them.
 */
import { BufferUsage } from './gpu-constants.js';

const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** Buffers are at least 16 bytes (zero-sized bindings are invalid) and a multiple of 16. */
export function pooledSize(byteLength: number): number {
  return Math.max(16, Math.ceil(byteLength / 16) * 16);
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private freeBytes = 0;
  private liveBytes = 0;
  /** Called before buffers are destroyed, so cached bind groups that name them are dropped. */
  onDestroy: () => void = () => {};

  constructor(
    private readonly device: GPUDevice,
    /** Free memory above this is returned to the driver rather than kept. */
    private readonly maxFreeBytes = 256 * 1024 * 1024,
  ) {}

  acquire(byteLength: number, label: string): GPUBuffer {
    const size = pooledSize(byteLength);
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.freeBytes -= size;
      this.liveBytes += size;
      reused.label = label;
      return reused;
    }
    this.liveBytes += size;
    return this.device.createBuffer({ label, size, usage: STORAGE_USAGE });
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.liveBytes -= size;
    if (this.freeBytes + size > this.maxFreeBytes) {
      this.onDestroy();
      buffer.destroy();
      return;
    }
    buffer.label = `pool ${size}B (free)`;
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.freeBytes += size;
  }

  stats(): { freeBytes: number; liveBytes: number; freeBuffers: number } {
    let freeBuffers = 0;
    for (const list of this.free.values()) freeBuffers += list.length;
    return { freeBytes: this.freeBytes, liveBytes: this.liveBytes, freeBuffers };
  }

  /** Destroys every free buffer (live ones belong to tensors). */
  trim(): void {
    if (this.freeBytes > 0) this.onDestroy();
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.freeBytes = 0;
  }
}
