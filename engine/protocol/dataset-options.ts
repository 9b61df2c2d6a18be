/**
 * The loader options a dashboard may send with a `load-dataset` file source, validated before
 * they reach engine/data: a wrong type is a clear error with its key path, never a TypeError
 * deep in a parser. The memory limits (maxBytes, maxColumns, …) are deliberately not here: they
 * are the engine's, and a caller cannot raise them or make them negative over the protocol.
 */
import { z } from 'zod';
import type { LoadOptions } from '../data/load.js';
import { LOSSES } from '../model/spec.js';

const columnRef = z.union([z.string().min(1).max(1000), z.number().int().min(-1_000_000).max(1_000_000)]);
const normalization = z.enum(['standardize', 'min-max', 'none']);

export const datasetLoadOptionsSchema = z.strictObject({
  format: z.enum(['auto', 'text', 'json', 'npy', 'idx']).optional(),
  task: z.enum(['auto', 'classification', 'regression']).optional(),
  delimiter: z.enum(['auto', ',', '\t', ';', '|', 'whitespace']).optional(),
  /** true/false are the older spelling of 'yes'/'no'. */
  header: z.union([z.enum(['auto', 'yes', 'no']), z.boolean()]).optional(),
  skipLines: z.number().int().min(0).max(1_000_000).optional(),
  encoding: z.enum(['auto', 'utf-8', 'latin1', 'windows-1252']).optional(),
  comment: z.string().min(1).max(8).nullable().optional(),
  features: z.array(columnRef).max(100_000).optional(),
  targets: z.array(columnRef).min(1).max(100_000).optional(),
  classes: z.array(z.string().max(1000)).min(2).max(100_000).optional(),
  normalize: normalization.optional(),
  normalizeTargets: normalization.optional(),
  loss: z.enum(LOSSES).optional(),
  name: z.string().min(1).max(256).optional(),
});

export type DatasetLoadOptions = z.infer<typeof datasetLoadOptionsSchema>;

/**
 * Checks `raw` (a command's `options`) and returns loader options; throws a RangeError naming the
 * first bad key (`options.skipLines: …`). `limits` gets its own message: they are not the caller's.
 */
export function parseDatasetLoadOptions(raw: unknown): LoadOptions {
  if (raw !== null && typeof raw === 'object' && 'limits' in raw) {
    throw new RangeError("options.limits: the engine's memory limits cannot be set over the protocol");
  }
  const parsed = datasetLoadOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['options', ...issue.path.map(String)].join('.');
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new RangeError(`${path}: ${issue.message}${keys}`);
  }
  return parsed.data as LoadOptions;
}
