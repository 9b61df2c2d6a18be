/**
 * ONNX export of a dense network (onnx.proto, IR version 8, opset 13): one Gemm per layer
 * (`H_i = A_i W_i + b_i`, W_i stored as FORMATS.md has it, fan-in × fan-out, so transB = 0),
 * followed by its activation node (Tanh, Sigmoid, Relu, Softmax on the last axis; nothing for
 * identity). Parameters are float32 initializers (ONNX Runtime's CPU kernels are float32), so a
 * forward pass matches ours within float32 rounding. The model and loss travel in
 * `metadata_props["backprop-lens.model"]`, so importing the file gives back the same spec.
 *
 * Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, …).
 */
import type { Activation } from '../../model/spec.js';
import type { WeightsFile } from '../weights-file.js';
import { ProtoWriter } from './protobuf.js';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;
export const ONNX_MODEL_METADATA_KEY = 'backprop-lens.model';
const FLOAT = 1;
const ATTR_INT = 2;

export const ONNX_ACTIVATION_OPS: Readonly<Record<Exclude<Activation, 'identity'>, string>> = {
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  softmax: 'Softmax',
};

function tensorFloat32(name: string, dims: readonly number[], values: ArrayLike<number>): Uint8Array {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k]!, true);
  const w = new ProtoWriter();
  for (const d of dims) w.varint(1, d); // dims
  w.varint(2, FLOAT); // data_type
  w.string(8, name); // name
  w.bytes(9, raw); // raw_data: little-endian IEEE 754
  return w.finish();
}

/** ValueInfoProto of a float tensor [batch, width] with a symbolic batch dimension. */
function valueInfo(name: string, width: number): Uint8Array {
  const batchDim = new ProtoWriter().string(2, 'batch').finish(); // dim_param
  const widthDim = new ProtoWriter().varint(1, width).finish(); // dim_value
  const shape = new ProtoWriter().bytes(1, batchDim).bytes(1, widthDim).finish();
  const tensorType = new ProtoWriter().varint(1, FLOAT).bytes(2, shape).finish(); // elem_type, shape
  const type = new ProtoWriter().bytes(1, tensorType).finish(); // tensor_type
  return new ProtoWriter().string(1, name).bytes(2, type).finish();
}

function node(
  opType: string,
  name: string,
  inputs: readonly string[],
  output: string,
  intAttrs: Record<string, number> = {},
): Uint8Array {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  w.string(2, output);
  w.string(3, name);
  w.string(4, opType);
  for (const [key, value] of Object.entries(intAttrs)) {
    w.bytes(5, new ProtoWriter().string(1, key).varint(3, value).varint(20, ATTR_INT).finish());
  }
  return w.finish();
}

/** The `.onnx` bytes of a weights file. */
export function encodeOnnx(weights: WeightsFile, producerVersion = ''): Uint8Array {
  const { model, parameters } = weights;
  const graph = new ProtoWriter();
  const widths = [model.inputSize, ...model.layers.map((l) => l.units)];
  let current = 'input';
  const L = model.layers.length;
  model.layers.forEach((layer, i) => {
    const last = i === L - 1;
    const hasActivation = layer.activation !== 'identity';
    const h = last && !hasActivation ? 'output' : `H${i}`;
    graph.bytes(1, node('Gemm', `layer${i}.gemm`, [current, `W${i}`, `b${i}`], h));
    current = h;
    if (hasActivation) {
      const a = last ? 'output' : `A${i + 1}`;
      const attrs: Record<string, number> = layer.activation === 'softmax' ? { axis: -1 } : {};
      graph.bytes(1, node(ONNX_ACTIVATION_OPS[layer.activation], `layer${i}.${layer.activation}`, [current], a, attrs));
      current = a;
    }
  });
  graph.string(2, 'backprop-lens-mlp');
  model.layers.forEach((_, i) => {
    const W = parameters.W[i]!;
    graph.bytes(5, tensorFloat32(`W${i}`, [W.rows, W.cols], W.data));
    const b = parameters.b[i]!;
    graph.bytes(5, tensorFloat32(`b${i}`, [b.cols], b.data));
  });
  graph.bytes(11, valueInfo('input', widths[0]!));
  graph.bytes(12, valueInfo('output', widths[L]!));

  const modelJson = JSON.stringify({ inputSize: model.inputSize, layers: model.layers, loss: model.loss });
  const out = new ProtoWriter();
  out.varint(1, ONNX_IR_VERSION);
  out.string(2, 'backprop-lens');
  if (producerVersion) out.string(3, producerVersion);
  out.string(6, `Dense network exported by Backprop Lens (loss: ${model.loss}; the loss is not part of the graph).`);
  out.bytes(7, graph.finish());
  out.bytes(8, new ProtoWriter().string(1, '').varint(2, ONNX_OPSET).finish()); // opset_import
  out.bytes(14, new ProtoWriter().string(1, ONNX_MODEL_METADATA_KEY).string(2, modelJson).finish());
  return out.finish();
}
