/**
 * The session-file side of `backprop-lens train`: `--save-session FILE` (write a .bplens after
 * training) and `--resume FILE --steps N` (continue a saved session N more steps: the weights equal
 * those of one uninterrupted run of the same total length, bit for bit). Kept apart from train.ts,
 * which only calls in here.
 */
import type { OptionSpec, ParsedArgs } from '../args.js';
import { choiceOption, flag, integerOption, str } from '../args.js';
import { BACKEND_CHOICES, openBackend } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliFailure, EXIT_OK, UsageError } from '../errors.js';
import { plural } from '../format.js';
import { displayPath, resolvePath } from '../paths.js';
import { createProgress } from '../progress.js';
import { packageVersion } from '../version.js';
import type { Matrix } from '../../core/matrix.js';
import { writeWeightsExport } from '../outputs.js';
import { MODEL_FLAGS } from './train-options.js';
import { captureSession, openSession } from '../../session-file/live-session.js';
import { readSessionFile, writeSessionFile } from '../../session-file/node-session-files.js';
import {
  type ReferencedReadOptions,
  candidatePaths,
  describeDatasetFile,
  loadReferencedData,
} from '../../session-file/node-referenced-data.js';
import { SessionFileError } from '../../session-file/errors.js';
import type { Session } from '../../train/session.js';
import { DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_SIZE } from '../../train/session-setup.js';
import type { SessionContents, SessionDataset } from '../../session-file/types.js';
import type { LabeledDataset, TaskKind } from '../../data/types.js';
import { parameterCount } from '../../model/spec.js';
import { asTrained } from '../../train/normalization.js';
import { type Summary, describe, measure, rowsOf, weightsFor } from './train-report.js';
import { stat } from 'node:fs/promises';

/** Steps whose state `train --save-session` keeps by default (the Session's default history). */
export const DEFAULT_KEEP_STEPS = DEFAULT_HISTORY_SIZE;
const MAX_KEEP_STEPS = 10_000;

export const TRAIN_SESSION_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'save-session',
    type: 'string',
    value: 'FILE',
    description:
      'After training, write the whole session (settings, data, weights, optimizer state, loss curve) to FILE (.bplens), atomically; --resume continues it exactly.',
  },
  {
    name: 'keep-steps',
    type: 'string',
    value: 'N',
    description: `With --save-session: keep the last N steps' training state in the session file, so \`session export\`/\`repro --step K\` work for them (default ${DEFAULT_KEEP_STEPS}; 0 keeps only the final state). The oldest kept steps lose their weights (and stay as losses only) past ${DEFAULT_HISTORY_BYTES / 2 ** 20} MiB of state.`,
  },
  {
    name: 'resume',
    type: 'string',
    value: 'FILE',
    description:
      'Continue the session saved in FILE (.bplens) for --steps more steps, with its own settings and data (no DATASET, no model flags); bit-identical to never having stopped on the backend that saved it.',
  },
  {
    name: 'reference-data',
    type: 'boolean',
    description:
      'With --save-session: refer to the data file (path relative to the session file, size, SHA-256) instead of embedding the data; opening the session finds the file again and checks its hash.',
  },
  {
    name: 'data',
    type: 'string',
    value: 'FILE',
    description:
      'With --resume: where the data file of a session saved with --reference-data is now (by default it is looked for beside the session file, then where it was); its hash must match.',
  },
];

/** Flags that a resumed session takes from its file. */
const FIXED_BY_SESSION = [
  ...MODEL_FLAGS,
  'optimizer',
  'lr',
  'momentum',
  'beta1',
  'beta2',
  'weight-decay',
  'batch',
  'seed',
  'validation',
  'init-from',
  'epochs',
  'param',
  'features',
  'targets',
  'test',
] as const;

/** How many of its last steps a run keeps for the session file (undefined without --save-session). */
export function keepStepsFor(values: ParsedArgs['values']): number | undefined {
  const raw = str(values, 'keep-steps');
  if (str(values, 'save-session') === undefined) {
    if (raw !== undefined) throw new UsageError('--keep-steps goes with --save-session FILE', 'train');
    return undefined;
  }
  return raw === undefined ? DEFAULT_KEEP_STEPS : integerOption(raw, 'keep-steps', 'train', 0, MAX_KEEP_STEPS);
}

/**
 * History entries a headless run keeps: none without --save-session; else the state after each of
 * the last N steps plus the one before them (so steps end−N+1 … end+1 can be exported). Memory stays
 * bounded by the history's byte budget (historyBytes), which thins the oldest entries.
 */
export function historySizeFor(values: ParsedArgs['values']): number {
  const keep = keepStepsFor(values);
  return keep === undefined ? 0 : keep + 1;
}

/**
 * Records (into the history) only the steps the session file keeps: those after `lastStep − keep`.
 * Recording every step of a long run would cost a read-back per step for nothing.
 */
export function keepLastSteps(session: Session, lastStep: number, keep: number | undefined): void {
  if (keep === undefined) return;
  session.setRecordPolicy((step) => step >= lastStep - keep);
}

