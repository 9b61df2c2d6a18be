import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GENERATED_PATH, generatedText } from './node-build-telemetry-wasm.js';

describe('telemetry-wasm.generated.ts', () => {
  it('is what telemetry-wat.ts assembles to (run npm run gen:wasm after editing the kernels)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await generatedText());
  });
});
