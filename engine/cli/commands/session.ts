/**
 * `backprop-lens session info FILE`: what a .bplens session file holds.
 * `backprop-lens session export FILE --step K --out GRADS.json`: the gradients file of step K
 * (one forward + backward pass with the weights the session had before step K, on step K's batch).
 */
import { gatherRows } from '../../core/matrix.js';
import { writeGradientsFile } from '../../io/node-files.js';
import { openSession } from '../../session-file/live-session.js';
import { readSessionFile, readSessionFileManifest, writeSessionFile } from '../../session-file/node-session-files.js';
import { referencedDataOption } from '../../session-file/node-referenced-data.js';
import { minimalRepro } from '../../session-file/repro.js';
import { packageVersion } from '../version.js';
import type { SessionManifest } from '../../session-file/manifest.js';
import { BatchSchedule } from '../../train/batching.js';
import { stepRuns } from '../../train/history.js';
import { forwardBackward } from '../../train/forward-backward.js';
import { type CommandSpec, choiceOption, integerOption, parseCommandArgs, str } from '../args.js';
import { BACKEND_CHOICES, openBackend } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliFailure, EXIT_OK, UsageError } from '../errors.js';
import { architecture, num, plural } from '../format.js';
import { commandHelp } from '../help.js';
import { displayPath, resolvePath } from '../paths.js';

export const sessionSpec: CommandSpec = {
  name: 'session',
  brief: 'Look into a .bplens session file; export a kept step as a gradients file or a minimal repro.',
  summary:
    'session info FILE shows what a session file holds (model, training settings, position, kept steps, breakpoints, dataset identity, notes). session export FILE --step K --out GRADS.json runs one forward and backward pass with the weights the session had before step K, on step K’s batch, and writes the gradients file of FORMATS.md. session repro FILE --step K --out SMALL.bplens writes a minimal repro: a session of only step K’s weights, optimizer state, batch and breakpoints, which reproduces the step (and its breakpoint hit) when run for one step.',
  usage:
    'info FILE | export FILE --step K --out GRADS.json [--backend cpu|cpu32|gpu] | repro FILE --step K --out SMALL.bplens',
  maxPositionals: 2,
  positionals: [
    ['ACTION', 'info, export or repro'],
    ['FILE', 'the session file (.bplens)'],
  ],
  options: [
    {
      name: 'step',
      short: 's',
      type: 'string',
      value: 'K',
      description: 'export: the step (1-based) whose gradients to write.',
    },
    { name: 'out', short: 'o', type: 'string', value: 'FILE', description: 'export: the gradients file to write.' },
    {
      name: 'backend',
      short: 'b',
      type: 'string',
      value: 'NAME',
      description: 'export: cpu (float64 reference), cpu32 or gpu.',
      defaultText: 'cpu',
    },
  ],
  examples: [
    ['backprop-lens session info run.bplens', 'what the file holds'],
    ['backprop-lens session export run.bplens --step 120 --out step120.json', 'the gradients of step 120'],
    ['backprop-lens session repro run.bplens --step 120 --out step120.bplens', 'a small file that replays step 120'],
  ],
};

export async function runSession(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(sessionSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(sessionSpec));
    return EXIT_OK;
  }
  const [action, file] = positionals;
  if (action !== 'info' && action !== 'export' && action !== 'repro')
    throw new UsageError(
      `session needs an action: info, export or repro${action ? ` (got '${action}')` : ''}`,
      'session',
    );
  if (file === undefined) throw new UsageError(`session ${action} needs a FILE (.bplens)`, 'session');
  if (action === 'info') {
    const manifest = await readSessionFileManifest(resolvePath(io, file), displayPath(io, file));
    io.stdout.write(describeManifest(manifest, displayPath(io, file)));
    return EXIT_OK;
  }
  return action === 'export' ? exportStep(values, file, io) : exportRepro(values, file, io);
}

async function exportRepro(values: Parameters<typeof str>[0], file: string, io: CliIo): Promise<number> {
  const stepRaw = str(values, 'step');
  const out = str(values, 'out');
  if (stepRaw === undefined) throw new UsageError('session repro needs --step K', 'session');
  if (out === undefined) throw new UsageError('session repro needs --out SMALL.bplens', 'session');
  const step = integerOption(stepRaw, 'step', 'session', 1);
  const name = displayPath(io, file);
  const { contents } = await readSessionFile(resolvePath(io, file), name);
  const referenced = await referencedDataOption(resolvePath(io, file), contents, name);
  const backend = await openBackend(contents.precision === 'f32' ? 'cpu32' : 'cpu');
  try {
    const session = await openSession(contents, backend, { recordEvery: 0, histogramBins: null, ...referenced });
    let repro;
    try {
      repro = minimalRepro(session, {
        step,
        breakpoints: contents.breakpoints.filter((b) => b.kind !== 'loss-spike'),
        datasetName: `${contents.dataset?.name ?? 'data'}, batch of step ${step}`,
        createdWith: { name: 'backprop-lens', version: packageVersion() },
      });
    } catch (e) {
      if (e instanceof RangeError) throw new CliFailure(`${name}: ${e.message.replace(/^repro: /, '')}`);
      throw e;
    } finally {
      await session.dispose();
    }
    await writeSessionFile(resolvePath(io, out), repro, displayPath(io, out));
    io.stdout.write(
      `step ${step} of ${name}: ${plural(repro.dataset!.data!.X.rows, 'sample')}; wrote ${displayPath(io, out)}\n`,
    );
    return EXIT_OK;
  } finally {
    backend.dispose();
  }
}

