/**
 * The flags that say how to read a data file (`train`, `info`): the loader options of
 * engine/data (task, delimiter, header, skipLines, encoding, missing, oneHot) and its memory limits. Kept apart
 * from the commands so both take the same flags with the same checks and help.
 */
import type { MissingTreatment } from '../data/clean.js';
import type { LoadOptions } from '../data/load.js';
import {
  DEFAULT_LIMITS,
  type DatasetLimits,
  type DelimiterChoice,
  type EncodingChoice,
  type HeaderChoice,
  type TaskChoice,
} from '../data/types.js';
import { type OptionSpec, type ParsedArgs, choiceOption, integerOption, list, str } from './args.js';
import { UsageError } from './errors.js';

const TASKS = ['auto', 'classification', 'regression'] as const satisfies readonly TaskChoice[];
const HEADERS = ['auto', 'yes', 'no'] as const satisfies readonly HeaderChoice[];
const ENCODINGS = ['auto', 'utf-8', 'latin1', 'windows-1252'] as const satisfies readonly EncodingChoice[];
/** What --delimiter accepts: the character itself or its name. */
const DELIMITERS: Readonly<Record<string, DelimiterChoice>> = {
  auto: 'auto',
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '|': '|',
  pipe: '|',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
  ' ': 'whitespace',
  space: 'whitespace',
  whitespace: 'whitespace',
};

const mib = (bytes: number): string => `${bytes / 2 ** 20} MiB`;

/** How to read a data file. */
export const DATA_READ_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'labels',
    type: 'string',
    value: 'FILE',
    description:
      "The labels IDX file of an IDX images file (MNIST's two files). Default: found beside the images (train-images-idx3-ubyte → train-labels-idx1-ubyte); a folder holding the pair works too.",
  },
  {
    name: 'task',
    type: 'string',
    value: 'TASK',
    description:
      'auto, classification or regression. auto: classification for text labels, integer labels with few distinct values, or a scikit-learn counts header; the choice and its reason are shown.',
    defaultText: 'auto',
  },
  {
    name: 'delimiter',
    type: 'string',
    value: 'SEP',
    description: "Field separator of a text file: auto, ',', ';', '|', tab or space (runs of spaces/tabs).",
    defaultText: 'auto (sniffed from the first lines)',
  },
  {
    name: 'header',
    type: 'string',
    value: 'yes|no|auto',
    description:
      'Whether the first line names the columns. auto: yes when it has text above numbers, or is a scikit-learn counts line (150,4,setosa,…).',
    defaultText: 'auto',
  },
  {
    name: 'skip-lines',
    type: 'string',
    value: 'N',
    description: 'Lines to drop at the top of a text file before anything is read (a title, a preamble).',
    defaultText: '0',
  },
  {
    name: 'encoding',
    type: 'string',
    value: 'NAME',
    description:
      'Text encoding: auto, utf-8, latin1 or windows-1252. auto: UTF-8, or Windows-1252 with a notice when the bytes are not UTF-8; utf-8 refuses invalid bytes with their offset.',
    defaultText: 'auto',
  },
  {
    name: 'missing',
    type: 'string',
    multiple: true,
    value: 'COL=HOW',
    description:
      'What to do with the missing cells (blank, NA, null, ?) of column COL: drop (the rows), mean, median or a number to fill them with. Repeatable; a column not named keeps them (an error if used).',
  },
  {
    name: 'one-hot',
    type: 'string',
    multiple: true,
    value: 'COLS',
    description:
      'Text feature columns to one-hot encode (one 0/1 column per value, at most 20 values), comma-separated or repeated.',
  },
];

/** Memory limits a loader checks before allocating; each can be raised. */
export const DATA_LIMIT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'max-bytes',
    type: 'string',
    value: 'N',
    description: 'Largest data file, in bytes after decompression.',
    defaultText: `${DEFAULT_LIMITS.maxBytes} (${mib(DEFAULT_LIMITS.maxBytes)})`,
  },
  {
    name: 'max-columns',
    type: 'string',
    value: 'N',
    description: 'Widest table or array (columns, fields on a line).',
    defaultText: String(DEFAULT_LIMITS.maxColumns),
  },
  {
    name: 'max-classes',
    type: 'string',
    value: 'N',
    description: 'Most distinct class labels (each becomes a one-hot column).',
    defaultText: String(DEFAULT_LIMITS.maxClasses),
  },
  {
    name: 'max-expansion',
    type: 'string',
    value: 'N',
    description:
      'Largest decompressed ÷ compressed size of a .gz file, judged past 16 MiB of output (decompression bombs).',
    defaultText: String(DEFAULT_LIMITS.maxExpansion),
  },
  {
    name: 'max-cells',
    type: 'string',
    value: 'N',
    description: 'Most cells (rows × columns) of a table, an array or the one-hot targets.',
    defaultText: String(DEFAULT_LIMITS.maxCells),
  },
];

