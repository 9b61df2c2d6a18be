import { describe, expect, it } from 'vitest';
import { detectOverfitting } from './overfitting.js';

const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

describe('overfitting note', () => {
  it('fires when validation loss rises while training loss keeps falling', () => {
    const steps = range(60);
    const train = steps.map((s) => 1 / s);
    const validation = steps.map((s) => (s <= 20 ? 1 / s : 0.05 + 0.01 * (s - 20)));
    const note = detectOverfitting(steps, train, validation);
    expect(note).not.toBeNull();
    expect(note!.sinceStep).toBeGreaterThanOrEqual(15);
    expect(note!.sinceStep).toBeLessThanOrEqual(22);
    expect(note!.validationRise).toBeGreaterThan(1);
    expect(note!.trainFall).toBeGreaterThan(0);
  });

  it('stays quiet while both fall, when both rise (divergence), for small wiggles and short runs', () => {
    const steps = range(60);
    const falling = steps.map((s) => 1 / s);
    expect(detectOverfitting(steps, falling, falling.map((v) => v * 1.1))).toBeNull();
    const rising = steps.map((s) => s);
    expect(detectOverfitting(steps, rising, rising)).toBeNull();
    const wiggle = steps.map((s) => 0.5 + 0.01 * Math.sin(s));
    expect(detectOverfitting(steps, falling, wiggle)).toBeNull();
    expect(detectOverfitting(range(10), falling.slice(0, 10), falling.slice(0, 10))).toBeNull();
  });

  it('ignores steps without a validation loss', () => {
    const steps = range(60);
    const train = steps.map((s) => 1 / s);
    const validation = steps.map(() => NaN);
    expect(detectOverfitting(steps, train, validation)).toBeNull();
  });
});
