/**
 * Getting a GPUDevice from a GPU object (navigator.gpu in the browser, dawn.node's GPU in Node),
 * with limits raised to what the adapter allows so large layers fit in one binding.
 */
import { WebGpuBackendError } from './errors.js';
import { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from './webgpu-backend.js';

export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation of WebGPU (SwiftShader, or an adapter flagged as fallback). */
  readonly software: boolean;
}

/** Whether an adapter is a CPU emulation, whose kernels want the 'cpu-emulation' profile. */
export function isCpuEmulatedAdapter(info: Partial<GPUAdapterInfo> | undefined): boolean {
  if (!info) return false;
  if ((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) return true;
  const text =
    `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|warp|software/.test(text);
}

export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
}

export class NoWebGpuAdapterError extends WebGpuBackendError {
  constructor(hint: string) {
    super(`webgpu-f32: no WebGPU adapter is available. ${hint}`);
    this.name = 'NoWebGpuAdapterError';
  }
}

export interface RequestDeviceOptions {
  readonly powerPreference?: GPUPowerPreference;
  readonly label?: string;
  /** Said in the error when there is no adapter (how to get one on this platform). */
  readonly noAdapterHint?: string;
}

export async function requestDeviceFrom(gpu: GPU, opts: RequestDeviceOptions = {}): Promise<AcquiredDevice> {
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) throw new NoWebGpuAdapterError(opts.noAdapterHint ?? 'Use a CPU backend (cpu-f32).');
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    label: opts.label ?? 'backprop-lens',
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
    },
  });
  const info = adapter.info;
  return {
    device,
    adapter: {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
      software: isCpuEmulatedAdapter(info),
    },
  };
}

/** Browser / Electron renderer: a backend on navigator.gpu (needs a secure context). */
export async function createBrowserWebGpuBackend(
  options: WebGpuBackendOptions & RequestDeviceOptions = {},
): Promise<{ backend: WebGpuBackend; adapter: AdapterDescription }> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new NoWebGpuAdapterError('This browser does not expose navigator.gpu; use a CPU backend (cpu-f32).');
  const { device, adapter } = await requestDeviceFrom(gpu, options);
  return {
    backend: createWebGpuBackend(device, {
      ...options,
      profile: options.profile ?? profileFor(adapter),
      ownsDevice: true,
    }),
    adapter,
  };
}

/** The kernel profile that suits an adapter. */
export function profileFor(adapter: AdapterDescription): 'gpu' | 'cpu-emulation' {
  return adapter.software ? 'cpu-emulation' : 'gpu';
}
