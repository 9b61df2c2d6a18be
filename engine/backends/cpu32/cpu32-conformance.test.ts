import { describeConformance } from '../../testing/conformance.js';
import { Cpu32Backend } from './cpu32-backend.js';
import { jsKernels } from './kernels.js';
import { wasmSimdKernels, wasmSimdSupported } from './kernels-wasm.js';

describeConformance('cpu-f32 (js kernels)', async () => new Cpu32Backend(jsKernels()));

describeConformance('cpu-f32 (wasm-simd kernels)', async () => {
  if (!wasmSimdSupported()) return { skip: 'this Node has no WebAssembly SIMD' };
  return new Cpu32Backend(await wasmSimdKernels());
});
