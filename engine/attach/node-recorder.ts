/**
 * Records an attached run to a file (node-only): every received step, a full one with its tensors and
 * any other with its loss (recording.ts). Lines are appended to FILE.partial as steps arrive
 * and the file is renamed to FILE on close, so a reader never sees a half-written recording under
 * the final name.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import type { AttachRecorder } from './attached-run.js';
import type { HelloMessage } from './messages.js';
import { recordingHeaderLine, recordingLossLine, recordingStepLine } from './recording.js';
import type { LossPoint } from '../session-file/types.js';
import type { ReceivedStep } from './step-decode.js';
import type { BreakpointHit } from '../train/types.js';

export class FileRecorder implements AttachRecorder {
  private fd: number | null = null;
  /** The newest step's loss, written as a loss-only line unless its tensors follow (step()). */
  private pending: LossPoint | null = null;
  /** Steps recorded (every received step). */
  steps = 0;
  /** Of those, steps recorded with their tensors. */
  fullSteps = 0;

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  begin(hello: HelloMessage): void {
    if (this.fd !== null) throw new Error('this recorder already records a run');
    this.fd = openSync(`${this.file}.partial`, 'w');
    writeSync(this.fd, recordingHeaderLine(hello, new Date().toISOString()));
  }

  /** Every received step's loss comes here first (AttachedRun), a full step's right before step(). */
  loss(point: LossPoint): void {
    if (this.fd === null) return;
    this.flushLoss();
    this.pending = point;
  }

  step(step: ReceivedStep, hits: readonly BreakpointHit[]): void {
    if (this.fd === null) return;
    if (this.pending?.step === step.step) this.pending = null;
    else this.flushLoss();
    writeSync(this.fd, recordingStepLine(step, hits));
    this.steps++;
    this.fullSteps++;
  }

  private flushLoss(): void {
    if (this.fd === null || this.pending === null) return;
    writeSync(this.fd, recordingLossLine(this.pending));
    this.pending = null;
    this.steps++;
  }

  close(): Promise<void> {
    if (this.fd !== null) {
      this.flushLoss();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(`${this.file}.partial`, this.file);
      this.log(`recorded ${this.steps} step(s), ${this.fullSteps} with tensors, to ${this.file}`);
    }
    return Promise.resolve();
  }
}
