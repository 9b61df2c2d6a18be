import { describe, expect, it } from 'vitest';
import { app } from './test/mocks/electron.js';
import { gpuSwitches, setupGpu } from './gpu.js';

describe('gpu switches', () => {
  it('turns WebGPU on for Linux, where Chromium keeps it behind a flag', () => {
    expect(gpuSwitches('linux', {}).switches).toEqual([['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']]);
    expect(gpuSwitches('darwin', {}).switches).toEqual([]);
  });
  it('can force the CPU path', () => {
    expect(gpuSwitches('linux', { BACKPROP_LENS_DISABLE_GPU: '1' })).toEqual({
      switches: [],
      disableHardwareAcceleration: true,
    });
  });
  it('applies them to the app', () => {
    setupGpu(app as never);
    if (process.platform === 'linux') expect(app.commandLine.appendSwitch).toHaveBeenCalledWith('enable-unsafe-webgpu');
  });
});
