// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { LossPoint } from '../../../engine/protocol/index.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { frameEvent } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';
import { MAX_LOSS_POINTS, useTelemetryStore } from './telemetry.js';

let link: FakeLink;
beforeEach(() => {
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});

/** A smooth decreasing curve over steps 1…n, validation every 10th step. */
function curve(n: number): LossPoint[] {
  return Array.from({ length: n }, (_, k) => ({ step: k + 1, loss: 1 / (k + 1), validationLoss: k % 10 === 9 ? 2 / (k + 1) : null }));
}

describe('telemetry store: loss history bound', () => {
  it('thins a long history keeping spikes and non-finite losses (the engine\'s series rule), in step order', () => {
    const t = useTelemetryStore();
    const points = curve(MAX_LOSS_POINTS + 1);
    // Odd positions: keeping every other point dropped exactly these.
    points[50_001] = { step: 50_002, loss: NaN, validationLoss: null };
    points[70_003] = { step: 70_004, loss: 1e6, validationLoss: null };
    points[80_009] = { step: 80_010, loss: 1e-4, validationLoss: 5e3 };
    link.emit(frameEvent(0, MAX_LOSS_POINTS + 1, 0.1, { losses: points }));
    const s = t.losses;
    const at = (step: number) => s.steps.indexOf(step);
    expect(at(50_002), 'the NaN loss of step 50002 was dropped').toBeGreaterThanOrEqual(0);
    expect(s.train[at(50_002)]).toBeNaN();
    expect(at(70_004), 'the spike of step 70004 was dropped').toBeGreaterThanOrEqual(0);
    expect(s.train[at(70_004)]).toBe(1e6);
    expect(at(80_010), 'the validation spike of step 80010 was dropped').toBeGreaterThanOrEqual(0);
    expect(s.validation[at(80_010)]).toBe(5e3);
    expect(s.steps.length).toBeLessThanOrEqual(MAX_LOSS_POINTS / 2);
    expect(s.steps.length).toBe(s.train.length);
    expect(s.steps.length).toBe(s.validation.length);
    for (let k = 1; k < s.steps.length; k++) expect(s.steps[k]).toBeGreaterThan(s.steps[k - 1]!);
    // The curve still spans the whole run, and a kept point's values are that step's.
    expect(s.steps[0]).toBe(1);
    const k = s.steps.findIndex((st) => st > 1000 && st !== 50_002 && st !== 70_004);
    expect(s.train[k]).toBe(1 / s.steps[k]!);
  });

  it('keeps appending after thinning, without repeating steps', () => {
    const t = useTelemetryStore();
    link.emit(frameEvent(0, MAX_LOSS_POINTS + 1, 0.1, { losses: curve(MAX_LOSS_POINTS + 1) }));
    const before = t.losses.steps.length;
    link.emit(frameEvent(1, MAX_LOSS_POINTS + 2, 0.05));
    expect(t.losses.steps.length).toBe(before + 1);
    expect(t.losses.steps.at(-1)).toBe(MAX_LOSS_POINTS + 2);
    expect(t.losses.train.at(-1)).toBe(0.05);
  });
});
