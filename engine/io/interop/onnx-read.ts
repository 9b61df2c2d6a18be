/**
 * ONNX import of the subset onnx-write.ts writes and PyTorch's exporter produces for an
 * nn.Sequential MLP: a chain of Gemm (or MatMul + Add) layers, each optionally followed by Tanh,
 * Sigmoid, Relu or Identity, with Softmax allowed at the end and Flatten before the first layer.
 * Anything else (convolutions, branches, external data, other element types) is refused with a
 * FormatError that names the node or tensor, says what it is, and what Backprop Lens can read.
 */
import { type Matrix, matrix } from '../../core/matrix.js';
import {
  type Activation,
  type LayerSpec,
  LOSSES,
  type LossKind,
  type ModelSpec,
  validateModelSpec,
} from '../../model/spec.js';
import { FormatError, type PathSegment } from '../format-error.js';
import type { WeightsFile } from '../weights-file.js';
import { ONNX_MODEL_METADATA_KEY } from './onnx-write.js';
import {
  type ProtoField,
  ProtobufError,
  WIRE_BYTES,
  WIRE_FIXED32,
  asFloat32,
  asInt64,
  asText,
  int64List,
  readFields,
} from './protobuf.js';

const FLOAT = 1;
const DOUBLE = 11;
/** Largest tensor read (elements): far above any network the debugger can show. */
const MAX_TENSOR_ELEMENTS = 1 << 26;

const SUPPORTED =
  'Backprop Lens reads dense networks: Gemm or MatMul+Add layers with Tanh, Sigmoid, Relu or Identity after them, Softmax at the end, Flatten first';

export interface OnnxImport {
  readonly weights: WeightsFile;
  /** What the reader had to assume (e.g. the loss, which ONNX graphs do not hold). */
  readonly notes: readonly string[];
}

interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

interface OnnxNode {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints: ReadonlyMap<string, number>;
  readonly floats: ReadonlyMap<string, number>;
}

const fieldsOf = (list: readonly ProtoField[], n: number): ProtoField[] => list.filter((f) => f.field === n);
const first = (list: readonly ProtoField[], n: number): ProtoField | undefined => list.find((f) => f.field === n);

function sub(f: ProtoField, at: readonly PathSegment[]): ProtoField[] {
  if (f.wire !== WIRE_BYTES || !f.bytes) throw new FormatError('expected a nested message', at);
  return readFields(f.bytes, f.offset);
}

function readTensor(f: ProtoField, at: readonly PathSegment[]): { name: string; tensor: Tensor } {
  const fields = sub(f, at);
  const name = asText(first(fields, 8) ?? { field: 8, wire: WIRE_BYTES, bytes: new Uint8Array(), offset: f.offset });
  const where = [...at.slice(0, -1), name || String(at.at(-1))];
  const dims = int64List(fieldsOf(fields, 1));
  const type = first(fields, 2) ? asInt64(first(fields, 2)!) : 0;
  const location = first(fields, 14);
  if (location && asInt64(location) === 1)
    throw new FormatError('keeps its data in an external file; export with the weights inside the .onnx file', where);
  if (dims.some((d) => d < 0)) throw new FormatError(`has a negative dimension (${dims.join('×')})`, where);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_TENSOR_ELEMENTS)
    throw new FormatError(`holds ${count} values, over the limit of ${MAX_TENSOR_ELEMENTS}`, where);
  if (type !== FLOAT && type !== DOUBLE)
    throw new FormatError(`has element type ${type}; only float (1) and double (11) weights can be read`, where);
  const data = new Float64Array(count);
  const raw = first(fields, 9);
  const size = type === FLOAT ? 4 : 8;
  if (raw?.bytes) {
    if (raw.bytes.length !== count * size)
      throw new FormatError(
        `raw_data has ${raw.bytes.length} bytes, ${dims.join('×')} ${type === FLOAT ? 'floats' : 'doubles'} need ${count * size}`,
        where,
      );
    const view = new DataView(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.length);
    for (let k = 0; k < count; k++) data[k] = size === 4 ? view.getFloat32(k * 4, true) : view.getFloat64(k * 8, true);
  } else {
    const values: number[] = [];
    for (const v of fieldsOf(fields, type === FLOAT ? 4 : 10)) {
      if (v.wire === WIRE_FIXED32 && type === FLOAT) values.push(asFloat32(v));
      else if (v.wire === WIRE_BYTES && v.bytes && v.bytes.length % size === 0) {
        const view = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.length);
        for (let k = 0; k < v.bytes.length; k += size)
          values.push(size === 4 ? view.getFloat32(k, true) : view.getFloat64(k, true));
      } else if (v.wire === 1 && type === DOUBLE && v.bytes)
        values.push(new DataView(v.bytes.buffer, v.bytes.byteOffset, 8).getFloat64(0, true));
      else throw new FormatError('has malformed data', where);
    }
    if (values.length !== count)
      throw new FormatError(`holds ${values.length} values, ${dims.join('×')} needs ${count}`, where);
    data.set(values);
  }
  for (let k = 0; k < count; k++)
    if (!Number.isFinite(data[k]!))
      throw new FormatError(`holds a non-finite value (${data[k]}) at flat index ${k}`, where);
  return { name, tensor: { dims, data } };
}

