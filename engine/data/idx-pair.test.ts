import { describe, expect, it } from 'vitest';
import { findIdxPairs, labelNamesFor, looksLikeIdxImages } from './idx-pair.js';

describe('IDX pair names', () => {
  it('derives the labels name from the images name', () => {
    expect(labelNamesFor('train-images-idx3-ubyte.gz')).toEqual([
      'train-labels-idx1-ubyte.gz',
      'train-labels-idx1-ubyte',
    ]);
    expect(labelNamesFor('t10k-images.idx3-ubyte')).toContain('t10k-labels.idx1-ubyte');
    expect(labelNamesFor('data.csv')).toEqual([]);
    expect(looksLikeIdxImages('train-images-idx3-ubyte')).toBe(true);
    expect(looksLikeIdxImages('images.csv')).toBe(false);
  });

  it('finds the pairs of a folder, the training pair first', () => {
    const names = [
      'README',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-labels-idx1-ubyte',
      'train-images-idx3-ubyte',
    ];
    expect(findIdxPairs(names)).toEqual([
      { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
      { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
    ]);
    expect(findIdxPairs(['train-images-idx3-ubyte'])).toEqual([]);
  });
});
