/**
 * When telemetry happens while the engine trains: whether a frame is due (frame rate and credit
 * through the FrameGate, and the telemetry budget), which step a run records, what a frame costs,
 * and the steps/s meter frames report. Bookkeeping only, on times the host passes in; the host
 * does the asynchronous work (recording, building and sending frames).
 */
import { DEFAULT_FRAME_RATE, DEFAULT_FRAME_WINDOW, DEFAULT_RECORD_RATE } from '../protocol/version.js';
import { FrameGate, keepCadence } from './frame-gate.js';

/** Frames whose cost is the median of this many recent ones (one slow frame does not silence the stream). */
const COST_WINDOW = 5;
/** The steps/s meter updates at most this often (ms). */
const METER_MS = 250;

export class TelemetryPacing {
  readonly gate = new FrameGate(DEFAULT_FRAME_RATE, DEFAULT_FRAME_WINDOW);
  /** Steps a second recorded while a run goes with frames off (history, time travel). */
  recordRate = DEFAULT_RECORD_RATE;
  private lastRecordAt = -Infinity;
  private frameMs = 0;
  private frameCosts: number[] = [];
  private lastFrameAt = -Infinity;
  private meter = { at: 0, step: 0, value: 0 };

  /** `budget()`: the largest fraction of the engine's time frames may take (set-telemetry). */
  constructor(private readonly budget: () => number) {}

  /**
   * Whether a periodic frame is due at `t`: the frame rate allows one and, for the telemetry
   * budget, the time since the last frame is at least its cost / budget. A network whose frames
   * are expensive (big matrices, a slow machine) gets fewer of them instead of training slower.
   */
  frameDue(t: number): boolean {
    if (this.gate.frameRate === 0 || !this.gate.due(t)) return false;
    return t - this.lastFrameAt >= this.frameMs / this.budget();
  }

  /**
   * Whether a run records the step that ends its current slice: while frames stream, the step
   * the frame after this slice will show (recording it late would cost the frame); with frames
   * off, `recordRate` steps a second on a kept cadence (as the frame gate keeps the frame rate).
   */
  recordDue(t: number): boolean {
    const period = this.recordRate > 0 ? 1000 / this.recordRate : 0;
    const due = this.gate.frameRate > 0 ? this.frameDue(t) : period > 0 && t - this.lastRecordAt >= period;
    if (due) this.lastRecordAt = keepCadence(this.lastRecordAt, t, period);
    return due;
  }

  /** A step was recorded outside the slice policy (for a frame, a pause, a checkpoint). */
  recorded(t: number): void {
    this.lastRecordAt = t;
  }

  /** A frame due at `t` took `ms` to build: the budget works with the median of the last few. */
  frameBuilt(t: number, ms: number): void {
    this.lastFrameAt = t;
    this.frameCosts.push(ms);
    if (this.frameCosts.length > COST_WINDOW) this.frameCosts.shift();
    const sorted = [...this.frameCosts].sort((a, b) => a - b);
    this.frameMs = sorted[sorted.length >> 1]!;
  }

  /** Steps a second, as the last frames measured it (0 when not running). */
  get stepsPerSecond(): number {
    return this.meter.value;
  }

  /** A run starts at `step`: the meter counts from here (keeping its last value until it updates). */
  startMeter(t: number, step: number): void {
    this.meter = { at: t, step, value: this.meter.value };
  }

  updateMeter(t: number, step: number, running: boolean): void {
    const dt = t - this.meter.at;
    if (dt < METER_MS && this.meter.value > 0) return;
    const value = dt > 0 ? ((step - this.meter.step) * 1000) / dt : 0;
    this.meter = { at: t, step, value: running ? Math.max(0, value) : 0 };
  }

  /** A new model: costs, cadence and credit start afresh. */
  reset(): void {
    this.lastRecordAt = -Infinity;
    this.lastFrameAt = -Infinity;
    this.frameMs = 0;
    this.frameCosts = [];
    this.gate.resetCredit();
  }
}
