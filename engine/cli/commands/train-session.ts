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
import { num, plural } from '../format.js';
import { displayPath, resolvePath } from '../paths.js';
import { createProgress } from '../progress.js';
import { packageVersion } from '../version.js';
import type { Matrix } from '../../core/matrix.js';
import { writeWeightsExport } from '../outputs.js';
import type { JsonObject } from '../../io/decode.js';
import type { WeightsFile } from '../../io/weights-file.js';
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
import type { SessionDataset } from '../../session-file/types.js';
import { stat } from 'node:fs/promises';

export const TRAIN_SESSION_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'save-session',
    type: 'string',
    value: 'FILE',
    description:
      'After training, write the whole session (settings, data, weights, optimizer state, loss curve) to FILE (.bplens), atomically; --resume continues it exactly.',
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
  'layers',
  'hidden',
  'activation',
  'output-activation',
  'loss',
  'init',
  'normalize',
  'normalize-targets',
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

/** History entries a headless run keeps: one, the newest, which holds the optimizer state to save. */
export function historySizeFor(values: ParsedArgs['values']): number {
  return str(values, 'save-session') !== undefined ? 1 : 0;
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
      historySize: 1,
      ...(data ? { data } : {}),
    });
    const startStep = session.position.step;
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
    const position = session.position;
    const exportPath = str(values, 'export');
    if (exportPath !== undefined) {
      const w: WeightsFile = {
        model: contents.model,
        parameters: await session.parameters(),
        ...(contents.preprocessing ? { preprocessing: contents.preprocessing as JsonObject } : {}),
        training: {
          steps: position.step,
          epochs: position.epoch,
          optimizer: { ...session.config.optimizer },
          learningRate: session.config.optimizer.lr,
          batchSize: contents.training.batchSize,
          seed: contents.seed,
          finalLoss: lastLoss,
          backend: backend.name,
          resumedFrom: displayPath(io, file),
        },
        ...(contents.dataset ? { dataset: { name: contents.dataset.name } } : {}),
        createdWith: `backprop-lens ${packageVersion()} (cli)`,
      };
      await writeWeightsExport(io, exportPath, w);
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
    const summary = {
      resumedFrom: displayPath(io, file),
      fromStep: startStep,
      steps: position.step,
      epochs: position.epoch,
      backend: backend.name,
      finalLoss: lastLoss,
      exported: exportPath === undefined ? null : displayPath(io, exportPath),
      savedSession: saveTo === undefined ? null : displayPath(io, saveTo),
    };
    // With the weights on standard output, the summary goes to standard error.
    const report = exportPath === '-' ? io.stderr : io.stdout;
    if (flag(values, 'json')) report.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      report.write(
        `resumed ${summary.resumedFrom} at step ${startStep}; trained ${plural(position.step - startStep, 'step')} on ${backend.name} to step ${position.step} (epoch ${position.epoch}), loss ${num(lastLoss, 6)}\n`,
      );
      if (summary.exported && exportPath !== '-') report.write(`wrote ${summary.exported}\n`);
      if (summary.savedSession) report.write(`wrote ${summary.savedSession}\n`);
    }
    return io.signal?.aborted ? 130 : EXIT_OK;
  } finally {
    if (session) await session.dispose();
    backend.dispose();
  }
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
