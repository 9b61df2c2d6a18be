import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../model/spec.js';
import { GPU_CROSSOVER_FLOPS, cpu32OptionsFor, isSoftwareAdapter, selectBackend, stepFlops } from './select.js';

const net = (widths: number[]): ModelSpec => ({
  inputSize: widths[0]!,
  layers: widths.slice(1).map((units, i) => ({ units, activation: i === widths.length - 2 ? 'identity' : 'tanh' })),
  loss: 'sse',
});
const S = net([2, 8, 8, 2]);
const M = net([784, 256, 128, 10]);
const L = net([1024, 1024, 1024, 1024]);
const gpu = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' };
const swiftshader = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' };

describe('stepFlops', () => {
  it('counts forward, ∂W and (after layer 0) G·Wᵀ products', () => {
    // 2-8-8-2, n = 64: layer 0: 2·64·16·2, layers 1, 2: 2·64·64·3 and 2·64·16·3.
    expect(stepFlops(S, 64)).toBe(2 * 64 * 16 * 2 + 2 * 64 * 64 * 3 + 2 * 64 * 16 * 3);
    expect(stepFlops(L, 256)).toBe(2 * 256 * 1024 * 1024 * (2 + 3 + 3));
  });
});

describe('selectBackend', () => {
  it('uses cpu-f32 when there is no adapter', () => {
    expect(selectBackend({ spec: L, batchSize: 256, webgpu: null }).backend).toBe('cpu-f32');
  });
  it('never auto-picks a software adapter', () => {
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter(gpu)).toBe(false);
    expect(selectBackend({ spec: L, batchSize: 256, webgpu: swiftshader }).backend).toBe('cpu-f32');
  });
  it('picks by FLOPs per step on a hardware adapter, around the crossover', () => {
    expect(selectBackend({ spec: S, batchSize: 64, webgpu: gpu }).backend).toBe('cpu-f32');
    expect(selectBackend({ spec: L, batchSize: 256, webgpu: gpu }).backend).toBe('webgpu-f32');
    const atCrossover = selectBackend({ spec: S, batchSize: 64, webgpu: gpu, crossoverFlops: stepFlops(S, 64) });
    expect(atCrossover.backend).toBe('webgpu-f32');
    const below = selectBackend({ spec: S, batchSize: 64, webgpu: gpu, crossoverFlops: stepFlops(S, 64) + 1 });
    expect(below.backend).toBe('cpu-f32');
    expect(below.reason).toMatch(/MFLOP/);
  });
  it('the crossover puts M on the side the measurements say', () => {
    expect(stepFlops(M, 128) > GPU_CROSSOVER_FLOPS).toBe(true);
    expect(stepFlops(S, 64) < GPU_CROSSOVER_FLOPS).toBe(true);
  });
  it('honours the user choice, and falls back with a reason when WebGPU is missing', () => {
    expect(selectBackend({ spec: S, batchSize: 64, webgpu: gpu, requested: 'webgpu-f32' }).backend).toBe('webgpu-f32');
    expect(selectBackend({ spec: L, batchSize: 256, webgpu: gpu, requested: 'cpu-f64' }).backend).toBe('cpu-f64');
    const fallback = selectBackend({ spec: S, batchSize: 64, webgpu: null, requested: 'webgpu-f32' });
    expect(fallback.backend).toBe('cpu-f32');
    expect(fallback.reason).toMatch(/no adapter/);
  });
});

describe('cpu32OptionsFor', () => {
  it('uses threads only for steps big enough to pay for the per-product sync', () => {
    expect(cpu32OptionsFor(stepFlops(S, 64), 2).threads).toBe(1);
    expect(cpu32OptionsFor(stepFlops(M, 128), 2).threads).toBe(2);
    expect(cpu32OptionsFor(stepFlops(L, 256), 16).threads).toBe(4);
    expect(cpu32OptionsFor(stepFlops(L, 256), 1).threads).toBe(1);
  });
});
