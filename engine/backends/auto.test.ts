import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { createAutoBackend } from './auto.js';
import { Cpu32Backend } from './cpu32/cpu32-backend.js';
import { Cpu64Backend } from './cpu64/cpu64-backend.js';
import { nodeSpawner } from './cpu32/node-threads.js';
import type { ModelSpec } from '../model/spec.js';

const net = (w: number[]): ModelSpec => ({
  inputSize: w[0]!,
  layers: w.slice(1).map((units, i) => ({ units, activation: i === w.length - 2 ? 'identity' : 'tanh' })),
  loss: 'sse',
});
const S = net([2, 8, 8, 2]);
const L = net([1024, 1024, 1024, 1024]);

/** A stand-in GPU backend: only its identity and disposal matter here. */
function fakeGpu(adapter: { architecture: string }) {
  let disposed = false;
  const backend = { name: 'webgpu-f32', dispose: () => void (disposed = true) } as unknown as Backend;
  return { factory: async () => ({ backend, adapter }), backend, disposed: () => disposed };
}

describe('createAutoBackend', () => {
  it('runs a big net on a hardware GPU', async () => {
    const g = fakeGpu({ architecture: 'hopper' });
    const r = await createAutoBackend({ spec: L, batchSize: 256, webgpu: g.factory });
    expect(r.backend).toBe(g.backend);
    expect(g.disposed()).toBe(false);
  });

  it('runs a small net on cpu-f32 and gives the unused GPU back', async () => {
    const g = fakeGpu({ architecture: 'hopper' });
    const r = await createAutoBackend({ spec: S, batchSize: 64, webgpu: g.factory, cores: 2 });
    expect(r.backend).toBeInstanceOf(Cpu32Backend);
    expect((r.backend as Cpu32Backend).kernels.threads).toBe(1);
    expect(g.disposed()).toBe(true);
    r.backend.dispose();
  });

  it('never runs on a software adapter, and uses threads for big nets on cpu-f32', async () => {
    const g = fakeGpu({ architecture: 'swiftshader' });
    const r = await createAutoBackend({ spec: L, batchSize: 256, webgpu: g.factory, cores: 2, spawn: nodeSpawner });
    expect(r.backend).toBeInstanceOf(Cpu32Backend);
    expect((r.backend as Cpu32Backend).kernels.threads).toBe(2);
    expect(r.selection.reason).toMatch(/software/);
    r.backend.dispose();
  });

  it('reports a failed WebGPU start and falls back', async () => {
    const r = await createAutoBackend({
      spec: L,
      batchSize: 256,
      requested: 'webgpu-f32',
      webgpu: async () => {
        throw new Error('device lost at creation');
      },
    });
    expect(r.backend).toBeInstanceOf(Cpu32Backend);
    expect(r.webgpuError).toBe('device lost at creation');
    r.backend.dispose();
  });

  it('gives the reference when asked', async () => {
    const r = await createAutoBackend({ spec: S, batchSize: 64, requested: 'cpu-f64' });
    expect(r.backend).toBeInstanceOf(Cpu64Backend);
  });
});
