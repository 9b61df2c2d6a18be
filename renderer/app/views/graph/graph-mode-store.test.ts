import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useGraphModeStore } from './graph-mode-store.js';

describe('graph-mode store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('starts on the tutorial program at (3, −4), ready to step', () => {
    const s = useGraphModeStore();
    expect(s.preset).toBe('tutorial');
    expect(s.graph?.variables).toEqual(['y', 'x']);
    expect(s.forward?.output).toBeCloseTo(0.603597241992418, 14);
    expect(s.totalSteps).toBe(6);
    expect(s.position).toBe(0);
  });

  it('keeps values across edits and gives a new variable the value 1', () => {
    const s = useGraphModeStore();
    s.setSource('x * z');
    expect(s.preset).toBe('custom');
    expect(s.values).toMatchObject({ x: 3, z: 1 });
    expect(s.forward?.output).toBe(3);
    s.setValue('z', 2);
    expect(s.forward?.output).toBe(6);
  });

  it('a parse error keeps the last good graph, marked stale', () => {
    const s = useGraphModeStore();
    const before = s.graph;
    s.setSource('x +');
    expect(s.parseError?.kind).toBe('unexpected-end');
    expect(s.stale).toBe(true);
    expect(s.graph).toBe(before);
    s.setSource('x + 1');
    expect(s.stale).toBe(false);
    expect(s.parseError).toBeNull();
  });

  it('a changed value resets the stepper to δ_f = 1', () => {
    const s = useGraphModeStore();
    s.runAll();
    expect(s.position).toBe(6);
    s.setValue('x', 2);
    expect(s.position).toBe(0);
    expect(s.fdReport).toBeNull();
  });

  it('an undefined local derivative stops the step and names the node', () => {
    const s = useGraphModeStore();
    s.setSource('y * x^0.5');
    s.setValue('x', 0);
    s.next();
    s.next();
    expect(s.stepError?.phase).toBe('backward');
    expect(s.errorNode).toBe(s.stepError?.nodeId);
    expect(s.position).toBe(1);
  });

  it('the dense preset compares accumulators with the matrix formulas', async () => {
    const s = useGraphModeStore();
    s.choosePreset('dense');
    await new Promise((r) => setTimeout(r, 0));
    expect(s.graph?.variables).toHaveLength(4 + 4 + 2 + 4);
    expect(s.dense?.maxAbsDiff).toBeLessThan(1e-14);
    s.choosePreset('tutorial');
    expect(s.source).toContain('a = sigmoid(y)');
    expect(s.dense).toBeNull();
  });
});
