/**
 * The attach protocol's messages (the JSON headers of wire frames), version ATTACH_PROTOCOL_VERSION.
 * Client → app messages are validated with zod (they come from outside); app → client messages are
 * built here and typed. docs/formats.md ("Attach wire protocol") is the prose contract.
 */
import { z } from 'zod';
import { ACTIVATIONS, LOSSES } from '../model/spec.js';
import { WireError } from './wire.js';

export const ATTACH_PROTOCOL_VERSION = 1;

/** Longest string field (names, hosts) and most entries of any list a client may send. */
const MAX_STRING = 256;
const MAX_ITEMS = 4096;
const MAX_DIM = 1 << 24;

const name = z.string().min(1).max(MAX_STRING);
const dim = z.number().int().min(0).max(MAX_DIM);
/** JSON has no NaN/Infinity: clients send them as these strings. */
const wireNumber = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

export function fromWireNumber(x: z.infer<typeof wireNumber>): number {
  return typeof x === 'number' ? x : x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : -Infinity;
}

const sequentialModel = z.strictObject({
  kind: z.literal('sequential'),
  inputSize: z.number().int().min(1).max(MAX_DIM),
  layers: z
    .array(z.strictObject({ units: z.number().int().min(1).max(MAX_DIM), activation: z.enum(ACTIVATIONS) }))
    .min(1)
    .max(256),
  /** The loss, when the client recognised the user's loss function; null otherwise. */
  loss: z.enum(LOSSES).nullable(),
});

const modulesModel = z.strictObject({
  kind: z.literal('modules'),
  modules: z
    .array(z.strictObject({ name: z.string().max(MAX_STRING), type: name, parameters: z.number().int().min(0) }))
    .max(MAX_ITEMS),
});

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.number().int(),
  token: z.string().max(MAX_STRING),
  pid: z.number().int().min(0),
  host: z.string().max(MAX_STRING),
  /** Client versions, for the badge and the recording. */
  client: z.strictObject({ python: z.string().max(64), torch: z.string().max(64), package: z.string().max(64) }),
  model: z.discriminatedUnion('kind', [sequentialModel, modulesModel]),
});

export const TENSOR_NAMES = ['A', 'H', 'G', 'W', 'b', 'dW', 'db', 'dX'] as const;
export type TensorName = (typeof TENSOR_NAMES)[number];

const tensorRef = z.strictObject({
  name: z.enum(TENSOR_NAMES),
  /** FORMATS subscript: A_i (0…L), H_i/G_i/W_i/b_i/dW_i/db_i (0…L-1); 0 for dX. */
  index: z.number().int().min(0).max(1024),
  rows: dim,
  cols: dim,
  /** The full tensor's shape when the client decimated it (max magnitude per block, NaN wins). */
  sourceRows: dim,
  sourceCols: dim,
  /** Byte offset of its rows × cols float32 values in the payload (a multiple of 4). */
  offset: z.number().int().min(0),
  /**
   * Of the full tensor, computed by the client when it sends a decimated one (so layer statistics
   * stay exact): Frobenius norm and range of the finite values, the non-finite count, and for a
   * layer's output A_{i+1} the saturated fraction (tanh/sigmoid, derivative < 0.01) or the dead
   * fraction (relu, units 0 for every sample).
   */
  summary: z
    .strictObject({
      norm: wireNumber,
      min: wireNumber.nullable(),
      max: wireNumber.nullable(),
      nonFinite: z.number().int().min(0),
      saturated: z.number().min(0).max(1).nullable().optional(),
      dead: z.number().min(0).max(1).nullable().optional(),
    })
    .optional(),
});

const moduleStats = z.strictObject({
  name: z.string().max(MAX_STRING),
  type: name,
  outNorm: wireNumber,
  outMin: wireNumber.nullable(),
  outMax: wireNumber.nullable(),
  outNonFinite: z.number().int().min(0),
  /** Fraction of outputs in a flat region of a tanh/sigmoid-like module; null for others. */
  saturated: z.number().min(0).max(1).nullable(),
  /** Fraction of output features that are 0 for every sample. */
  dead: z.number().min(0).max(1).nullable(),
  gradNorm: wireNumber.nullable(),
  gradNonFinite: z.number().int().min(0),
  weightNorm: wireNumber.nullable(),
});
export type ModuleStats = z.infer<typeof moduleStats>;

