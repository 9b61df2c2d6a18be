/**
 * Array containers from other tools: .npz (numpy), .safetensors (PyTorch, Hugging Face) and the
 * guarded zip reader under both (also used for .bplens sessions). Pure TypeScript: bytes in,
 * arrays out; reading files from disk is the caller's business.
 */
export { ArrayFileError } from './errors.js';
export type { ArrayFileLocation } from './errors.js';
export type { NamedArray } from './types.js';
export { DEFAULT_ZIP_LIMITS, isZip, readZipEntries, writeZip } from './zip.js';
export type { ZipEntry, ZipLimits, ZipReadOptions, ZipWriteEntry } from './zip.js';
export { readNpz, writeNpz } from './npz.js';
export type { NpzReadOptions, NpzWriteArray } from './npz.js';
export { DEFAULT_MAX_HEADER_BYTES, readSafetensors, writeSafetensors } from './safetensors.js';
export type { SafetensorsFile, SafetensorsReadOptions, SafetensorsWriteArray } from './safetensors.js';
