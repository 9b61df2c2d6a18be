import { describe, expect, it } from 'vitest';
import { looksLikeImages } from './image-guess.js';

describe('looksLikeImages', () => {
  it('takes 64 columns of 0…16 as 8×8 images, not 64 measurements of any range or a non-square count', () => {
    const px = (n: number, max: number) => Array.from({ length: n }, () => ({ min: 0, max }));
    expect(looksLikeImages(64, px(64, 16))).toEqual({ width: 8, height: 8 });
    expect(looksLikeImages(784, px(784, 255))).toEqual({ width: 28, height: 28 });
    expect(looksLikeImages(64, [...px(63, 16), { min: -3, max: 5 }])).toBeNull();
    expect(looksLikeImages(60, px(60, 16))).toBeNull();
    expect(looksLikeImages(4, px(4, 1))).toBeNull();
  });
});