export function describeManifest(m: SessionManifest, name: string): string {
  const lines = [
    `${name}: Backprop Lens session (version ${m.version}), written by ${m.createdWith.name} ${m.createdWith.version} on ${m.createdAt}`,
  ];
  lines.push(`source: ${m.source.kind}${m.source.description ? ` (${m.source.description})` : ''}`);
  lines.push(`model: ${architecture(m.model)}, loss ${m.model.loss}`);
  const t = m.training;
  const opt = t.optimizer;
  lines.push(
    `training: ${opt.kind} lr ${opt.lr}${opt.weightDecay ? `, weight decay ${opt.weightDecay}` : ''}, batch ${t.batchSize}, seed ${m.seed}, validation ${t.validationFraction}, init ${t.init}${t.normalize ? `, normalize ${JSON.stringify(t.normalize)}` : ''}`,
  );
  lines.push(`position: step ${m.position.step}, epoch ${m.position.epoch} (${m.precision} state from ${m.backend})`);
  lines.push(
    `state: ${m.state ? `parameters${m.state.optimizerUpdates !== null ? ` and optimizer state (${m.state.optimizerUpdates} updates)` : ' (no optimizer state)'}` : 'none'}`,
  );
  const kept = m.history.filter((h) => h.entry !== null).map((h) => h.step);
  lines.push(
    `history: ${plural(m.history.length, 'step')} kept${kept.length ? `, ${kept.length} with weights (steps ${kept[0]}…${kept.at(-1)})` : ''}`,
  );
  if (m.breakpoints.length) lines.push(`breakpoints: ${m.breakpoints.map((b) => JSON.stringify(b)).join(', ')}`);
  if (m.dataset) {
    const d = m.dataset;
    lines.push(
      `dataset: ${d.name}, ${plural(d.samples, 'sample')} × ${d.inputs} → ${d.outputs}, ${d.embedded ? 'embedded' : `referenced: ${d.file!.path}`}, sha256 ${d.sha256}`,
    );
  }
  if (m.repro) lines.push(`minimal repro of: step ${m.repro.step}, ${m.repro.op}: ${m.repro.message}`);
  if (m.notes) lines.push(`notes: ${m.notes}`);
  const bytes = Object.values(m.blobs).reduce((a, b) => a + b.bytes, 0);
  lines.push(
    `blobs: ${plural(Object.keys(m.blobs).length, 'entry', 'entries')}, ${num(bytes / 2 ** 20, 3)} MiB expanded`,
  );
  return `${lines.join('\n')}\n`;
}

async function exportStep(values: Parameters<typeof str>[0], file: string, io: CliIo): Promise<number> {
  const stepRaw = str(values, 'step');
  const out = str(values, 'out');
  if (stepRaw === undefined) throw new UsageError('session export needs --step K', 'session');
  if (out === undefined) throw new UsageError('session export needs --out GRADS.json', 'session');
  const step = integerOption(stepRaw, 'step', 'session', 1);
  const backendChoice = choiceOption(str(values, 'backend') ?? 'cpu', 'backend', 'session', BACKEND_CHOICES);
  const name = displayPath(io, file);
  const { contents } = await readSessionFile(resolvePath(io, file), name);
  const referenced = await referencedDataOption(resolvePath(io, file), contents, name);
  // The weights before step K: the kept step K − 1, or the saved state when K is the next step.
  const before =
    contents.state && contents.state.step === step - 1
      ? contents.state.parameters
      : (contents.history.find((h) => h.step === step - 1)?.parameters ?? null);
  if (!before) {
    const possible = [
      ...contents.history.filter((h) => h.parameters).map((h) => h.step + 1),
      ...(contents.state ? [contents.state.step + 1] : []),
    ];
    throw new CliFailure(
      `${name}: step ${step} cannot be exported: the weights before it (after step ${step - 1}) are not kept; steps that can be: ${stepRuns(possible)}`,
    );
  }
  const backend = await openBackend(backendChoice);
  try {
    // The session (not run) gives the data exactly as trained on: its split and its normalisation.
    const session = await openSession(contents, backend, {
      recordEvery: 0,
      histogramBins: null,
      historySize: 1,
      ...referenced,
    });
    const rows = new BatchSchedule(session.trainRows, contents.training.batchSize, contents.seed).slot(step - 1).rows;
    const X = gatherRows(session.data.X, rows);
    const Y = gatherRows(session.data.Y, rows);
    await session.dispose();
    const f64 = (m: { rows: number; cols: number; data: ArrayLike<number> }) => ({
      rows: m.rows,
      cols: m.cols,
      data: Float64Array.from(m.data),
    });
    const result = await forwardBackward(backend, contents.model, { W: before.W.map(f64), b: before.b.map(f64) }, X, Y);
    await writeGradientsFile(resolvePath(io, out), result, displayPath(io, out));
    io.stdout.write(
      `${result.backend}: step ${step} of ${name}: ${plural(X.rows, 'sample')}, loss (${contents.model.loss}) = ${num(result.loss, 8)}\nwrote ${displayPath(io, out)}\n`,
    );
    return EXIT_OK;
  } finally {
    backend.dispose();
  }
}
