/**
 * Records every op into one command encoder and one compute pass, and submits them together:
 * at the end of the current synchronous run of ops (a microtask), before a read-back, before a
 * host write into a buffer that pending work uses, or when the batch is full. A training step is
 * ~20 dispatches; submitting each would cost more than the work itself on small networks.
 *
 * Each dispatch's Params struct goes into a host-side uniform arena (256-byte slots, WebGPU's
 * dynamic-offset alignment) uploaded with one writeBuffer just before the submit. Reusing the
 * same uniform buffer for the next batch is safe: queue writes and submits execute in call order.
 */
import { BufferUsage } from './gpu-constants.js';
import { PARAMS_BINDING_SIZE, type PipelineCache } from './pipeline-cache.js';
import type { ErrorSink } from './errors.js';
import { WebGpuBackendError } from './errors.js';
import type { Overrides, ParamField } from './kernels.js';
import type { KernelName } from './shaders.generated.js';

const SLOT = 256;
/** Dispatches per submission; a full batch is submitted at once. */
export const MAX_DISPATCHES_PER_BATCH = 256;

export class CommandBatch {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private readonly touched = new Set<GPUBuffer>();
  private readonly arena = new ArrayBuffer(SLOT * MAX_DISPATCHES_PER_BATCH);
  private readonly arenaU32 = new Uint32Array(this.arena);
  private readonly arenaF32 = new Float32Array(this.arena);
  private readonly uniform: GPUBuffer;
  private flushQueued = false;
  private batchNumber = 0;
  /** Submissions so far (for tests and the benchmark's dispatch accounting). */
  submits = 0;
  totalDispatches = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: PipelineCache,
    private readonly errors: ErrorSink,
    private readonly label: string,
  ) {
    this.uniform = device.createBuffer({
      label: `${label} params arena`,
      size: SLOT * MAX_DISPATCHES_PER_BATCH,
      usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    });
  }

  /** Enqueue one compute dispatch; `buffers` are the storage bindings in declaration order. */
  dispatch(
    kernel: KernelName,
    overrides: Overrides,
    buffers: readonly GPUBuffer[],
    params: readonly ParamField[],
    groups: readonly [number, number?, number?],
  ): void {
    const [x, y = 1, z = 1] = groups;
    if (x === 0 || y === 0 || z === 0) return;
    if (this.dispatches === MAX_DISPATCHES_PER_BATCH) this.flush();
    const pipeline = this.pipelines.pipeline(kernel, overrides);
    const bindGroup = this.pipelines.bindGroup(kernel, buffers, this.uniform);
    const offset = this.dispatches * SLOT;
    writeParams(this.arenaU32, this.arenaF32, offset / 4, params);
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [offset]);
    pass.dispatchWorkgroups(x, y, z);
    this.dispatches++;
    this.totalDispatches++;
    for (const b of buffers) this.touched.add(b);
  }

  /** Zero-fill (outside the compute pass, in order with the dispatches around it). */
  clear(buffer: GPUBuffer): void {
    this.endPass();
    this.commandEncoder().clearBuffer(buffer);
    this.touched.add(buffer);
  }

  copy(src: GPUBuffer, dst: GPUBuffer, size: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, 0, dst, 0, size);
    this.touched.add(src);
    this.touched.add(dst);
  }

  /** Whether commands not yet submitted use this buffer (then a host write must flush first). */
  uses(buffer: GPUBuffer): boolean {
    return this.touched.has(buffer);
  }

  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    const encoder = this.encoder;
    this.encoder = null;
    if (this.dispatches > 0) this.device.queue.writeBuffer(this.uniform, 0, this.arena, 0, this.dispatches * SLOT);
    this.dispatches = 0;
    this.touched.clear();
    this.submits++;
    const n = this.batchNumber++;
    this.errors.guard(`submit of batch ${n}`, () =>
      this.device.queue.submit([encoder.finish({ label: `${this.label} batch ${n}` })]),
    );
  }

  destroy(): void {
    this.encoder = null;
    this.pass = null;
    this.uniform.destroy();
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder({ label: `${this.label} batch ${this.batchNumber}` });
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    }
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.commandEncoder().beginComputePass({ label: `${this.label} ops` });
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}

function writeParams(u: Uint32Array, f: Float32Array, at: number, params: readonly ParamField[]): void {
  if (params.length * 4 > PARAMS_BINDING_SIZE)
    throw new WebGpuBackendError(`params of ${params.length} fields exceed ${PARAMS_BINDING_SIZE} bytes`);
  params.forEach((p, i) => {
    if ('u32' in p) u[at + i] = p.u32;
    else f[at + i] = p.f32;
  });
}
