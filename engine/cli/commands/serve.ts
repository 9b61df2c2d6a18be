/**
 * `backprop-lens serve [--headless]`: accept one attached PyTorch run (python/backprop_lens_attach)
 * on a loopback port with a fresh token, evaluate breakpoints on what it sends, record it, and
 * take pause/step/continue from standard input. Prints the BACKPROP_LENS_ATTACH line to use.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DashboardServer } from '../../attach/node-dashboard-server.js';
import { AttachServer, ATTACH_ENV } from '../../attach/node-attach-server.js';
import { FileRecorder } from '../../attach/node-recorder.js';
import { DEFAULT_ATTACH_MAX_SIZE, DEFAULT_ATTACH_RATE } from '../../attach/attached-run.js';
import type { AttachRecorder, AttachedRun } from '../../attach/attached-run.js';
import { SessionFileRecording } from '../../attach/session-recording.js';
import { writeFileAtomic } from '../../io/node-files.js';
import { packageVersion } from '../version.js';
import type { BreakpointCondition } from '../../train/types.js';
import { type CommandSpec, flag, integerOption, list, numberOption, parseCommandArgs, str } from '../args.js';
import type { CliIo } from '../cli-io.js';
import { CliFailure, EXIT_OK, UsageError } from '../errors.js';
import { commandHelp } from '../help.js';
import { displayPath, resolvePath } from '../paths.js';

/** Where `npm run web:build` puts the dashboard (vite.web.config.ts). */
const WEB_ROOT = fileURLToPath(new URL('../../../out/web', import.meta.url));

export const serveSpec: CommandSpec = {
  name: 'serve',
  brief: 'Accept an attached PyTorch training run (python/backprop_lens_attach) and record it.',
  summary:
    'Listen on 127.0.0.1 for one PyTorch training loop attached with backprop_lens_attach, with a new random token, and print the BACKPROP_LENS_ATTACH=… line to give it; without --headless also serve the web dashboard, which shows the run like a local one (Train, Layers, Breakpoints, History) and acts on its loop with Pause, Step and Continue. Breakpoints are evaluated on every step it sends; a hit holds the loop inside lens.step (before opt.step()) until you type continue. With --record the received steps are written to FILE and serve exits when the run detaches.',
  usage: '[--headless] [--record FILE] [--break COND]… [--port N] [--rate N] [--max-size N]',
  maxPositionals: 0,
  options: [
    {
      name: 'headless',
      type: 'boolean',
      description:
        'No dashboard: log to the terminal only. Without it serve also serves the web dashboard (npm run web:build) on 127.0.0.1 and shows the attached run there.',
    },
    {
      name: 'dashboard-port',
      type: 'string',
      value: 'N',
      description: "The dashboard's port on 127.0.0.1 (without --headless).",
      defaultText: 'a free port',
    },
    {
      name: 'record',
      short: 'r',
      type: 'string',
      value: 'FILE',
      description:
        'Record the run and exit when it detaches: the loss of every step, and the tensors of the steps sent in full (--rate a second). FILE.bplens is a session file (the loss curve, the weights of each full step); any other name gets every received tensor (backprop-lens/attach-recording, docs/formats.md).',
    },
    {
      name: 'break',
      type: 'string',
      value: 'COND',
      multiple: true,
      description:
        'Arm a breakpoint: non-finite, exploding=NORM, vanishing=NORM, saturation=FRACTION, dead-relu=FRACTION or loss-spike=FACTOR. Repeatable.',
    },
    {
      name: 'port',
      short: 'p',
      type: 'string',
      value: 'N',
      description: 'Port on 127.0.0.1.',
      defaultText: 'a free port',
    },
    {
      name: 'rate',
      type: 'string',
      value: 'N',
      description: 'Full steps (with tensors) per second to ask for; the other steps send their loss only.',
      defaultText: String(DEFAULT_ATTACH_RATE),
    },
    {
      name: 'max-size',
      type: 'string',
      value: 'N',
      description:
        'Ask the client to decimate each tensor to at most N×N (0: full resolution; breakpoints always get full tensors).',
      defaultText: String(DEFAULT_ATTACH_MAX_SIZE),
    },
    { name: 'once', type: 'boolean', description: 'Exit when the first attached run detaches (implied by --record).' },
  ],
  notes: [
    'While a run is attached, type pause, step or continue (then Enter) to act on its loop. The token changes on every start; only loopback connections that present it are accepted, and HTTP requests (web pages) are refused.',
  ],
  examples: [
    ['backprop-lens serve --headless --record run.jsonl', 'record one attached run'],
    [
      'backprop-lens serve --headless --break non-finite --break exploding=1e3',
      'hold the loop on a NaN/Inf or an exploding gradient',
    ],
  ],
};

/** FILE.bplens: a session file (weights per recorded step, loss curve); any other name: the attach recording (every received tensor). */
function recorderFor(
  file: string,
  breakpoints: readonly BreakpointCondition[],
): AttachRecorder & { readonly steps: number; readonly fullSteps: number } {
  if (!file.toLowerCase().endsWith('.bplens')) return new FileRecorder(file);
  return new SessionFileRecording(breakpoints, (bytes) => writeFileAtomic(file, bytes), packageVersion());
}

