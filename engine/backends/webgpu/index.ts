/**
 * webgpu-f32's browser-safe public API. The Node provider is in node-webgpu.ts (import it
 * directly from Node code: the CLI, tests, benchmarks).
 */
export { WebGpuBackend, createWebGpuBackend, type WebGpuBackendOptions } from './webgpu-backend.js';
export { WebGpuTensor } from './webgpu-tensor.js';
export {
  createBrowserWebGpuBackend,
  isCpuEmulatedAdapter,
  profileFor,
  requestDeviceFrom,
  NoWebGpuAdapterError,
  type AcquiredDevice,
  type AdapterDescription,
  type RequestDeviceOptions,
} from './request-device.js';
export {
  WebGpuBackendError,
  WebGpuDeviceLostError,
  type DeviceLostInfo,
  type ErrorListener,
  type LostListener,
} from './errors.js';
export {
  BIG_TILING,
  SMALL_TILING,
  GPU_PROFILE,
  CPU_EMULATION_PROFILE,
  type KernelProfile,
  type MatmulTiling,
} from './kernels.js';
