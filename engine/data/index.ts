/**
 * engine/data: datasets for the training session. Built-in generators, loaders for CSV/TSV/
 * text, JSON, .npy and MNIST IDX (plain or gzipped), column choice, one-hot labels,
 * normalisation recorded for export, and typed errors that say where the input is wrong.
 * Browser-safe: file-system helpers live in ./node-files.ts and are not exported here.
 */
export { DatasetError, isDatasetError, type DatasetErrorCode, type DatasetErrorLocation } from './errors.js';
export {
  DEFAULT_LIMITS,
  type DatasetLimits,
  type DatasetMeta,
  type LabeledDataset,
  type ParseOptions,
  type Progress,
  type TaskKind,
} from './types.js';
export type { Table, TableColumn, CellIssue } from './table.js';
export { resolveColumn } from './table.js';
export {
  DelimitedTextParser,
  parseDelimited,
  parseDelimitedStream,
  sniffDelimiter,
  type Delimiter,
  type DelimitedOptions,
} from './parsers/delimited.js';
export { parseJsonTable } from './parsers/json.js';
export { parseIdx, encodeIdx, isIdx, type IdxArray, type IdxType } from './parsers/idx.js';
export { parseNpy, encodeNpy, isNpy, type NpyArray } from './parsers/npy.js';
export { gunzip, isGzip } from './parsers/gzip.js';
export { arraysToDataset, arrayToTable, type NdArray, type PairOptions } from './arrays.js';
export {
  prepareDataset,
  checkProbabilityRows,
  checkTargetsForLoss,
  compareLabels,
  type ColumnRef,
  type PrepareOptions,
} from './prepare.js';
export {
  applyPreprocessing,
  applyTransform,
  fitTransform,
  invertTransform,
  normalizeDataset,
  parsePreprocessing,
  type ColumnTransform,
  type NormalizationMethod,
  type NormalizeOptions,
  type Preprocessing,
} from './preprocessing.js';
export {
  detectFormat,
  loadArray,
  loadArrayPair,
  loadDataset,
  loadTable,
  type ArrayFile,
  type FileFormat,
  type LoadOptions,
} from './load.js';
export {
  BUILTIN_DATASETS,
  builtinInfo,
  builtinNames,
  generateBuiltin,
  resolveParams,
  type BuiltinInfo,
  type BuiltinParams,
  type GeneratedBuiltin,
  type ParamSpec,
} from './registry.js';
export { formatDelimited, formatJson, type FormatOptions } from './utils.js';
export { chunksOf, loadDatasetStream, loadTableStream, type ByteSource } from './stream.js';
export { summarizeDataset, type ColumnSummary, type DatasetSummary } from './summary.js';
export { cleanTable, isMissing, DEFAULT_ONE_HOT_CAP, type CleanOptions, type CleanSummary, type MissingTreatment } from './clean.js';
export { findIdxPairs, labelNamesFor, looksLikeIdxImages } from './idx-pair.js';
