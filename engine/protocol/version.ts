/**
 * The protocol's version. Every message carries it as `v`; the engine rejects messages of another
 * version with an `unsupported-version` error, so a stale dashboard (or a stale engine after an
 * update) fails loudly instead of misreading fields. Bump it on any incompatible change and keep
 * docs/protocol.md in step.
 */
export const PROTOCOL_VERSION = 1 as const;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

/** Default telemetry frame rate (frames per second) and the allowed range. */
export const DEFAULT_FRAME_RATE = 20;
export const MAX_FRAME_RATE = 120;

/** Matrices are decimated to at most this many rows and columns for streaming. */
export const DEFAULT_MAX_STREAM_SIZE = 256;

/** Frames the engine may have in flight (sent, not yet acknowledged) before it drops new ones. */
export const DEFAULT_FRAME_WINDOW = 2;

/**
 * Streaming frames may take at most this fraction of the engine's time (frame building is
 * measured): where frames are expensive the rate drops below the configured one rather than
 * training slowing down. `set-telemetry {budget}` changes it (1 = always the full rate).
 */
export const DEFAULT_TELEMETRY_BUDGET = 0.08;
/** Steps a second the engine records (stats + history entry) while running; set-telemetry `recordRate`. */
export const DEFAULT_RECORD_RATE = 20;
export const MAX_RECORD_RATE = 1000;