/** One of the tensors of the module the app asked for (Needs.module), 2-D: output samples × features, parameters and gradients. */
const moduleTensorRef = z.strictObject({
  module: name,
  /** "output", a parameter's name ("weight"), or its gradient ("weight.grad"). */
  label: name,
  rows: dim,
  cols: dim,
  sourceRows: dim,
  sourceCols: dim,
  offset: z.number().int().min(0),
});
export type ModuleTensorRef = z.infer<typeof moduleTensorRef>;

export const stepSchema = z.strictObject({
  type: z.literal('step'),
  /** 1 for the first lens.step() call; increases by one per call (steps may be skipped, never repeated). */
  step: z.number().int().min(1),
  loss: wireNumber,
  tensors: z.array(tensorRef).max(MAX_ITEMS),
  modules: z.array(moduleStats).max(MAX_ITEMS).optional(),
  moduleTensors: z.array(moduleTensorRef).max(64).optional(),
});

/** Losses of steps sent without tensors, batched: [step, loss] in increasing step order. */
export const lossesSchema = z.strictObject({
  type: z.literal('losses'),
  points: z
    .array(z.tuple([z.number().int().min(1), wireNumber]))
    .min(1)
    .max(MAX_ITEMS),
});

/**
 * The watched module's tensors for the step the loop is held at (paused): sent when the app asks
 * for a module (needs.module) while the client waits in lens.step, so a paused run answers at once.
 */
export const moduleTensorsSchema = z.strictObject({
  type: z.literal('module-tensors'),
  step: z.number().int().min(1),
  moduleTensors: z.array(moduleTensorRef).max(64),
});

export const byeSchema = z.strictObject({ type: z.literal('bye') });

export type HelloMessage = z.infer<typeof helloSchema>;
export type StepMessage = z.infer<typeof stepSchema>;
export type AttachedModel = HelloMessage['model'];
export type SequentialModel = z.infer<typeof sequentialModel>;
export type LossesMessage = z.infer<typeof lossesSchema>;
export type ModuleTensorsMessage = z.infer<typeof moduleTensorsSchema>;
export type ClientMessage = HelloMessage | StepMessage | LossesMessage | ModuleTensorsMessage | z.infer<typeof byeSchema>;

const clientSchema = z.discriminatedUnion('type', [helloSchema, stepSchema, lossesSchema, moduleTensorsSchema, byeSchema]);

/** Validates one client header; throws WireError naming the key path of the first problem. */
export function parseClientMessage(header: unknown): ClientMessage {
  const parsed = clientSchema.safeParse(header);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.length ? issue.path.join('.') : '(message)';
  const type =
    typeof header === 'object' && header !== null && 'type' in header
      ? String((header as { type: unknown }).type)
      : '?';
  throw new WireError(`malformed "${type.slice(0, 32)}" message at ${path}: ${issue.message}`);
}

/** What the app's views need, and how the client should pace and hold (app → client). */
export interface Needs {
  readonly type: 'needs';
  /** Full steps (with tensors) per second at most; other steps send their loss only. */
  readonly rate: number;
  /** Decimate each tensor to at most maxSize × maxSize on the client; 0 = full resolution. */
  readonly maxSize: number;
  readonly tensors: readonly TensorName[];
  /** Wait for the app's verdict (ack) after every full step: breakpoints are armed. */
  readonly hold: boolean;
  /** Send a full step whenever the loss or a gradient is not finite (a non-finite breakpoint is armed). */
  readonly watchNonFinite: boolean;
  /** A "modules" model: send this module's full tensors (output, parameters, gradients) with each full step; null: none. */
  readonly module: string | null;
}

export type ControlAction = 'pause' | 'continue' | 'step';

export type ServerMessage =
  | { readonly type: 'welcome'; readonly protocol: number; readonly needs: Needs }
  | Needs
  /** The app has taken step `step`; hold: stay in lens.step until a continue or step control. */
  | { readonly type: 'ack'; readonly step: number; readonly hold: boolean; readonly reason: string | null }
  | { readonly type: 'control'; readonly action: ControlAction }
  | { readonly type: 'error'; readonly message: string };
