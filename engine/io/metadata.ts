/**
 * The optional keys of a weights file (FORMATS.md): `preprocessing`, `training`, `dataset`,
 * `createdWith`. Their known fields are typed and checked; fields this build does not know are
 * kept as they are, so a newer file read and written again loses nothing.
 */
import { z } from 'zod';
import { FormatError, type PathSegment, describeValue } from './format-error.js';
import { type JsonObject, type JsonValue, expectObject } from './decode.js';

const count = z.number().int().min(0);

export const trainingInfoSchema = z.looseObject({
  steps: count.optional(),
  epochs: count.optional(),
  /** "adam", "sgd", or the full optimizer config object. */
  optimizer: z.union([z.string(), z.looseObject({ kind: z.string() })]).optional(),
  learningRate: z.number().positive().optional(),
  batchSize: z.union([z.number().int().min(1), z.literal('full')]).optional(),
  seed: z.number().int().optional(),
  /** The training loss after the last step. */
  finalLoss: z.number().optional(),
  finalValidationLoss: z.number().nullable().optional(),
  backend: z.string().optional(),
  seconds: z.number().min(0).optional(),
});

export const datasetInfoSchema = z.looseObject({
  name: z.string().optional(),
  /** Column names of X, in order. */
  features: z.array(z.string()).optional(),
  /** Column names of Y (class names for classification), in order. */
  targets: z.array(z.string()).optional(),
  samples: count.optional(),
});

export const createdWithSchema = z.union([
  z.string(),
  z.looseObject({ name: z.string().optional(), version: z.string().optional() }),
]);

export type TrainingInfo = z.output<typeof trainingInfoSchema>;
export type DatasetInfo = z.output<typeof datasetInfoSchema>;
export type CreatedWith = z.output<typeof createdWithSchema>;

/** Runs a zod schema and turns its first issue into a FormatError with the full key path. */
export function decodeWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  at: readonly PathSegment[],
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...at, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  throw new FormatError(issueReason(issue), path);
}

function issueReason(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue ? describeValue(issue.input) : 'something else';
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number'
        ? `expected a finite number, got ${got}`
        : `expected ${article(issue.expected)}, got ${got}`;
    case 'too_small':
      return `expected ${issue.origin === 'number' ? 'a number' : issue.origin} ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}, got ${got}`;
    case 'too_big':
      return `expected ${issue.origin === 'number' ? 'a number' : issue.origin} ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}, got ${got}`;
    case 'invalid_union':
      return `unexpected value ${got}`;
    default:
      return `${issue.message}, got ${got}`;
  }
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/**
 * An arbitrary JSON subtree (preprocessing, unknown keys): kept as is, but a non-finite number
 * anywhere in it is still an error, as everywhere in these files.
 */
export function expectFiniteJson(value: unknown, at: readonly PathSegment[]): JsonValue {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FormatError(`expected a finite number, got ${describeValue(value)}`, at);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expectFiniteJson(v, [...at, i]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) expectFiniteJson(v, [...at, k]);
  } else if (value !== null && typeof value !== 'string' && typeof value !== 'boolean') {
    throw new FormatError(`expected a JSON value, got ${describeValue(value)}`, at);
  }
  return value as JsonValue;
}

export function decodePreprocessing(value: unknown, at: readonly PathSegment[]): JsonObject {
  expectObject(value, at);
  return expectFiniteJson(value, at) as JsonObject;
}