export async function saveTrainSession(
  io: CliIo,
  file: string,
  session: Session,
  dataset: {
    readonly name: string;
    readonly X: Matrix;
    readonly Y: Matrix;
    readonly features?: readonly string[];
    readonly targets?: readonly string[];
  },
  /** Refer to this data file (absolute path) instead of embedding the data. */
  reference?: { readonly dataFile: string; readonly read: ReferencedReadOptions },
): Promise<void> {
  const sessionFile = resolvePath(io, file);
  const contents = await captureSession(session, {
    dataset: {
      name: dataset.name,
      data: { X: dataset.X, Y: dataset.Y },
      ...(reference ? { file: await describeDatasetFile(sessionFile, reference.dataFile, reference.read) } : {}),
      ...(dataset.features ? { features: dataset.features } : {}),
      ...(dataset.targets ? { targets: dataset.targets } : {}),
    },
    createdWith: { name: 'backprop-lens', version: packageVersion() },
  });
  await writeSessionFile(sessionFile, contents, displayPath(io, file));
}

/** `train --resume FILE --steps N [--export W] [--save-session FILE2] [--backend B]`. */
export async function runResume(
  values: ParsedArgs['values'],
  positionals: readonly string[],
  io: CliIo,
): Promise<number> {
  const file = str(values, 'resume')!;
  if (positionals.length > 0)
    throw new UsageError(
      `--resume takes the data from ${file}; drop the DATASET argument (${positionals[0]})`,
      'train',
    );
  const fixed = FIXED_BY_SESSION.filter((f) => values[f] !== undefined);
  if (fixed.length > 0)
    throw new UsageError(
      `--resume continues the saved session with its own settings; drop ${fixed.map((f) => `--${f}`).join(', ')}`,
      'train',
    );
  const stepsRaw = str(values, 'steps');
  if (stepsRaw === undefined) throw new UsageError('--resume needs --steps N (how many more steps to train)', 'train');
  const steps = integerOption(stepsRaw, 'steps', 'train', 1, 100_000_000);
  const backendChoice = choiceOption(str(values, 'backend') ?? 'cpu', 'backend', 'train', BACKEND_CHOICES);
  if (flag(values, 'reference-data'))
    throw new UsageError(
      '--reference-data is for a new session; a resumed one keeps storing its data as it did (embedded or referenced)',
      'train',
    );
  const sessionFile = resolvePath(io, file);
  const { contents } = await readSessionFile(sessionFile, displayPath(io, file));
  const locate = str(values, 'data');
  const ref = contents.dataset?.file;
  if (locate !== undefined && (!ref || contents.dataset?.data))
    throw new UsageError(
      `--data is for a session that refers to its data file; ${displayPath(io, file)} holds its data`,
      'train',
    );
  let data = contents.dataset?.data ?? null;
  let dataFile: string | null = null;
  if (!data && ref) {
    try {
      data = await loadReferencedData(
        sessionFile,
        contents,
        locate === undefined ? undefined : resolvePath(io, locate),
      );
    } catch (e) {
      if (e instanceof SessionFileError) throw e.inFile(displayPath(io, file));
      throw e;
    }
    dataFile = locate !== undefined ? resolvePath(io, locate) : null;
  }
  const backend = await openBackend(backendChoice);
  let session: Session | null = null;
  try {
    if (backend.name !== contents.backend)
      io.stderr.write(
        `note: ${displayPath(io, file)} was saved on ${contents.backend}; continuing on ${backend.name} works, but bit-exactness with the original run holds only on the same backend\n`,
      );
    session = await openSession(contents, backend, {
      recordEvery: 0,
      histogramBins: null,
      historySize: (keepStepsFor(values) ?? 0) + 1,
      ...(data ? { data } : {}),
    });
    const startStep = session.position.step;
    keepLastSteps(session, startStep + steps, keepStepsFor(values));
    const started = io.now();
    const quiet = flag(values, 'quiet') || flag(values, 'json');
    const progress = createProgress(io.stderr, steps, quiet ? 'none' : 'auto', io.now);
    const chunk = Math.max(1, Math.floor(steps / 200));
    let done = 0;
    let lastLoss = NaN;
    try {
      while (done < steps && !io.signal?.aborted) {
        const r = await session.runSteps(Math.min(chunk, steps - done));
        done += r.stepsCompleted;
        if (r.summary) {
          lastLoss = r.summary.loss;
          if (!Number.isFinite(lastLoss))
            throw new CliFailure(`the loss became ${lastLoss} at step ${r.summary.step}: training diverged`);
          progress.update({
            step: done,
            epoch: r.summary.epoch,
            loss: lastLoss,
            validationLoss: r.summary.validationLoss,
          });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      progress.stop();
    }
    const seconds = (io.now() - started) / 1000;
    // The same report and weights file as an uninterrupted run (train-report.ts): the final network
    // measured on the session's training and validation rows.
    const ds = contents.dataset;
    const loaded: LabeledDataset = {
      X: session.data.X,
      Y: session.data.Y,
      meta: {
        name: ds?.name ?? displayPath(io, file),
        task: resumedTask(contents),
        featureNames: ds?.features ?? [],
        targetNames: ds?.targets ?? [],
        classNames: resumedTask(contents) === 'classification' ? (ds?.targets ?? []) : null,
        preprocessing: null,
      },
    };
    const trained = asTrained(loaded, session);
    const position = session.position;
    const exportPath = str(values, 'export');
    const summary: Summary & { readonly resumedFrom: string; readonly fromStep: number } = {
      resumedFrom: displayPath(io, file),
      fromStep: startStep,
      dataset: loaded.meta.name,
      model: contents.model,
      parameters: parameterCount(contents.model),
      optimizer: session.config.optimizer,
      batch: contents.training.batchSize,
      backend: backend.name,
      steps: position.step,
      epochs: position.epoch,
      seconds,
      interrupted: io.signal?.aborted ?? false,
      metrics: {
        train: await measure(session, rowsOf(trained, session.trainRows)),
        validation:
          session.validationRows.length > 0 ? await measure(session, rowsOf(trained, session.validationRows)) : null,
        // A session file holds no test set.
        test: null,
      },
      exported: exportPath === undefined ? null : displayPath(io, exportPath),
    };
    if (exportPath !== undefined) {
      const w = weightsFor(
        summary,
        { name: loaded.meta.name, kind: 'file', train: trained, test: null, normalize: {}, builtinParams: null },
        await session.parameters(),
        contents.seed,
        null,
      );
      await writeWeightsExport(io, exportPath, {
        ...w,
        training: { ...w.training, resumedFrom: summary.resumedFrom },
      });
    }
    const saveTo = str(values, 'save-session');
    if (saveTo !== undefined) {
      const d = contents.dataset!;
      // A session that referred to its data keeps referring to it; one that held its data holds it.
      const found = ref && !d.data ? (dataFile ?? (await foundDataFile(sessionFile, ref))) : null;
      await saveTrainSession(
        io,
        saveTo,
        session,
        {
          name: d.name,
          X: data!.X,
          Y: data!.Y,
          ...(d.features ? { features: d.features } : {}),
          ...(d.targets ? { targets: d.targets } : {}),
        },
        found ? { dataFile: found, read: (ref!.read ?? {}) as ReferencedReadOptions } : undefined,
      );
    }
    const report = exportPath === '-' ? io.stderr : io.stdout;
    if (flag(values, 'json'))
      report.write(
        `${JSON.stringify({ ...summary, lastStepLoss: lastLoss, savedSession: saveTo === undefined ? null : displayPath(io, saveTo) }, null, 2)}\n`,
      );
    else {
      report.write(
        `resumed ${summary.resumedFrom} at step ${startStep}; trained ${plural(position.step - startStep, 'step')} on ${backend.name} to step ${position.step}\n`,
      );
      report.write(describe(summary));
      if (saveTo !== undefined) report.write(`wrote ${displayPath(io, saveTo)}\n`);
    }
    return io.signal?.aborted ? 130 : EXIT_OK;
  } finally {
    if (session) await session.dispose();
    backend.dispose();
  }
}

/**
 * The task of a saved session's data, which the file does not store: what a referenced file was
 * read as, else classification exactly when the model ends in softmax + cross-entropy (what train
 * picks for class labels); decides accuracy vs relative L2 error in the report.
 */
function resumedTask(contents: SessionContents): TaskKind {
  const read = contents.dataset?.file?.read as { task?: unknown } | undefined;
  if (read?.task === 'classification' || read?.task === 'regression') return read.task;
  return contents.model.loss === 'cross-entropy' ? 'classification' : 'regression';
}

/** The first place a referenced data file is found (loadReferencedData has just checked it there). */
async function foundDataFile(sessionFile: string, ref: NonNullable<SessionDataset['file']>): Promise<string | null> {
  for (const p of candidatePaths(sessionFile, ref))
    if (
      await stat(p).then(
        (i) => i.isFile(),
        () => false,
      )
    )
      return p;
  return null;
}

/** Checks of --reference-data and --data on a new training run (train.ts), before any data is read. */
export function checkReferenceFlags(
  values: ParsedArgs['values'],
  data: { readonly kind: 'builtin' | 'file' } | null,
): void {
  if (str(values, 'data') !== undefined)
    throw new UsageError('--data goes with --resume FILE (where the data file of a saved session is now)', 'train');
  if (!flag(values, 'reference-data')) return;
  if (str(values, 'save-session') === undefined)
    throw new UsageError('--reference-data goes with --save-session FILE', 'train');
  if (str(values, 'init-from') !== undefined)
    throw new UsageError(
      "--reference-data cannot go with --init-from: the data is trained on scaled by the weights file's preprocessing, so it is embedded",
      'train',
    );
  if (data?.kind === 'builtin')
    throw new UsageError(
      '--reference-data refers to a data file; a built-in dataset has none (it is embedded)',
      'train',
    );
}
