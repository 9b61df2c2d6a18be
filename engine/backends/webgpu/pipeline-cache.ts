/**
 * Compiled compute pipelines keyed by kernel + override constants, one explicit bind group
 * layout per kernel (shared by all its pipelines), and bind groups keyed by the buffers they
 * bind. Training reuses the same pooled buffers step after step, so after the first step every
 * dispatch finds its pipeline and its bind group here.
 */
import { KERNEL_BINDINGS, type Overrides } from './kernels.js';
import { SHADERS, type KernelName } from './shaders.generated.js';
import { ShaderStage } from './gpu-constants.js';
import type { ErrorSink } from './errors.js';

/** Bytes of the Params window each dispatch binds (the largest struct, adam's, is 40 bytes). */
export const PARAMS_BINDING_SIZE = 64;

const MAX_BIND_GROUPS = 4096;

export class PipelineCache {
  private readonly modules = new Map<KernelName, GPUShaderModule>();
  private readonly layouts = new Map<KernelName, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;

  constructor(
    private readonly device: GPUDevice,
    private readonly errors: ErrorSink,
  ) {}

  pipeline(kernel: KernelName, overrides: Overrides): GPUComputePipeline {
    const key = pipelineKey(kernel, overrides);
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.module(kernel);
      p = this.errors.guard(`pipeline ${key}`, () =>
        this.device.createComputePipeline({
          label: key,
          layout: this.layout(kernel).pipeline,
          compute: { module, entryPoint: 'main', constants: { ...overrides } },
        }),
      );
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** The bind group of `buffers` (storage bindings in order) plus the uniform arena. */
  bindGroup(kernel: KernelName, buffers: readonly GPUBuffer[], uniform: GPUBuffer): GPUBindGroup {
    let key = kernel;
    for (const b of buffers) key += `:${this.idOf(b)}`;
    key += `:u${this.idOf(uniform)}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      const kinds = KERNEL_BINDINGS[kernel];
      if (buffers.length !== kinds.length - 1) {
        throw new Error(`${kernel}: ${buffers.length} buffers for ${kinds.length - 1} storage bindings`);
      }
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
      entries.push({ binding: buffers.length, resource: { buffer: uniform, size: PARAMS_BINDING_SIZE } });
      bg = this.device.createBindGroup({ label: `${kernel} bindings`, layout: this.layout(kernel).group, entries });
      this.bindGroups.set(key, bg);
    }
    return bg;
  }

  /** Forget bind groups (their buffers are about to be destroyed). */
  dropBindGroups(): void {
    this.bindGroups.clear();
  }

  stats(): { pipelines: number; bindGroups: number } {
    return { pipelines: this.pipelines.size, bindGroups: this.bindGroups.size };
  }

  private idOf(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(b, id);
    }
    return id;
  }

  private module(kernel: KernelName): GPUShaderModule {
    let m = this.modules.get(kernel);
    if (!m) {
      const code = SHADERS[kernel];
      m = this.errors.guard(`shader ${kernel}.wgsl`, () =>
        this.device.createShaderModule({ label: `${kernel}.wgsl`, code }),
      );
      this.errors.checkCompilation(`${kernel}.wgsl`, m);
      this.modules.set(kernel, m);
    }
    return m;
  }

  private layout(kernel: KernelName): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
    let l = this.layouts.get(kernel);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = KERNEL_BINDINGS[kernel].map((kind, binding) => ({
        binding,
        visibility: ShaderStage.COMPUTE,
        buffer:
          kind === 'uniform'
            ? { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAMS_BINDING_SIZE }
            : { type: kind === 'read' ? 'read-only-storage' : 'storage' },
      }));
      const group = this.device.createBindGroupLayout({ label: `${kernel} layout`, entries });
      const pipeline = this.device.createPipelineLayout({
        label: `${kernel} pipeline layout`,
        bindGroupLayouts: [group],
      });
      l = { group, pipeline };
      this.layouts.set(kernel, l);
    }
    return l;
  }
}

export function pipelineKey(kernel: KernelName, overrides: Overrides): string {
  const parts = Object.keys(overrides)
    .sort()
    .map((k) => `${k}=${overrides[k]}`);
  return parts.length ? `${kernel}(${parts.join(',')})` : kernel;
}
