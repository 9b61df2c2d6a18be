/**
 * Resources of the command line's machine, and output paths: an output must never be one of the command's own inputs
 * (`grad -w w.json --out w.json` would replace the weights with gradients).
 */
import { totalmem } from 'node:os';
import { sameFile } from '../io/node-atomic-write.js';
import { DEFAULT_MEMORY_LIMITS, type MemoryLimits } from '../model/memory-estimate.js';
import { writeWeightsAnyFormat } from '../io/interop/node-weight-files.js';
import { serializeWeights, type WeightsFile } from '../io/weights-file.js';
import type { CliIo } from './cli-io.js';
import { packageVersion } from './version.js';
import { UsageError } from './errors.js';
import { displayPath, resolvePath } from './paths.js';

export interface NamedPath {
  /** The flag that named it, e.g. `--weights`, or a description such as `the dataset`. */
  readonly flag: string;
  readonly path: string;
}

/**
 * Refuses `output` when it is the same file as one of `inputs` after following links (hard links
 * too). `-` (standard output) is never an input.
 */
export async function refuseOutputOverInput(
  io: CliIo,
  command: string,
  output: NamedPath,
  inputs: readonly (NamedPath | null | undefined)[],
): Promise<void> {
  if (output.path === '-') return;
  for (const input of inputs) {
    if (!input || input.path === '-') continue;
    if (await sameFile(resolvePath(io, output.path), resolvePath(io, input.path))) {
      throw new UsageError(
        `${output.flag} ${displayPath(io, output.path)} is the same file as ${input.flag} ${displayPath(io, input.path)}: writing it would destroy that input; choose another output file`,
        command,
      );
    }
  }
}

/** A training run may use up to three quarters of this machine's memory (at least the engine's default). */
export function cliMemoryLimits(): MemoryLimits {
  return {
    ...DEFAULT_MEMORY_LIMITS,
    maxTotalBytes: Math.max(DEFAULT_MEMORY_LIMITS.maxTotalBytes, Math.floor(0.75 * totalmem())),
  };
}

/**
 * Writes exported weights: `-` is standard output (the weights file as JSON, so it pipes into
 * `jq` or another command), anything else a file in the format its extension names, atomically.
 */
export async function writeWeightsExport(io: CliIo, path: string, w: WeightsFile): Promise<void> {
  if (path === '-') {
    io.stdout.write(serializeWeights(w));
    return;
  }
  await writeWeightsAnyFormat(resolvePath(io, path), w, displayPath(io, path), { producerVersion: packageVersion() });
}
