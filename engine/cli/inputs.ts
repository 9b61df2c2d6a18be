/** Loading the weights + batch pair that `grad` and `gradcheck` work on, checked against each other. */
import { FormatError } from '../io/format-error.js';
import { checkBatchFitsModel } from '../io/compat.js';
import { claimedKind } from '../io/envelope.js';
import { type BatchFile, type WeightsFile } from '../io/index.js';
import { readBatchFile, readTextFile, readWeightsFile } from '../io/node-files.js';
import type { OptionSpec } from './args.js';
import type { CliIo } from './cli-io.js';
import { displayPath, resolvePath } from './paths.js';

/** The `--weights` and `--data` options of the commands that work on a weights + batch pair. */
export const WEIGHTS_AND_BATCH_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'weights',
    short: 'w',
    type: 'string',
    value: 'FILE',
    description: 'Weights file (backprop-lens/weights).',
    required: true,
  },
  {
    name: 'data',
    short: 'd',
    type: 'string',
    value: 'FILE',
    description: 'Batch file with X and Y (backprop-lens/batch).',
    required: true,
  },
];

export interface WeightsAndBatch {
  readonly weights: WeightsFile;
  readonly batch: BatchFile;
  readonly weightsName: string;
  readonly batchName: string;
}

export async function loadWeightsAndBatch(io: CliIo, weightsArg: string, batchArg: string): Promise<WeightsAndBatch> {
  const weightsName = displayPath(io, weightsArg);
  const batchName = displayPath(io, batchArg);
  const weights = await readWeightsFile(resolvePath(io, weightsArg), weightsName);
  const batch = await readBatchFile(resolvePath(io, batchArg), batchName).catch(async (e: unknown) => {
    throw await explainNotABatch(e, resolvePath(io, batchArg), batchName);
  });
  try {
    checkBatchFitsModel(weights.model, batch, weightsName);
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ file: batchName });
    throw e;
  }
  return { weights, batch, weightsName, batchName };
}

/**
 * People will pass a dataset (CSV, or JSON without a format key) as --data; the bare
 * "format: missing" would not tell them what a batch file is.
 */
async function explainNotABatch(e: unknown, file: string, name: string): Promise<unknown> {
  if (!(e instanceof FormatError) || e.path !== 'format') return e;
  let claimed: string | null = null;
  try {
    claimed = claimedKind(JSON.parse(await readTextFile(file)));
  } catch {
    claimed = null;
  }
  if (claimed !== null) return e;
  return new FormatError(
    `${e.reason}. --data takes a batch file ({"format": "backprop-lens/batch", "version": 1, "X": [[...]], "Y": [[...]]}, see docs/formats.md)`,
    e.segments,
    { file: name, location: e.location },
  );
}
