/**
 * Turns a `load-dataset` source into the engine's LabeledDataset: built-in generators and file
 * parsing come from engine/data; pre-parsed matrices are checked here.
 */
import { generateBuiltin, loadArrayPair, loadDataset, loadDatasetStream } from '../data/index.js';
import { yieldToEvents } from './yield.js';
import type { LoadOptions } from '../data/index.js';
import type { LabeledDataset } from '../data/types.js';
import type { DatasetSource } from '../protocol/commands.js';

export interface DatasetProgress {
  readonly done: number;
  readonly total: number;
}

export type DatasetProvider = (
  source: DatasetSource,
  onProgress: (p: DatasetProgress) => void,
) => Promise<LabeledDataset>;

const float64 = (d: Float64Array | Float32Array | number[]): Float64Array =>
  d instanceof Float64Array ? d : Float64Array.from(d);

function names(given: readonly string[] | undefined, count: number, prefix: string, field: string): string[] {
  if (given === undefined) return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  if (given.length !== count)
    throw new RangeError(`source.${field}: has ${given.length} name(s) for ${count} column(s)`);
  return [...given];
}

function fromMatrices(source: Extract<DatasetSource, { kind: 'matrices' }>): LabeledDataset {
  const { X, Y } = source;
  if (X.rows !== Y.rows)
    throw new RangeError(`source.Y: has ${Y.rows} row(s) but X has ${X.rows}: one target row per sample`);
  if (X.rows < 1) throw new RangeError('source.X: the dataset needs at least one sample (row)');
  const x = float64(X.data);
  const y = float64(Y.data);
  for (const [m, label, cols] of [
    [x, 'X', X.cols],
    [y, 'Y', Y.cols],
  ] as const) {
    const k = m.findIndex((v) => !Number.isFinite(v));
    if (k >= 0)
      throw new RangeError(`source.${label}[${Math.floor(k / cols)}][${k % cols}]: ${m[k]} is not a finite number`);
  }
  const classNames = source.classNames ?? null;
  if (classNames && classNames.length !== Y.cols)
    throw new RangeError(`source.classNames: has ${classNames.length} name(s) for ${Y.cols} target column(s)`);
  return {
    X: { rows: X.rows, cols: X.cols, data: x },
    Y: { rows: Y.rows, cols: Y.cols, data: y },
    meta: {
      name: source.name,
      task: classNames ? 'classification' : 'regression',
      featureNames: names(source.featureNames, X.cols, 'x', 'featureNames'),
      targetNames: classNames ? [...classNames] : names(source.targetNames, Y.cols, 'y', 'targetNames'),
      classNames: classNames ? [...classNames] : null,
      preprocessing: null,
    },
  };
}

/** Files above this are parsed in 1 MiB slices with a turn of the event loop between them. */
const SLICED_ABOVE = 4 * 2 ** 20;
const SLICE = 2 ** 20;

/**
 * The bytes in slices, yielding between them: a big file loads while the engine still answers
 * pings and takes a pause (which cancels the load through the progress callback).
 */
async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += SLICE) {
    yield bytes.subarray(at, Math.min(bytes.length, at + SLICE));
    await yieldToEvents();
  }
}

export const defaultDatasetProvider: DatasetProvider = async (source, onProgress) => {
  switch (source.kind) {
    case 'builtin':
      return generateBuiltin(source.name, source.params).train;
    case 'matrices':
      return fromMatrices(source);
    case 'file': {
      const total = source.bytes.byteLength;
      // The caller's options are schema-checked (loadOptionsSchema): no limits, no normalisation.
      const options: LoadOptions = {
        ...source.options,
        fileName: source.fileName,
        onProgress: (p) => onProgress({ done: p.bytesDone, total: p.bytesTotal ?? total }),
      };
      if (total > SLICED_ABOVE) return loadDatasetStream(slices(source.bytes), total, options);
      return loadDataset(source.bytes, options);
    }
    case 'idx-pair': {
      const total = source.images.bytes.byteLength + source.labels.bytes.byteLength;
      onProgress({ done: 0, total });
      const ds = loadArrayPair(source.images, source.labels, {
        ...source.options,
        name: source.options.name ?? source.images.fileName,
      });
      onProgress({ done: total, total });
      return ds;
    }
  }
};
