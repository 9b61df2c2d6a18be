/**
 * engine/protocol: the versioned message protocol between the engine host and the dashboard.
 * Pure types, schemas and helpers: safe to import from the dashboard (no Session, no backends).
 * The engine side that executes commands lives in engine/host (import it separately).
 */
export * from './version.js';
export * from './commands.js';
export * from './events.js';
export * from './matrix-payload.js';
export * from './parse.js';
export * from './endpoint.js';
export type { LoadInference } from '../data/types.js';
export {
  modelSpecSchema,
  optimizerSchema,
  breakpointSchema,
  matrixInputSchema,
  backendNameSchema,
} from './common-schemas.js';
export type { BreakpointCondition, BreakpointHit, LayerStats, OpRef, OpKind, OptimizerConfig } from '../train/types.js';
export type { ModelSpec, LayerSpec, Activation, LossKind } from '../model/spec.js';
export type { BackendName } from '../backends/backend.js';
export type {
  CompareReport,
  Diagnosis,
  DiagnosisCode,
  QuantityReport,
  QuantityStatus,
  QuantityKind,
  Verdict,
} from '../compare/types.js';
export * from './app-contract.js';
export * from './typed-json.js';
