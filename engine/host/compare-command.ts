/**
 * The `compare` command: the user's arrays (file bytes) against the float64 reference, with the
 * weights file they give or the session's current model and parameters, and the batch they give.
 */
import { compareArrays, parseMapOption, type NamedArray } from '../compare/index.js';
import { readArraysFile } from '../compare/read-arrays.js';
import { checkBatchFitsModel } from '../io/compat.js';
import { parseBatch } from '../io/batch-file.js';
import { parseWeights } from '../io/weights-file.js';
import { FormatError } from '../io/format-error.js';
import type { Matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import type { ParameterSet } from '../train/types.js';
import type { CommandOf } from '../protocol/commands.js';
import type { CompareQuantityValues, EventBody } from '../protocol/events.js';
import { InvalidStateError } from './errors.js';

export async function runCompare(
  c: CommandOf<'compare'>,
  current: (() => Promise<{ model: ModelSpec; parameters: ParameterSet }>) | null,
): Promise<EventBody<'compare-result'>> {
  let model: ModelSpec;
  let parameters: ParameterSet;
  if (c.weights !== undefined) {
    const w = named(() => parseWeights(c.weights!), 'weights');
    model = w.model;
    parameters = w.parameters;
  } else {
    if (!current) throw new InvalidStateError('compare: give a weights file, or configure a model to compare against its current weights');
    ({ model, parameters } = await current());
  }
  const batch = named(() => parseBatch(c.batch), 'batch');
  named(() => checkBatchFitsModel(model, batch), 'batch');
  const arrays: NamedArray[] = c.arrays.flatMap((f) => readArraysFile(f.bytes, f.name));
  const { report, values } = await compareArrays({
    model,
    parameters,
    X: batch.X,
    Y: batch.Y,
    arrays,
    options: {
      ...(c.layout !== undefined ? { layout: c.layout } : {}),
      ...(c.base !== undefined ? { base: c.base } : {}),
      ...(c.map !== undefined ? { map: parseMapOption(c.map) } : {}),
    },
  });
  const plain = (m: Matrix): { rows: number; cols: number; data: Float64Array } => ({ rows: m.rows, cols: m.cols, data: m.data.slice() });
  const out: CompareQuantityValues[] = report.quantities.map((q) => {
    const v = values.get(q.name)!;
    const theirs = v.theirs ? plain(v.theirs) : null;
    const difference = theirs
      ? { rows: theirs.rows, cols: theirs.cols, data: theirs.data.map((x, k) => x - v.reference.data[k]!) }
      : null;
    return { name: q.name, theirs, reference: plain(v.reference), difference };
  });
  return { type: 'compare-result', report, values: out };
}

/** A FormatError from the weights or batch text, with which file it was in. */
function named<T>(read: () => T, file: string): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ file });
    throw e;
  }
}