function readNode(f: ProtoField, index: number): OnnxNode {
  const at = ['graph', 'node', index];
  const fields = sub(f, at);
  const ints = new Map<string, number>();
  const floats = new Map<string, number>();
  for (const a of fieldsOf(fields, 5)) {
    const attr = sub(a, at);
    const name = first(attr, 1) ? asText(first(attr, 1)!) : '';
    const i = first(attr, 3);
    const fl = first(attr, 2);
    if (i) ints.set(name, asInt64(i));
    if (fl) floats.set(name, asFloat32(fl));
  }
  return {
    index,
    name: first(fields, 3) ? asText(first(fields, 3)!) : '',
    opType: first(fields, 4) ? asText(first(fields, 4)!) : '',
    domain: first(fields, 7) ? asText(first(fields, 7)!) : '',
    inputs: fieldsOf(fields, 1).map(asText),
    outputs: fieldsOf(fields, 2).map(asText),
    ints,
    floats,
  };
}

const ACTIVATION_OF_OP: Readonly<Record<string, Activation>> = {
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
  Relu: 'relu',
  Softmax: 'softmax',
  Identity: 'identity',
};

/** Parses `.onnx` bytes into a weights file; throws FormatError (file name added by the caller). */
export function decodeOnnx(bytes: Uint8Array): OnnxImport {
  try {
    return decodeModelProto(bytes);
  } catch (e) {
    if (e instanceof ProtobufError) throw new FormatError(`not a readable ONNX file: ${e.message}`);
    throw e;
  }
}

function decodeModelProto(bytes: Uint8Array): OnnxImport {
  const model = readFields(bytes);
  const graphField = first(model, 7);
  if (!graphField) throw new FormatError('not an ONNX model: it has no graph (ModelProto field 7)');
  const opset = fieldsOf(model, 8)
    .map((f) => sub(f, ['opset_import']))
    .find((o) => !first(o, 1) || ['', 'ai.onnx'].includes(asText(first(o, 1)!)));
  const opsetVersion = opset && first(opset, 2) ? asInt64(first(opset, 2)!) : 13;
  const metadata = new Map<string, string>();
  for (const m of fieldsOf(model, 14)) {
    const kv = sub(m, ['metadata_props']);
    metadata.set(first(kv, 1) ? asText(first(kv, 1)!) : '', first(kv, 2) ? asText(first(kv, 2)!) : '');
  }

  const graph = sub(graphField, ['graph']);
  if (first(graph, 15)) throw new FormatError('sparse initializers cannot be read', ['graph', 'sparse_initializer']);
  const initializers = new Map<string, Tensor>();
  fieldsOf(graph, 5).forEach((f, k) => {
    const { name, tensor } = readTensor(f, ['graph', 'initializer', k]);
    initializers.set(name, tensor);
  });
  const valueName = (f: ProtoField, at: PathSegment[]): string => {
    const n = first(sub(f, at), 1);
    return n ? asText(n) : '';
  };
  const inputs = fieldsOf(graph, 11)
    .map((f, k) => valueName(f, ['graph', 'input', k]))
    .filter((n) => !initializers.has(n));
  const outputs = fieldsOf(graph, 12).map((f, k) => valueName(f, ['graph', 'output', k]));
  if (inputs.length !== 1)
    throw new FormatError(
      `the graph has ${inputs.length} data inputs (${inputs.join(', ') || 'none'}); a dense network has exactly one`,
      ['graph', 'input'],
    );
  if (outputs.length !== 1)
    throw new FormatError(`the graph has ${outputs.length} outputs; a dense network has exactly one`, [
      'graph',
      'output',
    ]);
  const nodes = fieldsOf(graph, 1).map(readNode);
  return buildModel(nodes, initializers, inputs[0]!, outputs[0]!, opsetVersion, metadata);
}

