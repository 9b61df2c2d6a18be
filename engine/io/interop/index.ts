/** Weight interop (docs/formats.md): numpy .npz, PyTorch safetensors, ONNX; pickles refused. */
export {
  WEIGHT_FORMATS,
  PickleRefusedError,
  decodeWeightsAs,
  encodeWeightsAs,
  weightFormatOf,
} from './weight-formats.js';
export type { EncodeOptions, WeightFormat, WeightsImport } from './weight-formats.js';
export type { WeightsHint } from './array-weights.js';
export { sequentialIndices } from './array-weights.js';
export { pytorchSnippet, PICKLE_CONVERSION } from './pytorch-snippet.js';
export { decodeOnnx } from './onnx-read.js';
export { encodeOnnx } from './onnx-write.js';
