/**
 * How the CLI fails: one clear line on stderr and an exit code (2: the command line is wrong,
 * 1: the command could not do its job). A stack trace only with --debug, or for what is
 * clearly a bug in Backprop Lens itself.
 */
import { FormatError } from '../io/format-error.js';
import { FileAccessError } from '../io/node-files.js';
import { DatasetError } from '../data/errors.js';
import { ModelSpecError } from '../model/spec.js';
import { ParameterError } from '../train/init.js';
import type { CliIo } from './cli-io.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line itself is wrong; `command` points the user at its --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command: string | null = null,
  ) {
    super(message);
  }
}

/** The command ran into something it cannot do (a check failed, a device is missing). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** Errors whose message is complete for the user: no stack trace, exit 1. */
function isUserFacing(e: unknown): e is Error {
  if (e instanceof FormatError || e instanceof FileAccessError || e instanceof DatasetError) return true;
  if (e instanceof ModelSpecError || e instanceof ParameterError || e instanceof CliFailure) return true;
  // Errors tagged by other modules as "the input is wrong", e.g. a GPU that is not there.
  return e instanceof Error && (e as { userFacing?: unknown }).userFacing === true;
}

/** Writes the error for a person and returns the exit code. */
export function reportError(e: unknown, io: CliIo, debug: boolean): number {
  const err = io.stderr;
  if (e instanceof UsageError) {
    err.write(`backprop-lens: ${e.message}\n`);
    err.write(`Run 'backprop-lens ${e.command ? `${e.command} ` : ''}--help' for usage.\n`);
    if (debug && e.stack) err.write(`${e.stack}\n`);
    return EXIT_USAGE;
  }
  if (isUserFacing(e)) {
    err.write(`backprop-lens: error: ${e.message}\n`);
    if (debug && e.stack) err.write(`${e.stack}\n`);
    return EXIT_FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  err.write(`backprop-lens: internal error: ${message}\n`);
  if (debug) err.write(`${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
  else
    err.write(
      'This looks like a bug in Backprop Lens. Run again with --debug for the stack trace, and please report it.\n',
    );
  return EXIT_FAILURE;
}
