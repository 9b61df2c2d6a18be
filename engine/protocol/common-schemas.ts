/**
 * Zod schemas for the shapes that commands share with the engine's own types (model spec,
 * optimizer, breakpoints). Each schema is checked for exact equality with the engine type at
 * compile time (schema-types.test.ts), so the protocol cannot drift from engine/train/types.ts.
 */
import { z } from 'zod';
import { ACTIVATIONS, LOSSES } from '../model/spec.js';
import { BACKEND_NAMES } from '../backends/backend.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const nonNegative = finite.refine((x) => x >= 0, 'must be ≥ 0');
const layerIndex = z.number().int().min(0).max(1023);
const fraction01 = finite.refine((x) => x >= 0 && x <= 1, 'must be in [0, 1]');

export const finiteNumber = finite;
export const positiveNumber = positive;

export const backendNameSchema = z.enum(BACKEND_NAMES);

export const modelSpecSchema = z.strictObject({
  inputSize: z.number().int().min(1).max(1_000_000),
  layers: z
    .array(z.strictObject({ units: z.number().int().min(1).max(1_000_000), activation: z.enum(ACTIVATIONS) }))
    .min(1)
    .max(256),
  loss: z.enum(LOSSES),
});

export const optimizerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sgd'),
    lr: positive,
    momentum: nonNegative.default(0),
    weightDecay: nonNegative.default(0),
  }),
  z.strictObject({
    kind: z.literal('adam'),
    lr: positive,
    beta1: fraction01.default(0.9),
    beta2: fraction01.default(0.999),
    eps: positive.default(1e-8),
    weightDecay: nonNegative.default(0),
  }),
]);

export const breakpointSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('non-finite') }),
  z.strictObject({ kind: z.literal('vanishing'), layer: layerIndex.optional(), threshold: nonNegative }),
  z.strictObject({ kind: z.literal('exploding'), layer: layerIndex.optional(), threshold: positive }),
  z.strictObject({ kind: z.literal('saturation'), layer: layerIndex.optional(), fraction: fraction01 }),
  z.strictObject({ kind: z.literal('dead-relu'), layer: layerIndex.optional(), fraction: fraction01 }),
  z.strictObject({
    kind: z.literal('loss-spike'),
    factor: positive.refine((x) => x > 1, 'must be > 1'),
    /** Past steps the mean is taken over (the session keeps the last 100 000 losses). */
    window: z.number().int().min(1).max(100_000).optional(),
  }),
]);

/** A matrix as sent over the port: a typed array (transferred) or plain nested-free numbers. */
export const numericDataSchema = z.union([z.instanceof(Float64Array), z.instanceof(Float32Array), z.array(z.number())]);

export const matrixInputSchema = z
  .strictObject({ rows: z.number().int().min(0), cols: z.number().int().min(0), data: numericDataSchema })
  .refine((m) => m.data.length === m.rows * m.cols, { message: 'data length must equal rows × cols', path: ['data'] });

// That each schema produces exactly the engine's type (optional keys included) is checked by
// schema-types.test.ts, which the typecheck (npx vue-tsc -b) compiles with the engine.
