import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GENERATED_PATH, generatedText } from './node-build-wasm.js';

describe('matmul-wasm.generated.ts', () => {
  it('is what wat-source.ts assembles to (run node-build-wasm.ts after editing the kernels)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await generatedText());
  });
});
