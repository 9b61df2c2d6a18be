/**
 * The headless CLI: `backprop-lens <command> [options]`. `main()` takes the arguments and the
 * streams and returns the exit code, so tests run every command in-process; run as a script
 * (`tsx engine/cli/main.ts`, or bin/backprop-lens.js) it drives the real process.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandSpec } from './args.js';
import { closest } from './args.js';
import { type CliIo, processIo } from './cli-io.js';
import { EXIT_OK, EXIT_USAGE, UsageError, reportError } from './errors.js';
import { commandHelp, globalHelp } from './help.js';
import { packageVersion } from './version.js';
import { compareSpec, runCompare } from './commands/compare.js';
import { gradSpec, runGrad } from './commands/grad.js';
import { gradcheckSpec, runGradcheck } from './commands/gradcheck.js';
import { infoSpec, runInfo } from './commands/info.js';
import { runTrain, trainSpec } from './commands/train.js';
import { convertSpec, runConvert } from './commands/convert.js';
import { runSession, sessionSpec } from './commands/session.js';
import { runServe, serveSpec } from './commands/serve.js';

interface Command {
  readonly spec: CommandSpec;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

const COMMANDS: readonly Command[] = [
  { spec: trainSpec, run: runTrain },
  { spec: gradSpec, run: runGrad },
  { spec: gradcheckSpec, run: runGradcheck },
  { spec: compareSpec, run: runCompare },
  { spec: infoSpec, run: runInfo },
  { spec: convertSpec, run: runConvert },
  { spec: sessionSpec, run: runSession },
  { spec: serveSpec, run: runServe },
];

function findCommand(name: string): Command {
  const cmd = COMMANDS.find((c) => c.spec.name === name);
  if (cmd) return cmd;
  const near = closest(
    name,
    COMMANDS.map((c) => c.spec.name),
  );
  throw new UsageError(
    `unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}; commands: ${COMMANDS.map((c) => c.spec.name).join(', ')}`,
  );
}

/** Runs one CLI invocation; `argv` is what follows the program name. Never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // --debug may appear anywhere before a `--`.
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  const debug = head.includes('--debug');
  const args = debug ? [...head.filter((a) => a !== '--debug'), ...(end < 0 ? [] : argv.slice(end))] : [...argv];
  try {
    const first = args[0];
    if (first === undefined) {
      io.stderr.write(
        globalHelp(
          COMMANDS.map((c) => c.spec),
          packageVersion(),
        ),
      );
      return EXIT_USAGE;
    }
    if (first === '-h' || first === '--help') {
      io.stdout.write(
        globalHelp(
          COMMANDS.map((c) => c.spec),
          packageVersion(),
        ),
      );
      return EXIT_OK;
    }
    if (first === '-V' || first === '--version') {
      io.stdout.write(`backprop-lens ${packageVersion()}\n`);
      return EXIT_OK;
    }
    if (first === 'help') {
      const topic = args[1];
      io.stdout.write(
        topic === undefined
          ? globalHelp(
              COMMANDS.map((c) => c.spec),
              packageVersion(),
            )
          : commandHelp(findCommand(topic).spec),
      );
      return EXIT_OK;
    }
    if (first.startsWith('-'))
      throw new UsageError(
        `unknown option '${first}' (options go after the command: backprop-lens <command> [options])`,
      );
    return await findCommand(first).run(args.slice(1), io);
  } catch (e) {
    return reportError(e, io, debug);
  }
}

/** Entry point for the bin and `npm run cli`: runs main on the real process and sets its exit code. */
export async function runFromProcess(): Promise<void> {
  // `backprop-lens info x | head` closes the pipe early: that is not an error worth a trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}

function isEntryScript(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryScript()) void runFromProcess();
