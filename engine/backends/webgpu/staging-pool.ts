/**
 * MAP_READ staging buffers for read-backs. A read copies the tensor into a staging buffer in
 * the same submission as the work before it, then maps it asynchronously: training keeps
 * enqueueing while the copy is in flight. Telemetry reads the same tensors at a steady rate, so
 * each size keeps at most two idle buffers (double buffering: one being mapped while the other
 * is being filled); a burst of reads just creates more, and the extras are destroyed when they
 * come back.
 */
import { BufferUsage } from './gpu-constants.js';

const KEEP_PER_SIZE = 2;

export class StagingPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private inFlight = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(size: number, label: string): GPUBuffer {
    this.inFlight++;
    const reused = this.free.get(size)?.pop();
    if (reused) {
      reused.label = label;
      return reused;
    }
    return this.device.createBuffer({ label, size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  }

  release(buffer: GPUBuffer): void {
    this.inFlight--;
    let list = this.free.get(buffer.size);
    if (!list) {
      list = [];
      this.free.set(buffer.size, list);
    }
    if (list.length >= KEEP_PER_SIZE) {
      buffer.destroy();
      return;
    }
    buffer.label = `staging ${buffer.size}B (free)`;
    list.push(buffer);
  }

  /** Read-backs started and not yet finished. */
  pending(): number {
    return this.inFlight;
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
  }
}
