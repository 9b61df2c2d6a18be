/**
 * The `.bplens` session file (docs/formats.md): a zip of manifest.json and safetensors blobs that
 * reopens a debugging session exactly. Pure TypeScript (bytes in, bytes out); file access lives in
 * node-session-files.ts (CLI) and the app's own services.
 */
export { SessionFileError } from './errors.js';
export { MANIFEST_ENTRY, SESSION_FORMAT, SESSION_VERSION, decodeManifest } from './manifest.js';
export type { SessionManifest, HistoryStepInfo, DatasetIdentity } from './manifest.js';
export type {
  LossPoint,
  SessionContents,
  SessionDataset,
  SessionHistoryStep,
  SessionState,
  SessionTrainingSettings,
} from './types.js';
export type { BlobTensor, Precision } from './container.js';
export { SESSION_ZIP_LIMITS, sha256Hex } from './container.js';
export { SessionRecorder, encodeSession, datasetBlob, historyEntryName } from './write.js';
export type { SessionEnd, SessionHeader } from './write.js';
export { decodeSession, readSessionManifest } from './read.js';
export type { DecodedSession, SessionReadOptions } from './read.js';
export { captureSession, openSession } from './live-session.js';
export type { CaptureInfo, OpenOptions } from './live-session.js';
export { minimalRepro } from './repro.js';
export type { ReproRequest } from './repro.js';
export { installSessionState } from './live-session.js';
export { checkDatasetIdentity } from './live-session.js';