function describeNode(n: OnnxNode): string {
  return `${n.opType || '(no op type)'} node${n.name ? ` '${n.name}'` : ''}`;
}

function buildModel(
  nodes: readonly OnnxNode[],
  initializers: ReadonlyMap<string, Tensor>,
  inputName: string,
  outputName: string,
  opsetVersion: number,
  metadata: ReadonlyMap<string, string>,
): OnnxImport {
  const layers: { W: Matrix; b: Matrix; activation: Activation | null }[] = [];
  let current = inputName;
  const param = (n: OnnxNode, name: string | undefined, what: string): Tensor => {
    const t = name === undefined ? undefined : initializers.get(name);
    if (!t)
      throw new FormatError(
        `${describeNode(n)}: its ${what} ('${name ?? ''}') is not a constant weight tensor (graph initializer)`,
        ['graph', 'node', n.index],
      );
    return t;
  };
  const addLayer = (n: OnnxNode, B: Tensor, transB: boolean, C: Tensor | null): void => {
    const at = ['graph', 'node', n.index];
    if (B.dims.length !== 2)
      throw new FormatError(`${describeNode(n)}: the weight matrix has shape [${B.dims.join(', ')}], expected 2-D`, at);
    const [r, c] = B.dims as [number, number];
    const fanIn = transB ? c : r;
    const fanOut = transB ? r : c;
    const W = matrix(fanIn, fanOut);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) W.data[transB ? j * fanOut + i : i * fanOut + j] = B.data[i * c + j]!;
    const prev = layers.at(-1);
    if (prev && prev.W.cols !== fanIn)
      throw new FormatError(`${describeNode(n)}: takes ${fanIn} inputs but the layer before gives ${prev.W.cols}`, at);
    const b = matrix(1, fanOut);
    if (C) {
      const size = C.dims.reduce((a, d) => a * d, 1);
      if (size === fanOut) b.data.set(C.data);
      else if (size === 1) b.data.fill(C.data[0]!);
      else
        throw new FormatError(
          `${describeNode(n)}: the bias has shape [${C.dims.join(', ')}], expected [${fanOut}]`,
          at,
        );
    }
    layers.push({ W, b, activation: null });
  };

  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    const at = ['graph', 'node', n.index];
    if (n.domain !== '' && n.domain !== 'ai.onnx')
      throw new FormatError(
        `${describeNode(n)} is from the operator domain '${n.domain}', which cannot be read. ${SUPPORTED}.`,
        at,
      );
    if (n.inputs[0] !== current || n.outputs.length !== 1)
      throw new FormatError(
        `${describeNode(n)} does not continue the chain from '${current}'. ${SUPPORTED}, one after the other.`,
        at,
      );
    switch (n.opType) {
      case 'Gemm': {
        const alpha = n.floats.get('alpha') ?? 1;
        const beta = n.floats.get('beta') ?? 1;
        if (alpha !== 1 || beta !== 1 || (n.ints.get('transA') ?? 0) !== 0)
          throw new FormatError(`${describeNode(n)}: only alpha = 1, beta = 1 and transA = 0 can be read`, at);
        addLayer(
          n,
          param(n, n.inputs[1], 'weight'),
          (n.ints.get('transB') ?? 0) === 1,
          n.inputs[2] ? param(n, n.inputs[2], 'bias') : null,
        );
        break;
      }
      case 'MatMul': {
        const add = nodes[k + 1];
        const mm = n.outputs[0]!;
        if (!add || add.opType !== 'Add' || !add.inputs.includes(mm) || add.inputs.length !== 2)
          throw new FormatError(`${describeNode(n)} is not followed by the Add of its bias. ${SUPPORTED}.`, at);
        const biasName = add.inputs[0] === mm ? add.inputs[1] : add.inputs[0];
        addLayer(n, param(n, n.inputs[1], 'weight'), false, param(add, biasName, 'bias'));
        current = add.outputs[0]!;
        k++;
        continue;
      }
      case 'Flatten':
        if (layers.length > 0 || (n.ints.get('axis') ?? 1) !== 1)
          throw new FormatError(`${describeNode(n)}: Flatten (axis 1) can only come before the first layer`, at);
        break;
      default: {
        const activation = ACTIVATION_OF_OP[n.opType];
        if (activation === undefined)
          throw new FormatError(`${describeNode(n)}: the operator ${n.opType} cannot be read. ${SUPPORTED}.`, at);
        const last = layers.at(-1);
        if (activation === 'identity') break;
        if (!last || last.activation !== null)
          throw new FormatError(
            `${describeNode(n)} does not follow a Gemm/MatMul layer (two activations in a row, or one before the first layer)`,
            at,
          );
        if (activation === 'softmax') {
          const axis = n.ints.get('axis') ?? (opsetVersion >= 13 ? -1 : 1);
          if (axis !== -1 && axis !== 1)
            throw new FormatError(
              `${describeNode(n)}: Softmax over axis ${axis}; only the last axis (-1 or 1) can be read`,
              at,
            );
          if (k !== nodes.length - 1)
            throw new FormatError(`${describeNode(n)}: Softmax can only be the last node`, at);
        }
        last.activation = activation;
      }
    }
    current = n.outputs[0]!;
  }
  if (layers.length === 0)
    throw new FormatError(`the graph has no Gemm or MatMul layer. ${SUPPORTED}.`, ['graph', 'node']);
  if (current !== outputName)
    throw new FormatError(`the chain of nodes ends in '${current}', but the graph's output is '${outputName}'`, [
      'graph',
      'output',
    ]);

  const specLayers: LayerSpec[] = layers.map((l) => ({ units: l.W.cols, activation: l.activation ?? 'identity' }));
  const notes: string[] = [];
  const loss = chooseLoss(specLayers, metadata, notes);
  const spec: ModelSpec = { inputSize: layers[0]!.W.rows, layers: specLayers, loss };
  try {
    validateModelSpec(spec);
  } catch (e) {
    throw new FormatError(`the network cannot be used here: ${(e as Error).message}`, ['graph']);
  }
  return { weights: { model: spec, parameters: { W: layers.map((l) => l.W), b: layers.map((l) => l.b) } }, notes };
}

/** ONNX graphs hold no loss: take ours from the metadata we write, or infer it from the output. */
function chooseLoss(layers: readonly LayerSpec[], metadata: ReadonlyMap<string, string>, notes: string[]): LossKind {
  const softmax = layers.at(-1)!.activation === 'softmax';
  const saved = metadata.get(ONNX_MODEL_METADATA_KEY);
  if (saved !== undefined) {
    try {
      const parsed = JSON.parse(saved) as { loss?: unknown };
      if ((LOSSES as readonly unknown[]).includes(parsed.loss)) return parsed.loss as LossKind;
    } catch {
      // Not ours after all: fall through to the inferred loss.
    }
  }
  const loss: LossKind = softmax ? 'cross-entropy' : 'mse';
  notes.push(`the ONNX file does not say which loss was used; assumed ${loss}${softmax ? ' (softmax output)' : ''}`);
  return loss;
}
