/**
 * Turning a validated step message and its payload into matrices, with every tensor checked against
 * the model the client announced (names, subscripts, shapes, payload bounds) before it is used.
 */
import type { Matrix } from '../core/matrix.js';
import type { AttachedModel, ModuleStats, ModuleTensorRef, StepMessage, TensorName } from './messages.js';
import { fromWireNumber } from './messages.js';
import { WireError } from './wire.js';

export interface TensorSummary {
  readonly norm: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly nonFinite: number;
  readonly saturated: number | null;
  readonly dead: number | null;
}

export interface ReceivedTensor {
  readonly name: TensorName;
  readonly index: number;
  readonly matrix: Matrix<Float32Array>;
  readonly sourceRows: number;
  readonly sourceCols: number;
  /** The client's summary of the full tensor (sent with decimated tensors); null otherwise. */
  readonly summary: TensorSummary | null;
}

export interface ReceivedStep {
  readonly step: number;
  readonly loss: number;
  /** Keyed "H_0", "dW_1", "A_2", "dX_0" … */
  readonly tensors: ReadonlyMap<string, ReceivedTensor>;
  readonly modules: readonly ModuleStats[];
  /** The watched module's tensors (Needs.module), checked against the announced modules. */
  readonly moduleTensors: readonly ReceivedModuleTensor[];
}

export interface ReceivedModuleTensor {
  readonly module: string;
  readonly label: string;
  readonly matrix: Matrix<Float32Array>;
  readonly sourceRows: number;
  readonly sourceCols: number;
}

export const tensorKey = (name: string, index: number): string => `${name}_${index}`;

/** The full shape FORMATS gives tensor `name`_`index` of a sequential model, or null if it has none. */
export function expectedShape(
  model: AttachedModel,
  name: TensorName,
  index: number,
  batchRows: number | null,
): { rows: number | null; cols: number } | null {
  if (model.kind !== 'sequential') return null;
  const sizes = [model.inputSize, ...model.layers.map((l) => l.units)];
  const L = model.layers.length;
  const n = batchRows; // sample count: the first batch-shaped tensor fixes it
  switch (name) {
    case 'A':
      return index <= L ? { rows: n, cols: sizes[index]! } : null;
    case 'dX':
      return index === 0 ? { rows: n, cols: sizes[0]! } : null;
    case 'H':
    case 'G':
      return index < L ? { rows: n, cols: sizes[index + 1]! } : null;
    case 'W':
    case 'dW':
      return index < L ? { rows: sizes[index]!, cols: sizes[index + 1]! } : null;
    case 'b':
    case 'db':
      return index < L ? { rows: 1, cols: sizes[index + 1]! } : null;
  }
}

export function decodeStep(msg: StepMessage, payload: Uint8Array, model: AttachedModel): ReceivedStep {
  const tensors = new Map<string, ReceivedTensor>();
  let batchRows: number | null = null;
  msg.tensors.forEach((t, k) => {
    const at = `step ${msg.step}: tensors[${k}] (${t.name}_${t.index})`;
    const key = tensorKey(t.name, t.index);
    if (tensors.has(key)) throw new WireError(`${at}: sent twice`);
    if (model.kind !== 'sequential')
      throw new WireError(`${at}: a "modules" model sends statistics, not FORMATS tensors`);
    const shape = expectedShape(model, t.name, t.index, batchRows);
    if (!shape) throw new WireError(`${at}: the ${model.layers.length}-layer model has no such tensor`);
    if (shape.rows === null && ['A', 'H', 'G', 'dX'].includes(t.name)) batchRows = t.sourceRows;
    const rows = shape.rows ?? t.sourceRows;
    if (t.sourceRows !== rows || t.sourceCols !== shape.cols)
      throw new WireError(`${at}: shape ${t.sourceRows}×${t.sourceCols}, the model says ${rows}×${shape.cols}`);
    if (t.rows > t.sourceRows || t.cols > t.sourceCols || (t.rows === 0) !== (t.sourceRows === 0))
      throw new WireError(`${at}: decimated shape ${t.rows}×${t.cols} does not fit ${t.sourceRows}×${t.sourceCols}`);
    const bytes = t.rows * t.cols * 4;
    if (t.offset % 4 !== 0 || t.offset + bytes > payload.length)
      throw new WireError(
        `${at}: bytes ${t.offset}…${t.offset + bytes} are outside the ${payload.length}-byte payload`,
      );
    // Copy: the payload's offset in its buffer need not be float32-aligned, and frames are reused.
    const data = new Float32Array(t.rows * t.cols);
    new Uint8Array(data.buffer).set(payload.subarray(t.offset, t.offset + bytes));
    tensors.set(key, {
      name: t.name,
      index: t.index,
      matrix: { rows: t.rows, cols: t.cols, data },
      sourceRows: t.sourceRows,
      sourceCols: t.sourceCols,
      summary: t.summary
        ? {
            norm: fromWireNumber(t.summary.norm),
            min: t.summary.min === null ? null : fromWireNumber(t.summary.min),
            max: t.summary.max === null ? null : fromWireNumber(t.summary.max),
            nonFinite: t.summary.nonFinite,
            saturated: t.summary.saturated ?? null,
            dead: t.summary.dead ?? null,
          }
        : null,
    });
  });
  const moduleTensors = decodeModuleTensors(msg.step, msg.moduleTensors ?? [], payload, model);
  return { step: msg.step, loss: fromWireNumber(msg.loss), tensors, modules: msg.modules ?? [], moduleTensors };
}

/** The watched module's tensors of a step, checked against the announced modules and the payload. */
export function decodeModuleTensors(
  step: number,
  refs: readonly ModuleTensorRef[],
  payload: Uint8Array,
  model: AttachedModel,
): ReceivedModuleTensor[] {
  return refs.map((t, k) => {
    const at = `step ${step}: moduleTensors[${k}] (${t.module} ${t.label})`;
    if (model.kind !== 'modules') throw new WireError(`${at}: only a "modules" model sends module tensors`);
    if (!model.modules.some((m) => m.name === t.module)) throw new WireError(`${at}: the model announced no such module`);
    if (t.rows > t.sourceRows || t.cols > t.sourceCols || (t.rows === 0) !== (t.sourceRows === 0))
      throw new WireError(`${at}: decimated shape ${t.rows}×${t.cols} does not fit ${t.sourceRows}×${t.sourceCols}`);
    return {
      module: t.module,
      label: t.label,
      matrix: copyOut(payload, t.offset, t.rows, t.cols, at),
      sourceRows: t.sourceRows,
      sourceCols: t.sourceCols,
    };
  });
}

/** rows × cols float32 values at `offset` of the payload, bounds-checked and copied (alignment). */
function copyOut(payload: Uint8Array, offset: number, rows: number, cols: number, at: string): Matrix<Float32Array> {
  const bytes = rows * cols * 4;
  if (offset % 4 !== 0 || offset + bytes > payload.length)
    throw new WireError(`${at}: bytes ${offset}…${offset + bytes} are outside the ${payload.length}-byte payload`);
  const data = new Float32Array(rows * cols);
  new Uint8Array(data.buffer).set(payload.subarray(offset, offset + bytes));
  return { rows, cols, data };
}

/** A tensor sent at full resolution (breakpoint norms and recordings need every cell). */
export const isFull = (t: ReceivedTensor): boolean => t.matrix.rows === t.sourceRows && t.matrix.cols === t.sourceCols;
