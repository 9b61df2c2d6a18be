/**
 * The time a periodic event (a frame, a recorded step) counts as having happened at, when it is
 * only checked now and then (at slice ends): one period after the last one while that keeps up,
 * so the average rate is the asked one; after a long gap (a pause, a slow slice), `now` afresh.
 * Stepping straight to `now` would lose part of a slice every period.
 */
export function keepCadence(last: number, now: number, period: number): number {
  return period > 0 && now - last < 2 * period ? last + period : now;
}

/**
 * Decides when a telemetry frame may go out: at most `fps` per second (rate) and at most `window`
 * frames sent but not yet acknowledged (credit). A frame that is due while no credit is left is
 * dropped and counted, never queued: a slow dashboard sees fewer frames, never a growing backlog.
 */
export class FrameGate {
  private outstanding = new Set<number>();
  private nextSeq = 0;
  private lastSentAt = -Infinity;
  private droppedSinceLast = 0;
  private totalDropped = 0;

  constructor(
    private fps: number,
    private window: number,
  ) {}

  setFrameRate(fps: number): void {
    this.fps = fps;
  }

  setWindow(window: number): void {
    this.window = window;
  }

  get frameRate(): number {
    return this.fps;
  }

  get creditWindow(): number {
    return this.window;
  }

  /** Frames dropped over the gate's life. */
  get dropped(): number {
    return this.totalDropped;
  }

  get inFlight(): number {
    return this.outstanding.size;
  }

  /** Whether a periodic frame is due at time `now` (ms); false when frames are off. */
  due(now: number): boolean {
    return this.fps > 0 && now - this.lastSentAt >= 1000 / this.fps;
  }

  /**
   * Called when a frame is due (or forced, e.g. after a pause): returns the seq to send it with,
   * or null when there is no credit (the frame is dropped and counted); forced frames always get one.
   */
  take(now: number, force = false): { seq: number; dropped: number } | null {
    // A forced frame (after a pause, a step, a breakpoint) goes out even without credit: it is one
    // frame per user action, never a backlog, and a paused view must show the state it paused in.
    if (!force && this.outstanding.size >= this.window) {
      this.droppedSinceLast++;
      this.totalDropped++;
      // Count the slot as used so a stalled consumer costs one check per period, not a busy retry.
      this.lastSentAt = now;
      return null;
    }
    const seq = this.nextSeq++;
    this.outstanding.add(seq);
    this.lastSentAt = keepCadence(this.lastSentAt, now, this.fps > 0 ? 1000 / this.fps : 0);
    const dropped = this.droppedSinceLast;
    this.droppedSinceLast = 0;
    return { seq, dropped };
  }

  /** A frame was built but could not be sent (e.g. the read failed): return its credit. */
  cancel(seq: number): void {
    this.outstanding.delete(seq);
  }

  ack(seq: number): void {
    this.outstanding.delete(seq);
  }

  /** A new consumer (reconnect) starts with full credit. */
  resetCredit(): void {
    this.outstanding.clear();
  }
}
