import { describe, expect, it } from 'vitest';
import type { ModuleFrame } from '../../../engine/protocol/index.js';
import { MAX_MODULE_STEPS, ModuleHistory, moduleHasNonFinite } from './module-history.js';

const mod = (name: string, over: Partial<ModuleFrame> = {}): ModuleFrame => ({
  name,
  type: 'Linear',
  outNorm: 1,
  outMin: -1,
  outMax: 1,
  outNonFinite: 0,
  saturated: null,
  dead: null,
  gradNorm: 0.1,
  gradNonFinite: 0,
  weightNorm: 2,
  ...over,
});

describe('ModuleHistory', () => {
  it('keeps the latest table and one gradient-norm column per step for modules with parameters', () => {
    const h = new ModuleHistory();
    h.push(1, [mod('a', { gradNorm: 10 }), mod('relu', { type: 'ReLU', gradNorm: null }), mod('b', { gradNorm: 0.01 })]);
    h.push(2, [mod('a', { gradNorm: 100 }), mod('relu', { type: 'ReLU', gradNorm: null }), mod('b', { gradNorm: 0.1 })]);
    expect(h.latest.map((m) => m.name)).toEqual(['a', 'relu', 'b']);
    expect(h.names).toEqual(['a', 'b']);
    const m = h.flowMatrix()!;
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(Array.from(m.data).map((x) => Math.round(x))).toEqual([1, 2, -2, -1]);
  });

  it('keeps a NaN/Inf gradient norm non-finite in the strip (marked, not hidden) and ignores replays', () => {
    const h = new ModuleHistory();
    h.push(3, [mod('a', { gradNorm: NaN, gradNonFinite: 4 })]);
    h.push(3, [mod('a', { gradNorm: 1 })]);
    h.push(4, [mod('a', { gradNorm: Infinity })]);
    const m = h.flowMatrix()!;
    expect(m.cols).toBe(2);
    expect(m.data[0]).toBeNaN();
    expect(m.data[1]).toBe(Infinity);
  });

  it('starts over when the modules change, and keeps at most MAX_MODULE_STEPS steps', () => {
    const h = new ModuleHistory();
    h.push(1, [mod('a')]);
    h.push(2, [mod('x'), mod('y')]);
    expect(h.steps).toEqual([2]);
    for (let s = 3; s < MAX_MODULE_STEPS + 10; s++) h.push(s, [mod('x'), mod('y')]);
    expect(h.steps.length).toBe(MAX_MODULE_STEPS);
    h.clear();
    expect(h.flowMatrix()).toBeNull();
  });

  it('flags a module whose output or gradient has NaN/Inf', () => {
    expect(moduleHasNonFinite(mod('a'))).toBe(false);
    expect(moduleHasNonFinite(mod('a', { outNonFinite: 1 }))).toBe(true);
    expect(moduleHasNonFinite(mod('a', { gradNonFinite: 2 }))).toBe(true);
    expect(moduleHasNonFinite(mod('a', { outNorm: NaN }))).toBe(true);
    expect(moduleHasNonFinite(mod('a', { gradNorm: null }))).toBe(false);
  });
});
