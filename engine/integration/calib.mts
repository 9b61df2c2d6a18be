import { readFileSync } from 'node:fs';
import { parseWeights } from '../io/index.js';
import { generateBuiltin } from '../data/index.js';
import { gradcheck } from '../gradcheck/gradcheck.js';
import { createCpu32Backend } from '../backends/cpu32/index.js';
import { makeTestBackend } from '../backends/webgpu/node-test-device.js';
const w = parseWeights(readFileSync('examples/xsin4pix/weights.json', 'utf8'));
const { train } = generateBuiltin('xsin', { n: 100, testN: 1000, seed: 1 });
for (const mk of [() => createCpu32Backend({ kernels: 'js' }), () => createCpu32Backend(), () => makeTestBackend()]) {
  const be = await mk();
  if ('skip' in be) continue;
  const r = await gradcheck(w.model, w.parameters, train.X, train.Y, { backend: be });
  console.log(be.name, r.passed, r.layers.map((l) => l.maxRelError.toExponential(1)).join(' '));
  be.dispose();
}
process.exit(0);
