/**
 * Node provider for webgpu-f32: WebGPU through the `webgpu` npm package (dawn.node), used by
 * the CLI, the tests and the benchmark. Never imported by the browser entry.
 *
 * Without a GPU, point the Vulkan loader at SwiftShader (a CPU implementation, slow):
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
 * (Debian: `apt-get install libvulkan1 chromium`). `software: true` sets that variable for this
 * process when it is unset, before dawn.node starts the loader.
 */
import { existsSync } from 'node:fs';
import type * as DawnNode from 'webgpu';
import {
  profileFor,
  requestDeviceFrom,
  type AcquiredDevice,
  type AdapterDescription,
  type RequestDeviceOptions,
} from './request-device.js';
import { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from './webgpu-backend.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeWebGpuOptions extends RequestDeviceOptions {
  /** Use SwiftShader when VK_ICD_FILENAMES is unset (for CI and machines without a GPU). */
  readonly software?: boolean;
  /** Extra dawn.node flags, e.g. 'enable-dawn-features=...'. */
  readonly dawnFlags?: readonly string[];
}

let gpuPromise: Promise<GPU> | null = null;

/** dawn.node's GPU object, created once per process; also installs the WebGPU globals. */
export function nodeGpu(opts: NodeWebGpuOptions = {}): Promise<GPU> {
  if (opts.software && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  gpuPromise ??= (async () => {
    let mod: typeof DawnNode;
    try {
      mod = await import('webgpu');
    } catch (cause) {
      gpuPromise = null;
      throw new Error('webgpu-f32 in Node needs the `webgpu` npm package (dawn.node): npm install webgpu', { cause });
    }
    // GPUBufferUsage & co. as globals: TensorFlow.js's WebGPU backend (the benchmark's peer) expects them.
    Object.assign(globalThis, mod.globals);
    return mod.create([...(opts.dawnFlags ?? [])]);
  })();
  return gpuPromise;
}

const NO_ADAPTER_HINT =
  'Without a GPU, run with VK_ICD_FILENAMES=' +
  SWIFTSHADER_ICD +
  ' (SwiftShader; Debian: apt-get install libvulkan1 chromium), or use a CPU backend (cpu-f32).';

export async function requestNodeWebGpuDevice(opts: NodeWebGpuOptions = {}): Promise<AcquiredDevice> {
  const gpu = await nodeGpu(opts);
  return requestDeviceFrom(gpu, { noAdapterHint: NO_ADAPTER_HINT, ...opts });
}

export async function createNodeWebGpuBackend(
  opts: NodeWebGpuOptions & WebGpuBackendOptions = {},
): Promise<{ backend: WebGpuBackend; adapter: AdapterDescription }> {
  const { device, adapter } = await requestNodeWebGpuDevice(opts);
  return {
    backend: createWebGpuBackend(device, { ...opts, profile: opts.profile ?? profileFor(adapter), ownsDevice: true }),
    adapter,
  };
}

/** Whether Node can get a WebGPU adapter here, and if not why (tests skip with this reason). */
export async function probeNodeWebGpu(
  opts: NodeWebGpuOptions = {},
): Promise<{ ok: true; adapter: AdapterDescription } | { ok: false; reason: string }> {
  try {
    const { device, adapter } = await requestNodeWebGpuDevice(opts);
    device.destroy();
    return { ok: true, adapter };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
