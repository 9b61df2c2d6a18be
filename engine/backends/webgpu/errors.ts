/**
 * How GPU trouble reaches the host. WebGPU reports validation and out-of-memory errors
 * asynchronously; uncaptured ones arrive as `uncapturederror` events on the device, and device
 * loss resolves `device.lost`. Both become events of the backend, so the session can show the
 * message and recreate the backend or fall back to the CPU.
 */

export class WebGpuBackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebGpuBackendError';
  }
}

export class WebGpuDeviceLostError extends WebGpuBackendError {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(
      `webgpu-f32: the GPU device was lost (${reason}${detail ? `: ${detail}` : ''}); ` +
        'its tensors are gone. Recreate the backend and upload the parameters again, or switch to a CPU backend.',
    );
    this.name = 'WebGpuDeviceLostError';
  }
}

export interface DeviceLostInfo {
  /** WebGPU's GPUDeviceLostReason: 'destroyed' (someone called device.destroy()) or 'unknown' (driver reset, GPU removed, …). */
  readonly reason: string;
  readonly message: string;
}

export type ErrorListener = (error: WebGpuBackendError) => void;
export type LostListener = (info: DeviceLostInfo) => void;

/** Collects listeners and, in debug mode, wraps GPU object creation in error scopes. */
export class ErrorSink {
  private readonly errorListeners = new Set<ErrorListener>();
  private readonly lostListeners = new Set<LostListener>();

  constructor(
    private readonly device: GPUDevice,
    readonly debug: boolean,
  ) {}

  onError(fn: ErrorListener): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  onLost(fn: LostListener): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  emitError(error: WebGpuBackendError): void {
    if (this.errorListeners.size === 0) {
      // Nobody listening: do not let a GPU error pass silently.
      console.error(error.message);
      return;
    }
    for (const fn of this.errorListeners) fn(error);
  }

  emitLost(info: DeviceLostInfo): void {
    for (const fn of this.lostListeners) fn(info);
  }

  /**
   * Runs a creation call; in debug mode inside validation and out-of-memory error scopes whose
   * result is reported (with `what`) as an error event.
   */
  guard<T>(what: string, create: () => T): T {
    if (!this.debug) return create();
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const result = create();
    for (let i = 0; i < 2; i++) {
      void this.device.popErrorScope().then(
        (e) => e && this.emitError(new WebGpuBackendError(`webgpu-f32: ${what}: ${e.message}`)),
        () => {},
      );
    }
    return result;
  }

  /** In debug mode, reports WGSL compilation errors with their line and column. */
  checkCompilation(file: string, module: GPUShaderModule): void {
    if (!this.debug) return;
    void module.getCompilationInfo().then(
      (info) => {
        for (const m of info.messages) {
          if (m.type === 'error') {
            this.emitError(
              new WebGpuBackendError(`webgpu-f32: kernels/${file}:${m.lineNum}:${m.linePos}: ${m.message}`),
            );
          }
        }
      },
      () => {},
    );
  }
}
