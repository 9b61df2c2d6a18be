/**
 * Public API of engine/io: browser-safe codecs for the files of FORMATS.md (text ⇄ typed
 * objects, validated). The Node-only atomic file helpers are in node-files.ts and are not
 * exported here, so the browser entry never reaches `node:fs`.
 */
export { FormatError, formatPath, describeValue } from './format-error.js';
export type { PathSegment, SourceLocation } from './format-error.js';
export type { JsonObject, JsonValue } from './decode.js';
export { FORMAT_IDS, LATEST_VERSION, claimedKind } from './envelope.js';
export type { FileKind, FormatId } from './envelope.js';
export { parseJsonText, locatePath } from './json-text.js';
export { jsonChunks, toJsonText } from './json-writer.js';
export type { CreatedWith, DatasetInfo, TrainingInfo } from './metadata.js';
export { decodeWeights, encodeWeights, parseWeights, serializeWeights, weightsChunks } from './weights-file.js';
export type { WeightsFile } from './weights-file.js';
export { batchChunks, decodeBatch, encodeBatch, parseBatch, serializeBatch } from './batch-file.js';
export type { BatchFile } from './batch-file.js';
export {
  decodeGradients,
  encodeGradients,
  gradientsChunks,
  parseGradients,
  serializeGradients,
} from './gradients-file.js';
export type { GradientLayer, GradientsFile } from './gradients-file.js';
export { decodeAnyFile, isBackpropLensDocument, parseAnyFile } from './any-file.js';
export type { AnyFile } from './any-file.js';
export { checkBatchFitsModel } from './compat.js';
export {
  ArrayFileError,
  isZip,
  readNpz,
  readSafetensors,
  readZipEntries,
  writeNpz,
  writeSafetensors,
  writeZip,
} from './arrays/index.js';
export type { NamedArray, ZipEntry, ZipLimits } from './arrays/index.js';
