/**
 * WebGPU for the engine window. Chromium on Linux still keeps WebGPU behind a flag, so it is
 * switched on there (with Vulkan, which Dawn uses on Linux). Where no adapter results (no GPU,
 * blocked drivers) the engine host falls back to the CPU backend and reports why in `ready`.
 * BACKPROP_LENS_DISABLE_GPU=1 forces the CPU path (for broken drivers).
 */
import type { App } from 'electron';

export function gpuSwitches(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): { switches: [string, string?][]; disableHardwareAcceleration: boolean } {
  if (env.BACKPROP_LENS_DISABLE_GPU === '1') return { switches: [], disableHardwareAcceleration: true };
  const switches: [string, string?][] = [];
  if (platform === 'linux') switches.push(['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']);
  return { switches, disableHardwareAcceleration: false };
}

export function setupGpu(app: App): void {
  const { switches, disableHardwareAcceleration } = gpuSwitches(process.platform, process.env);
  if (disableHardwareAcceleration) app.disableHardwareAcceleration();
  for (const [name, value] of switches) {
    if (value === undefined) app.commandLine.appendSwitch(name);
    else app.commandLine.appendSwitch(name, value);
  }
}
