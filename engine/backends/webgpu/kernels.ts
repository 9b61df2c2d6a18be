/**
 * What the host needs to know about each WGSL program in kernels/: its bindings (in order, as
 * declared with @binding(i) in group 0) and the codes its override constants use. The last
 * binding of every kernel is its uniform Params struct, bound with a dynamic offset into the
 * command batch's uniform arena.
 */
import type { Activation } from '../../model/spec.js';
import type { KernelName } from './shaders.generated.js';

/** read = read-only storage, write = read_write storage, uniform = the Params struct. */
export type BindingKind = 'read' | 'write' | 'uniform';

export const KERNEL_BINDINGS: Readonly<Record<KernelName, readonly BindingKind[]>> = {
  'matmul-forward': ['read', 'read', 'read', 'write', 'write', 'uniform'],
  'matmul-weight-grad': ['read', 'read', 'write', 'uniform'],
  'matmul-backprop': ['read', 'read', 'read', 'read', 'write', 'uniform'],
  'matmul-forward-direct': ['read', 'read', 'read', 'write', 'write', 'uniform'],
  'matmul-weight-grad-direct': ['read', 'read', 'write', 'uniform'],
  'matmul-backprop-direct': ['read', 'read', 'read', 'read', 'write', 'uniform'],
  'matmul-forward-direct-vec4': ['read', 'read', 'read', 'write', 'write', 'uniform'],
  'matmul-weight-grad-direct-vec4': ['read', 'read', 'write', 'uniform'],
  'matmul-backprop-direct-vec4': ['read', 'read', 'read', 'read', 'write', 'uniform'],
  'column-sums': ['read', 'write', 'uniform'],
  'softmax-rows': ['read', 'write', 'uniform'],
  'loss-elementwise': ['read', 'read', 'read', 'write', 'write', 'uniform'],
  'loss-cross-entropy': ['read', 'read', 'read', 'write', 'write', 'uniform'],
  'reduce-loss': ['read', 'write', 'uniform'],
  sgd: ['write', 'read', 'write', 'uniform'],
  adam: ['write', 'read', 'write', 'write', 'uniform'],
};

/** Activation codes of _activations.wgsl. */
export const ACTIVATION_CODE: Readonly<Record<Exclude<Activation, 'softmax'>, number>> = {
  identity: 0,
  tanh: 1,
  sigmoid: 2,
  relu: 3,
};

/** matmul-backprop's PREV_ACT for "no previous layer" (the product is ∂L/∂X). */
export const NO_PREV_ACTIVATION = 4;

/** One field of a kernel's Params struct, in declaration order. */
export type ParamField = { readonly u32: number } | { readonly f32: number };
export const u32 = (v: number): ParamField => ({ u32: v });
export const f32 = (v: number): ParamField => ({ f32: v });

/** Override constants of a pipeline (booleans as 0/1, as createComputePipeline wants). */
export type Overrides = Readonly<Record<string, number>>;

/** Register-tiled matrix products: each invocation owns a 4×4 block (TM = TN = 4 in the WGSL). */
export interface MatmulTiling {
  readonly WG_X: number;
  readonly WG_Y: number;
  readonly TILE_K: number;
}

export const MICRO_TILE = 4;

/**
 * 64×64 output tiles (16×16 invocations) pay on real GPUs once the output has a few thousand
 * elements; smaller outputs get 32×32 tiles so a 64×8 product is not one mostly idle workgroup.
 */
export function chooseTiling(rows: number, cols: number, big: MatmulTiling, small: MatmulTiling): MatmulTiling {
  const bigTile = big.WG_Y * MICRO_TILE * big.WG_X * MICRO_TILE;
  return rows * cols >= 4 * bigTile ? big : small;
}

export const BIG_TILING: MatmulTiling = { WG_X: 16, WG_Y: 16, TILE_K: 16 };
export const SMALL_TILING: MatmulTiling = { WG_X: 8, WG_Y: 8, TILE_K: 16 };

export function matmulGroups(rows: number, cols: number, t: MatmulTiling): [number, number] {
  return [Math.ceil(cols / (t.WG_X * MICRO_TILE)), Math.ceil(rows / (t.WG_Y * MICRO_TILE))];
}

/**
 * How kernels are shaped for an adapter. Real GPUs want workgroup-memory tiling and wide
 * workgroups; CPU emulations (SwiftShader) run a workgroup's invocations as coroutines and pay
 * for every invocation at every barrier, so there the matrix products use the barrier-free
 * `-direct` kernels and reductions use narrow workgroups (measured: 10× faster products and
 * 20× faster loss reductions on SwiftShader than the GPU shapes).
 */
export interface KernelProfile {
  readonly name: 'gpu' | 'cpu-emulation';
  readonly matmul: 'tiled' | 'direct';
  /** Invocations per workgroup of the grid-stride element-wise kernels (optimizers). */
  readonly elementwiseWG: number;
  /** Workgroup size of the loss kernels' and the final reduction's trees (a power of two). */
  readonly reduceWG: number;
  /** Workgroup size of the one-invocation-per-row kernels (softmax, cross-entropy). */
  readonly rowWG: number;
  readonly columnSums: { readonly COLS: number; readonly ROWS_PER_COLUMN: number };
  /** Most workgroups of a grid-stride dispatch: a GPU wants many, a CPU emulation pays per workgroup. */
  readonly maxStrideGroups: number;
}

export const GPU_PROFILE: KernelProfile = {
  name: 'gpu',
  matmul: 'tiled',
  elementwiseWG: 256,
  reduceWG: 256,
  rowWG: 64,
  columnSums: { COLS: 32, ROWS_PER_COLUMN: 8 },
  maxStrideGroups: 4096,
};

export const CPU_EMULATION_PROFILE: KernelProfile = {
  name: 'cpu-emulation',
  matmul: 'direct',
  elementwiseWG: 64,
  reduceWG: 16,
  rowWG: 16,
  columnSums: { COLS: 16, ROWS_PER_COLUMN: 1 },
  maxStrideGroups: 64,
};

/**
 * The direct kernels' workgroup: 8×8 invocations, 4×4 outputs each. SwiftShader pays a fixed cost
 * per workgroup, and 4×4 workgroups made ∂W of M's first layer 1.5× slower; 16×16 gained nothing.
 */
export const DIRECT_WG = 8;

export function directGroups(rows: number, cols: number): [number, number] {
  return [Math.ceil(cols / (DIRECT_WG * MICRO_TILE)), Math.ceil(rows / (DIRECT_WG * MICRO_TILE))];
}

/** Grid-stride kernels: enough workgroups to fill a GPU, never more than WebGPU allows in x. */
export function strideGroups(count: number, wg: number, cap = 4096): number {
  return Math.min(Math.ceil(count / wg), cap, 65535);
}
