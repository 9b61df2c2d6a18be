/**
 * The CLI's view of the outside world, injectable so tests run commands in-process and read
 * what they printed. `main()` never touches `process` directly.
 */
export interface OutStream {
  write(chunk: string): unknown;
  /** A terminal: progress bars redraw in place; otherwise plain lines. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Relative paths resolve against this. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Monotonic milliseconds (injectable so summaries can be tested). */
  readonly now: () => number;
  /** Aborted on Ctrl-C: long commands stop at the next safe point and still report. */
  readonly signal?: AbortSignal;
  /** Lines typed by the user, for interactive commands (`serve --headless` reads pause/step/continue). */
  readonly stdin?: NodeJS.ReadableStream;
}

/**
 * The real process. The first Ctrl-C asks the running command to stop cleanly (a training run
 * still prints its summary and writes its export); a second one exits at once.
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write('\nstopping after the current steps (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    now: () => performance.now(),
    signal: controller.signal,
    stdin: process.stdin,
  };
}

/** Captures output in memory: for tests, and for `main()` called from scripts. */
export class MemoryStream implements OutStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
