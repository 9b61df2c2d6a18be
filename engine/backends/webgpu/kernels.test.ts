import { describe, expect, it } from 'vitest';
import { BIG_TILING, SMALL_TILING, chooseTiling, matmulGroups, strideGroups } from './kernels.js';
import { pooledSize } from './buffer-pool.js';

describe('dispatch geometry', () => {
  it('uses 64×64 tiles only where there are at least four of them', () => {
    expect(chooseTiling(64, 8, BIG_TILING, SMALL_TILING)).toBe(SMALL_TILING);
    expect(chooseTiling(128, 127, BIG_TILING, SMALL_TILING)).toBe(SMALL_TILING);
    expect(chooseTiling(128, 128, BIG_TILING, SMALL_TILING)).toBe(BIG_TILING);
  });

  it('covers every output element, odd shapes included', () => {
    // 257 rows need 5 tiles of 64 (the last holds one row); 1 column needs 1 tile.
    expect(matmulGroups(257, 1, BIG_TILING)).toEqual([1, 5]);
    expect(matmulGroups(33, 65, SMALL_TILING)).toEqual([3, 2]);
  });

  it('caps grid-stride dispatches', () => {
    expect(strideGroups(1, 256)).toBe(1);
    expect(strideGroups(257, 256)).toBe(2);
    expect(strideGroups(1e9, 256)).toBe(4096);
  });

  it('pools buffers in 16-byte multiples, never empty', () => {
    expect([0, 4, 16, 17, 1028].map(pooledSize)).toEqual([16, 16, 16, 32, 1040]);
  });
});
