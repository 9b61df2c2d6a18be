/**
 * Whether a batch fits a model: the check `grad` and `gradcheck` make before any math, so a
 * mismatch between two files is reported as such, naming the key and both sizes.
 */
import type { ModelSpec } from '../model/spec.js';
import { probabilityRowIssue } from '../model/losses.js';
import { FormatError } from './format-error.js';
import type { BatchFile } from './batch-file.js';

/** Throws a FormatError on `X`, `Y` or `Y[i]` when the batch cannot be fed to the model. */
export function checkBatchFitsModel(model: ModelSpec, batch: BatchFile, weightsName = 'the weights'): void {
  const pL = model.layers[model.layers.length - 1]!.units;
  if (batch.X.cols !== model.inputSize) {
    throw new FormatError(
      `has ${batch.X.cols} column${batch.X.cols === 1 ? '' : 's'} but model.inputSize in ${weightsName} is ${model.inputSize}`,
      ['X'],
    );
  }
  if (batch.Y.cols !== pL) {
    throw new FormatError(
      `has ${batch.Y.cols} column${batch.Y.cols === 1 ? '' : 's'} but the output layer in ${weightsName} has ${pL} unit${pL === 1 ? '' : 's'}`,
      ['Y'],
    );
  }
  if (model.loss === 'cross-entropy') checkProbabilityRows(batch);
}

/** Cross-entropy targets are one-hot or probabilities: each row ≥ 0 and summing to 1 (FORMATS.md). */
function checkProbabilityRows(batch: BatchFile): void {
  const issue = probabilityRowIssue(batch.Y);
  if (issue?.kind === 'negative')
    throw new FormatError(`cross-entropy targets must be ≥ 0, got ${issue.value}`, ['Y', issue.row, issue.col]);
  if (issue?.kind === 'sum') {
    throw new FormatError(
      `cross-entropy targets must sum to 1 in each row (one-hot or probabilities), this row sums to ${issue.sum}`,
      ['Y', issue.row],
    );
  }
}
