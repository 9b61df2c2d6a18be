import { describe, expect, it } from 'vitest';
import { TelemetryPacing } from './telemetry-pacing.js';

describe('TelemetryPacing', () => {
  it('spaces frames by their cost over the budget when that is longer than the frame period', () => {
    let budget = 0.1;
    const p = new TelemetryPacing(() => budget);
    expect(p.frameDue(0)).toBe(true);
    p.gate.take(0);
    p.frameBuilt(0, 20); // 20 ms a frame at a 10% budget: one frame per 200 ms, not every 50 ms
    p.gate.ack(0);
    expect(p.frameDue(60)).toBe(false);
    expect(p.frameDue(199)).toBe(false);
    expect(p.frameDue(200)).toBe(true);
    budget = 1; // lifted: the frame rate decides again
    expect(p.frameDue(60)).toBe(true);
  });

  it('takes the median of the last five frame costs (one slow frame does not silence the stream)', () => {
    const p = new TelemetryPacing(() => 0.1);
    for (const ms of [2, 2, 500, 2, 2]) p.frameBuilt(0, ms);
    expect(p.frameDue(50)).toBe(true); // median 2 ms → 20 ms apart; the rate (50 ms) decides
  });

  it('records with frames off at recordRate on a kept cadence, and with frames on when a frame is due', () => {
    const p = new TelemetryPacing(() => 1);
    p.gate.setFrameRate(0);
    p.recordRate = 20;
    let n = 0;
    for (let t = 0; t <= 10_000; t += 17) if (p.recordDue(t)) n++;
    expect(n).toBeGreaterThanOrEqual(199); // 20 a second over 10 s, although checked every 17 ms
    p.recordRate = 0;
    expect(p.recordDue(20_000)).toBe(false);
    p.gate.setFrameRate(20);
    expect(p.recordDue(20_000)).toBe(p.frameDue(20_000));
  });

  it('meters steps a second between frames, and reads 0 when not running', () => {
    const p = new TelemetryPacing(() => 1);
    p.startMeter(0, 100);
    p.updateMeter(500, 150, true);
    expect(p.stepsPerSecond).toBe(100);
    p.updateMeter(600, 400, true); // under 250 ms since the last update: kept
    expect(p.stepsPerSecond).toBe(100);
    p.updateMeter(1000, 200, false);
    expect(p.stepsPerSecond).toBe(0);
  });
});
