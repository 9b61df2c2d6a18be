import type { Tensor } from '../backend.js';

/** A row-major f32 matrix in a pooled GPU storage buffer. */
export class WebGpuTensor implements Tensor {
  readonly backend = 'webgpu-f32' as const;
  released = false;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly buffer: GPUBuffer,
    readonly label: string,
    /** Identifies the backend that made it: tensors never cross devices. */
    readonly owner: object,
  ) {}

  get length(): number {
    return this.rows * this.cols;
  }

  get byteLength(): number {
    return this.rows * this.cols * 4;
  }
}
