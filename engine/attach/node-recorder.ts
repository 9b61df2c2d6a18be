/**
 * Records an attached run to a file (node-only): lines are appended to FILE.partial as steps arrive
 * and the file is renamed to FILE on close, so a reader never sees a half-written recording under
 * the final name.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import type { AttachRecorder } from './attached-run.js';
import type { HelloMessage } from './messages.js';
import { recordingHeaderLine, recordingStepLine } from './recording.js';
import type { ReceivedStep } from './step-decode.js';
import type { BreakpointHit } from '../train/types.js';

export class FileRecorder implements AttachRecorder {
  private fd: number | null = null;
  steps = 0;

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  begin(hello: HelloMessage): void {
    if (this.fd !== null) throw new Error('this recorder already records a run');
    this.fd = openSync(`${this.file}.partial`, 'w');
    writeSync(this.fd, recordingHeaderLine(hello, new Date().toISOString()));
  }

  step(step: ReceivedStep, hits: readonly BreakpointHit[]): void {
    if (this.fd === null) return;
    writeSync(this.fd, recordingStepLine(step, hits));
    this.steps++;
  }

  close(): Promise<void> {
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(`${this.file}.partial`, this.file);
      this.log(`recorded ${this.steps} step(s) to ${this.file}`);
    }
    return Promise.resolve();
  }
}
