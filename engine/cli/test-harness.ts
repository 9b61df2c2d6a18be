/** Runs the CLI in-process for tests: captured streams, a temp working directory. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStream } from './cli-io.js';
import { main } from './main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: readonly string[],
  cwd: string,
  options: { tty?: boolean; signal?: AbortSignal } = {},
): Promise<CliRun> {
  const stdout = new MemoryStream(false);
  const stderr = new MemoryStream(options.tty ?? false);
  let t = 0;
  const code = await main(args, {
    stdout,
    stderr,
    cwd,
    env: {},
    // A clock that advances 1 ms per call keeps durations deterministic.
    now: () => (t += 1),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export async function tempDir(): Promise<{
  dir: string;
  write: (name: string, text: string) => Promise<string>;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'bpl-cli-'));
  return {
    dir,
    write: async (name, text) => {
      await writeFile(join(dir, name), text);
      return name;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
