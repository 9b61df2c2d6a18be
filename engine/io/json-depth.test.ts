import { describe, expect, it } from 'vitest';
import { FormatError } from './format-error.js';
import { parseAnyFile } from './any-file.js';
import { parseWeights } from './weights-file.js';
import { parseGradients } from './gradients-file.js';
import { parseBatch } from './batch-file.js';

describe('nesting depth in every JSON reader of engine/io', () => {
  const deepWeights = `{"format": "backprop-lens/weights", "version": 1, "model": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
  it.each([
    ['weights', parseWeights],
    ['gradients', parseGradients],
    ['batch', parseBatch],
    ['any', parseAnyFile],
  ] as const)('%s: 5,000 levels is a FormatError with line and column', (_, parse) => {
    let err: unknown;
    try {
      parse(deepWeights);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).location).toMatchObject({ line: 1 });
    expect((err as FormatError).message).toMatch(/invalid file: arrays and objects are nested more than 64 levels deep/,
    );
  });
  it('100,000 "[" likewise', () => {
    expect(() => parseWeights('['.repeat(100_000))).toThrow(/nested more than 64 levels/);
  });
});