export const DATA_FILE_OPTIONS: readonly OptionSpec[] = [...DATA_READ_OPTIONS, ...DATA_LIMIT_OPTIONS];

/** The flags' names, for commands that must refuse them (a built-in dataset has no file to read). */
export const DATA_FILE_FLAGS = DATA_FILE_OPTIONS.map((o) => o.name);

export type DatasetReadOptions = Pick<
  LoadOptions,
  'task' | 'delimiter' | 'header' | 'skipLines' | 'encoding' | 'missing' | 'oneHot' | 'limits'
> & {
  /** --labels, as typed (resolved against the working directory by the caller). */
  readonly labelsFile?: string;
};

/** `--missing "Beak Length (mm)=median"`: the column name may hold anything but the last `=`. */
function missingTreatments(values: ParsedArgs['values'], command: string): Record<string, MissingTreatment> {
  const out: Record<string, MissingTreatment> = {};
  for (const spec of list(values, 'missing')) {
    const at = spec.lastIndexOf('=');
    const name = spec.slice(0, at).trim();
    const how = spec.slice(at + 1).trim();
    if (at < 0 || name === '')
      throw new UsageError(
        `--missing takes COL=HOW (drop, mean, median or a number), e.g. --missing age=median; got '${spec}'`,
        command,
      );
    if (how === 'drop' || how === 'mean' || how === 'median') out[name] = how;
    else if (how !== '' && Number.isFinite(Number(how))) out[name] = { constant: Number(how) };
    else throw new UsageError(`--missing ${name}=…: HOW must be drop, mean, median or a number; got '${how}'`, command);
  }
  return out;
}

/** The options a loader takes, from the flags given (unset flags leave the loader's defaults). */
export function datasetReadOptions(values: ParsedArgs['values'], command: string): DatasetReadOptions {
  const out: {
    labelsFile?: string;
    task?: TaskChoice;
    delimiter?: DelimiterChoice;
    header?: HeaderChoice;
    skipLines?: number;
    encoding?: EncodingChoice;
    missing?: Record<string, MissingTreatment>;
    oneHot?: string[];
    limits?: Partial<DatasetLimits>;
  } = {};
  const labels = str(values, 'labels');
  if (labels !== undefined) out.labelsFile = labels;
  const task = str(values, 'task');
  if (task !== undefined) out.task = choiceOption(task, 'task', command, TASKS);
  const delimiter = str(values, 'delimiter');
  if (delimiter !== undefined) {
    const d = DELIMITERS[delimiter] ?? DELIMITERS[delimiter.toLowerCase()];
    if (d === undefined) {
      throw new UsageError(`--delimiter must be one of auto, ',', ';', '|', tab, space; got '${delimiter}'`, command);
    }
    out.delimiter = d;
  }
  const header = str(values, 'header');
  if (header !== undefined) out.header = choiceOption(header, 'header', command, HEADERS);
  const skip = str(values, 'skip-lines');
  if (skip !== undefined) out.skipLines = integerOption(skip, 'skip-lines', command, 0, 1_000_000);
  const encoding = str(values, 'encoding');
  if (encoding !== undefined) out.encoding = choiceOption(encoding.toLowerCase(), 'encoding', command, ENCODINGS);
  const missing = missingTreatments(values, command);
  if (Object.keys(missing).length > 0) out.missing = missing;
  const oneHotNames = list(values, 'one-hot')
    .flatMap((v) => v.split(','))
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (oneHotNames.length > 0) out.oneHot = oneHotNames;
  const limits: Partial<Record<keyof DatasetLimits, number>> = {};
  const limit = (flag: string, key: keyof DatasetLimits): void => {
    const raw = str(values, flag);
    if (raw !== undefined) limits[key] = integerOption(raw, flag, command, 1);
  };
  limit('max-bytes', 'maxBytes');
  limit('max-columns', 'maxColumns');
  limit('max-classes', 'maxClasses');
  limit('max-cells', 'maxCells');
  limit('max-expansion', 'maxExpansion');
  if (Object.keys(limits).length > 0) out.limits = limits;
  return out;
}
