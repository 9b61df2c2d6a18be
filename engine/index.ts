/**
 * The engine's public, browser-safe entry: what the dashboard, the engine host and scripts may
 * import. Node-only pieces (file system, dawn.node) are reached through their own `node-*.ts`
 * modules and engine/cli, never from here.
 */
export * from './core/matrix.js';
export * from './core/rng.js';
export * from './model/spec.js';
export * from './model/memory-estimate.js';
export * from './model/activations.js';
export * from './model/losses.js';
export * from './backends/index.js';
export * from './train/index.js';
export * from './telemetry/index.js';
export * from './gradcheck/index.js';
export * from './io/index.js';
export * from './data/index.js';
export * from './graph/index.js';
// Both the training session and graph mode name their operation kinds OpKind; the session's wins.
export type { OpKind } from './train/index.js';
export type { OpKind as GraphOpKind } from './graph/index.js';
