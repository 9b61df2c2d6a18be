/** Paths from the command line resolve against the CLI's working directory (injectable for tests). */
import { isAbsolute, relative, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';

export function resolvePath(io: CliIo, file: string): string {
  return isAbsolute(file) ? file : resolve(io.cwd, file);
}

/** How a path is shown in messages: as the user typed it when it is under cwd. */
export function displayPath(io: CliIo, file: string): string {
  const rel = relative(io.cwd, resolvePath(io, file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
