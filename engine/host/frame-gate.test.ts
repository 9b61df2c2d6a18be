import { describe, expect, it } from 'vitest';
import { FrameGate, keepCadence } from './frame-gate.js';

describe('FrameGate', () => {
  it('limits frames to the frame rate', () => {
    const g = new FrameGate(20, 100);
    expect(g.due(0)).toBe(true);
    g.take(0);
    expect(g.due(10)).toBe(false);
    expect(g.due(49)).toBe(false);
    expect(g.due(50)).toBe(true);
  });

  it('keeps the average rate when checks come late', () => {
    const g = new FrameGate(20, 1000);
    let sent = 0;
    // Checked every 12 ms (a training slice): a naive gate would manage one frame per 60 ms.
    for (let t = 0; t < 10_000; t += 12) if (g.due(t) && g.take(t)) sent++;
    expect(sent).toBeGreaterThanOrEqual(198);
    expect(sent).toBeLessThanOrEqual(201);
  });

  it('sends nothing at 0 fps', () => {
    const g = new FrameGate(0, 2);
    expect(g.due(1e9)).toBe(false);
  });

  it('drops frames when the consumer holds every credit, and reports how many', () => {
    const g = new FrameGate(20, 2);
    expect(g.take(0)).toEqual({ seq: 0, dropped: 0 });
    expect(g.take(50)).toEqual({ seq: 1, dropped: 0 });
    expect(g.take(100)).toBeNull();
    expect(g.take(150)).toBeNull();
    expect(g.inFlight).toBe(2);
    g.ack(0);
    expect(g.take(200)).toEqual({ seq: 2, dropped: 2 });
    expect(g.dropped).toBe(2);
  });

  it('never holds more than the window, however long the consumer stalls', () => {
    const g = new FrameGate(120, 3);
    let sent = 0;
    for (let t = 0; t < 100_000; t += 5) if (g.due(t) && g.take(t)) sent++;
    expect(sent).toBe(3);
    expect(g.inFlight).toBe(3);
  });

  it('ignores unknown and repeated acks', () => {
    const g = new FrameGate(20, 1);
    g.take(0);
    g.ack(7);
    expect(g.take(100)).toBeNull();
    g.ack(0);
    g.ack(0);
    expect(g.take(200)).toMatchObject({ seq: 1 });
  });

  it('lets a forced frame (pause, step, breakpoint) through without credit and reports the drops in it', () => {
    const g = new FrameGate(20, 1);
    expect(g.take(0)).toMatchObject({ seq: 0 });
    expect(g.take(100)).toBeNull();
    expect(g.take(150, true)).toEqual({ seq: 1, dropped: 1 });
    expect(g.inFlight).toBe(2);
  });
});

describe('keepCadence', () => {
  it('keeps a periodic event at its rate when it is only checked at slice ends; starts afresh after a gap', () => {
    // Checks every 17 ms for 10 s, an event due every 50 ms (20 a second).
    const count = (next: (last: number, now: number) => number): number => {
      let last = -Infinity;
      let n = 0;
      for (let t = 0; t <= 10_000; t += 17)
        if (t - last >= 50) {
          last = next(last, t);
          n++;
        }
      return n;
    };
    expect(count((last, now) => keepCadence(last, now, 50))).toBeGreaterThanOrEqual(199);
    // Stepping to `now` loses part of a slice a period: 17 ms checks give one event per 51 ms.
    expect(count((_last, now) => now)).toBeLessThanOrEqual(197);
    expect(keepCadence(0, 500, 50)).toBe(500);
    expect(keepCadence(0, 60, 50)).toBe(50);
    expect(keepCadence(0, 60, 0)).toBe(60);
  });
});
