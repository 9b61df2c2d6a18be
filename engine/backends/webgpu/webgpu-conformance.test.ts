/**
 * webgpu-f32 against the float64 reference: the shared conformance suite (engine/testing). On
 * machines without a GPU it runs on SwiftShader; without any adapter every case is skipped with
 * the reason printed.
 */
import { describeConformance } from '../../testing/conformance.js';
import { makeTestBackend } from './node-test-device.js';

describeConformance(
  'webgpu-f32',
  () =>
    makeTestBackend({
      // A validation error would otherwise only reach the console: make it fail the run.
      onError: (e) => {
        throw e;
      },
    }),
  { timeout: 120_000 },
);
