/**
 * Training progress on stderr: a redrawn bar with the loss on a terminal (cli-progress), plain
 * lines (about ten per run) when stderr is a file or a pipe, nothing with --quiet. Stdout stays
 * for results, so `train … > summary.txt` captures only the summary.
 */
import cliProgress from 'cli-progress';
import type { OutStream } from './cli-io.js';
import { duration, num } from './format.js';

export interface ProgressState {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly validationLoss: number | null;
}

export interface ProgressReporter {
  update(state: ProgressState): void;
  stop(): void;
}

export function createProgress(
  stream: OutStream,
  totalSteps: number,
  mode: 'auto' | 'none',
  now: () => number,
): ProgressReporter {
  if (mode === 'none') return { update: () => undefined, stop: () => undefined };
  return stream.isTTY ? new BarProgress(stream, totalSteps) : new LineProgress(stream, totalSteps, now);
}

class BarProgress implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  constructor(stream: OutStream, total: number) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: stream as unknown as NodeJS.WritableStream,
        format:
          'train |{bar}| {percentage}% | step {value}/{total} | epoch {epoch} | loss {loss}{val} | ETA {eta_formatted}',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { epoch: 0, loss: '-', val: '' });
  }
  update(s: ProgressState): void {
    this.bar.update(s.step, {
      epoch: s.epoch,
      loss: num(s.loss),
      val: s.validationLoss === null ? '' : ` | val ${num(s.validationLoss)}`,
    });
  }
  stop(): void {
    this.bar.stop();
  }
}

class LineProgress implements ProgressReporter {
  private readonly every: number;
  private readonly start: number;
  private last = 0;
  private lastValidation: number | null = null;
  constructor(
    private readonly stream: OutStream,
    private readonly total: number,
    private readonly now: () => number,
  ) {
    this.every = Math.max(1, Math.ceil(total / 10));
    this.start = now();
  }
  update(s: ProgressState): void {
    if (s.validationLoss !== null) this.lastValidation = s.validationLoss;
    // One line per tenth of the run, and always the last step.
    if (Math.floor(s.step / this.every) === Math.floor(this.last / this.every) && s.step !== this.total) return;
    this.last = s.step;
    const pct = ((100 * s.step) / this.total).toFixed(0).padStart(3);
    const val = this.lastValidation === null ? '' : `  val ${num(this.lastValidation)}`;
    this.stream.write(
      `step ${s.step}/${this.total} (${pct}%)  epoch ${s.epoch}  loss ${num(s.loss)}${val}  ${duration(this.now() - this.start)}\n`,
    );
  }
  stop(): void {
    // Lines need no clean-up.
  }
}
