/**
 * What the data module hands to the rest of the engine: the training session's `Dataset`
 * (X n×p0, Y n×pL) plus the metadata the dashboard, the CLI and the weights export need.
 */
import type { Matrix } from '../core/matrix.js';

/** What a training session trains on: one sample per row (FORMATS.md). */
export interface Dataset {
  readonly X: Matrix; // n × p_0
  readonly Y: Matrix; // n × p_L
}

export type TaskKind = 'regression' | 'classification';

/**
 * The loader options a user chooses (CLI flags `--task`, `--delimiter`, `--header`,
 * `--skip-lines`, `--encoding`; the Data view's controls). 'auto' lets the loader decide, and
 * what it decided comes back in `DatasetMeta.inferred`.
 */
export type TaskChoice = 'auto' | TaskKind;
export type HeaderChoice = 'auto' | 'yes' | 'no';
export type EncodingChoice = 'auto' | 'utf-8' | 'latin1' | 'windows-1252';
/** Field separators of delimited text; 'whitespace' is runs of spaces/tabs (numpy.loadtxt). */
export type Delimiter = ',' | '\t' | ';' | '|' | 'whitespace';
export type DelimiterChoice = 'auto' | Delimiter;

/** What the loader found or decided: shown before/after loading so nothing is silently guessed. */
export interface LoadInference {
  readonly format: 'text' | 'json' | 'npy' | 'idx' | 'arrays' | 'matrices';
  /** Delimited text only. */
  readonly delimiter?: Delimiter;
  readonly header?: 'yes' | 'no';
  /** A scikit-learn counts line (`150,4,setosa,versicolor,virginica`) was read as the header. */
  readonly countsHeader?: { readonly rows: number; readonly features: number; readonly classes: readonly string[] };
  readonly encoding?: 'utf-8' | 'windows-1252';
  readonly skippedLines?: number;
  readonly task: TaskKind;
  /** Why that task, in words ("the label column "y" holds 3 distinct integers in 150 rows"). */
  readonly taskReason: string;
  /** Things the user should know (a fallback encoding, a byte-order mark, a column treated as an identifier). */
  readonly notices: readonly string[];
  /** Missing values dropped or filled and text columns one-hot encoded (engine/data/clean.ts), when asked for. */
  readonly cleaning?: {
    readonly droppedRows: number;
    readonly filled: readonly { readonly column: string; readonly count: number; readonly value: number; readonly how: string }[];
    readonly encoded: readonly { readonly column: string; readonly categories: readonly string[] }[];
  };
}

/** Normalisation records (engine/data/preprocessing.ts fits and applies them). */
export type NormalizationMethod = 'standardize' | 'min-max';

export interface ColumnTransform {
  /** standardize: offset = mean, scale = population std; min-max: offset = min, scale = max − min (→ [0, 1]). */
  readonly method: NormalizationMethod;
  readonly names: readonly string[];
  readonly offset: readonly number[];
  /** Never 0: a constant column gets scale 1, so it maps to 0 instead of dividing by zero. */
  readonly scale: readonly number[];
}

export interface Preprocessing {
  readonly version: 1;
  /** Apply to raw inputs before the network: x' = (x − offset) / scale. */
  readonly inputs: ColumnTransform | null;
  /** The network predicts normalised targets; raw prediction y = y' · scale + offset. */
  readonly outputs: ColumnTransform | null;
}


export interface DatasetMeta {
  /** A built-in's name or the file it came from. */
  readonly name: string;
  readonly task: TaskKind;
  /** One per column of X. */
  readonly featureNames: readonly string[];
  /** One per column of Y; for classification these are the class names. */
  readonly targetNames: readonly string[];
  /** Classification only: class k is one-hot column k. Null for regression. */
  readonly classNames: readonly string[] | null;
  /** How X (and for regression possibly Y) was normalised; null when raw. */
  readonly preprocessing: Preprocessing | null;
  /** For image sets: X rows are row-major images of this size (the dashboard can draw them). */
  readonly image?: { readonly width: number; readonly height: number };
  /** How a file was read (delimiter, header, encoding, task and why); absent for built-ins. */
  readonly inferred?: LoadInference;
}

export interface LabeledDataset extends Dataset {
  readonly meta: DatasetMeta;
}

/**
 * Limits that turn a file too big for memory into a clear error instead of a crash. Each is
 * checked before the memory it guards is allocated. The CLI raises them with flags
 * (docs/cli.md); over the engine protocol they are the engine's and cannot be raised.
 */
export interface DatasetLimits {
  /** Bytes of input (after gunzip). */
  readonly maxBytes: number;
  /** rows × columns of the parsed table or array. */
  readonly maxCells: number;
  /** Columns of a table (fields on a line, the width of an array). */
  readonly maxColumns: number;
  /** Distinct class labels of a classification target (each becomes a one-hot column). */
  readonly maxClasses: number;
  /** Nesting depth of a JSON dataset. */
  readonly maxDepth: number;
  /** Decompressed ÷ compressed size of gzip data, judged past 16 MiB of output (decompression bombs). */
  readonly maxExpansion: number;
}

export const DEFAULT_LIMITS: DatasetLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxCells: 64_000_000, // 512 MB as float64: MNIST's 60 000 × 784 training images fit
  maxColumns: 100_000,
  maxClasses: 1_000,
  maxDepth: 64,
  maxExpansion: 200,
};

export interface Progress {
  readonly bytesDone: number;
  /** Null when the total is not known (a stream without a length). */
  readonly bytesTotal: number | null;
}

/** Options every parser takes. */
export interface ParseOptions {
  /** Used in error messages. */
  readonly fileName?: string;
  readonly limits?: Partial<DatasetLimits>;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export function resolveLimits(l: Partial<DatasetLimits> | undefined): DatasetLimits {
  return { ...DEFAULT_LIMITS, ...(l ?? {}) };
}
