/**
 * Test helper (Node only): a webgpu-f32 backend on dawn.node, on SwiftShader when no GPU driver
 * is configured, or the reason there is none so suites can skip with it printed.
 */
import { createNodeWebGpuBackend } from './node-webgpu.js';
import type { WebGpuBackend, WebGpuBackendOptions } from './webgpu-backend.js';

export async function makeTestBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend | { skip: string }> {
  try {
    const { backend } = await createNodeWebGpuBackend({ software: true, debug: true, label: 'test', ...options });
    return backend;
  } catch (e) {
    const reason = `no WebGPU adapter in Node: ${e instanceof Error ? e.message : String(e)}`;
    console.warn(`[webgpu-f32 tests skipped] ${reason}`);
    return { skip: reason };
  }
}
