/**
 * WebGPU's flag constants as plain numbers (values fixed by the spec). The globals
 * GPUBufferUsage / GPUMapMode exist in browsers but not in Node until the `webgpu` package's
 * globals are installed, and this backend must not depend on that.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const ShaderStage = { COMPUTE: 0x4 } as const;

export const MapMode = { READ: 0x0001 } as const;
