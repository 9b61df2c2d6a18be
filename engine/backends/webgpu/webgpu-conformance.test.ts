/**
 * webgpu-f32 against the float64 reference: the shared conformance suite (engine/testing). On
 * machines without a GPU it runs on SwiftShader; without any adapter every case is skipped with
 * the reason printed.
 */
import { describeConformance } from '../../testing/conformance.js';
import { makeTestBackend } from './node-test-device.js';

// Both kernel families run here: SwiftShader gets the barrier-free 'cpu-emulation' kernels by
// default, and the workgroup-tiled 'gpu' kernels are forced so they are checked on every machine.
for (const profile of ['cpu-emulation', 'gpu'] as const) {
  describeConformance(
    `webgpu-f32 (${profile} kernels)`,
    () =>
      makeTestBackend({
        profile,
        // A validation error would otherwise only reach the console: make it fail the run.
        onError: (e) => {
          throw e;
        },
      }),
    { timeout: 120_000 },
  );
}