/** "non-finite", "exploding=1e3" … → a breakpoint condition (usage errors name the flag). */
export function parseBreakOption(raw: string): BreakpointCondition {
  const [kind, value] = raw.split('=', 2) as [string, string | undefined];
  const need = (what: string): number => {
    if (value === undefined)
      throw new UsageError(`--break ${kind} needs =${what}, e.g. ${kind}=${what === 'NORM' ? '1e3' : '0.9'}`, 'serve');
    return numberOption(value, `break ${kind}`, 'serve', { min: 0, minExclusive: true });
  };
  switch (kind) {
    case 'non-finite':
      return { kind: 'non-finite' };
    case 'exploding':
    case 'vanishing':
      return { kind, threshold: need('NORM') };
    case 'saturation':
    case 'dead-relu':
      return { kind, fraction: Math.min(1, need('FRACTION')) };
    case 'loss-spike':
      return { kind, factor: need('FACTOR') };
    default:
      throw new UsageError(
        `--break must be non-finite, exploding=NORM, vanishing=NORM, saturation=FRACTION, dead-relu=FRACTION or loss-spike=FACTOR; got '${raw}'`,
        'serve',
      );
  }
}

export async function runServe(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(serveSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(serveSpec));
    return EXIT_OK;
  }
  const record = str(values, 'record');
  const breakpoints = list(values, 'break').map(parseBreakOption);
  const port = str(values, 'port') === undefined ? 0 : integerOption(str(values, 'port')!, 'port', 'serve', 0, 65535);
  const dashboardPort =
    str(values, 'dashboard-port') === undefined
      ? 0
      : integerOption(str(values, 'dashboard-port')!, 'dashboard-port', 'serve', 0, 65535);
  const rate =
    str(values, 'rate') === undefined
      ? DEFAULT_ATTACH_RATE
      : numberOption(str(values, 'rate')!, 'rate', 'serve', { min: 0 });
  const maxSize =
    str(values, 'max-size') === undefined
      ? DEFAULT_ATTACH_MAX_SIZE
      : integerOption(str(values, 'max-size')!, 'max-size', 'serve', 0, 4096);
  const headless = flag(values, 'headless');
  let dashboard: DashboardServer | null = null;
  if (!headless) {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new CliFailure(
        `the web dashboard is not built (${WEB_ROOT}/index.html is missing): run npm run web:build, or use --headless`,
      );
  }
  const once = flag(values, 'once') || record !== undefined;
  const log = (line: string): void => void io.stderr.write(`${line}\n`);

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let recorder: (AttachRecorder & { readonly steps: number; readonly fullSteps: number }) | null = null;
  const server = new AttachServer({
    port,
    log,
    runOptions: () => {
      recorder = record === undefined ? null : recorderFor(resolvePath(io, record), breakpoints);
      const hooks = dashboard?.adapter.runHooks();
      return {
        breakpoints,
        rate,
        maxSize,
        ...(recorder ? { recorder } : {}),
        onFrame: hooks?.onFrame,
        onHit: (hit, step, matrix) => {
          log(`breakpoint at step ${step} (${hit.op.label}): ${hit.message}`);
          hooks?.onHit?.(hit, step, matrix);
        },
        onState: (state, step, reason) => {
          log(state === 'paused' ? `paused before step ${step}'s update: type continue or step` : 'running');
          hooks?.onState?.(state, step, reason);
        },
      };
    },
    onRun: (run) => dashboard?.adapter.attached(run),
    onRunEnd: (run, reason) => {
      dashboard?.adapter.detached(run);
      const close = recorder?.close() ?? Promise.resolve();
      void close.then(() => {
        if (record !== undefined && recorder)
          log(
            `recorded ${recorder.steps} step(s) of PID ${run.hello.pid} (every loss; tensors of ${recorder.fullSteps}) to ${displayPath(io, record)}`,
          );
        log(`run ended: ${reason}`);
        if (once) finish();
      });
    },
  });
  await server.start();
  io.stdout.write(`${ATTACH_ENV}=${server.address}\n`);
  if (!headless) {
    // The bridge takes the attach token too: only whoever sees this terminal opens the page.
    dashboard = new DashboardServer(WEB_ROOT, log, server.token, server.address, dashboardPort);
    await dashboard.start();
    io.stdout.write(`dashboard: ${dashboard.url}\n`);
  }
  log(`waiting for an attached run on 127.0.0.1:${server.port} (Ctrl-C to stop)`);

  const lines = io.stdin ? createInterface({ input: io.stdin, terminal: false }) : null;
  lines?.on('line', (text) => {
    const action = text.trim().toLowerCase();
    const run: AttachedRun | null = server.run;
    if (action === '') return;
    if (action !== 'pause' && action !== 'step' && action !== 'continue')
      return log(`unknown command '${action}': type pause, step or continue`);
    if (!run) return log('no run is attached');
    run.control(action);
  });
  const onAbort = (): void => finish();
  io.signal?.addEventListener('abort', onAbort);
  try {
    await finished;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    lines?.close();
    await server.close();
    await dashboard?.close();
    await (recorder as AttachRecorder | null)?.close();
  }
  return EXIT_OK;
}
