/** Session: history and time travel, the learning rate set mid-run, the history memory budget. */
import { describe, expect, it } from 'vitest';
import { isRestorable, stateBytes } from './history.js';
import { adam, bits, make, regression, sgdMomentum } from './session-test-kit.js';

describe('history and time travel', () => {
  it('keeps at most historySize entries, with stats and decimated matrices', async () => {
    const s = await make({ historySize: 5 });
    await s.runSteps(12);
    const h = s.history.toArray();
    expect(h.map((e) => e.step)).toEqual([8, 9, 10, 11, 12]);
    const e = h[4]!;
    expect(e.layers).toHaveLength(3);
    expect(e.layers[1]!.deadFraction).not.toBeNull();
    expect(e.layers[0]!.saturatedFraction).not.toBeNull();
    expect(e.layers[0]!.histograms!.W.counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Object.keys(e.matrices)).toContain('G_0');
    expect(e.matrices['W_1']!.rows).toBe(5);
    expect(s.summary()!.layers[2]!.normW).toBe(e.layers[2]!.normW);
  });

  it('a record policy picks the recorded steps; recordLastStep records the last one late, exactly as if recorded live', async () => {
    const every = await make({ historySize: 50, optimizer: sgdMomentum });
    await every.runSteps(7);
    const sparse = await make({ historySize: 50, optimizer: sgdMomentum });
    const asked: number[] = [];
    sparse.setRecordPolicy((step) => {
      asked.push(step);
      return step === 3;
    });
    await sparse.runSteps(7);
    expect(asked).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sparse.history.toArray().map((e) => e.step)).toEqual([0, 3]);
    expect(sparse.summary()!.layers).toEqual([]);
    expect(await sparse.recordLastStep()).toBe(true);
    expect(await sparse.recordLastStep()).toBe(false);
    expect(sparse.history.toArray().map((e) => e.step)).toEqual([0, 3, 7]);
    const late = sparse.history.toArray().at(-1)!;
    const live = every.history.toArray().at(-1)!;
    expect(late.step).toBe(live.step);
    expect(late.layers).toEqual(live.layers);
    expect(late.matrices).toEqual(live.matrices);
    expect(late.optimizer).toEqual(live.optimizer);
    late.parameters!.W.forEach((w, i) => expect(bits(w)).toEqual(bits(live.parameters!.W[i]!)));
    expect(sparse.summary()).toEqual(every.summary());
    // Time travel to a late-recorded step continues exactly.
    await sparse.runSteps(2);
    await every.runSteps(2);
    await sparse.restore(7);
    await sparse.runSteps(2);
    expect(bits((await sparse.parameters()).W[0]!)).toEqual(bits((await every.parameters()).W[0]!));
    // Mid-step there is no completed step to record late.
    sparse.setRecordPolicy(() => false);
    await sparse.runOp();
    expect(await sparse.recordLastStep()).toBe(false);
  });

  it('breakpoints fire on every op even when no step is recorded', async () => {
    const s = await make({}, regression(30), { breakpoints: [{ kind: 'vanishing', threshold: 1e9 }] });
    s.setRecordPolicy(() => false);
    const r = await s.runSteps(5);
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.stepsCompleted).toBe(0);
    expect(r.next).not.toBeNull();
  });

  it('restore(step) continues exactly as the original run did', async () => {
    const s = await make({ historySize: 20 });
    await s.runSteps(9);
    const at9 = await s.parameters();
    const losses = s.lossCurve().map((l) => l.loss);
    await s.restore(4);
    expect(s.position.step).toBe(4);
    expect(s.history.toArray().at(-1)!.step).toBe(4);
    await s.runSteps(5);
    expect(s.lossCurve().map((l) => l.loss)).toEqual(losses);
    const again = await s.parameters();
    again.W.forEach((w, i) => expect(bits(w)).toEqual(bits(at9.W[i]!)));
    await expect(s.restore(40)).rejects.toThrow(/step 40 is not in the history/);
    await s.restore(0);
    expect(s.summary()).toBeNull();
  });

  it('restore(entry) installs a checkpoint from elsewhere (even with history off) and continues from it', async () => {
    const a = await make({ historySize: 20 });
    await a.runSteps(6);
    const entry = a.history.toArray().find((e) => e.step === 3)!;
    if (!isRestorable(entry)) throw new Error('step 3 was thinned');
    const fresh = await make({ historySize: 0 });
    await fresh.restore(entry);
    expect(fresh.position.step).toBe(3);
    await fresh.runSteps(3);
    expect(fresh.lossCurve().map((l) => l.loss)).toEqual(
      a
        .lossCurve()
        .slice(3)
        .map((l) => l.loss),
    );
    await expect(
      fresh.restore({ ...entry, parameters: { W: entry.parameters.W.slice(1), b: entry.parameters.b } }),
    ).rejects.toThrow(/checkpoint.parameters: the model has 3 layer/);
    const sgd = await make({ optimizer: sgdMomentum });
    await expect(sgd.restore(entry)).rejects.toThrow(
      'checkpoint.optimizer.buffers[0]: 2 buffer(s) given, sgd needs a velocity',
    );
    expect(sgd.position.step).toBe(0); // nothing changed
  });
});

describe('setLearningRate', () => {
  it('changes the learning rate from the next update on, exactly as if configured with it, and survives a rewind', async () => {
    const want = await make({ optimizer: { ...adam, lr: 0.003 } });
    await want.runSteps(4);
    const got = await make({ optimizer: { ...adam, lr: 0.5 } });
    got.setLearningRate(0.003);
    await got.runSteps(4);
    expect(got.lossCurve().map((l) => l.loss)).toEqual(want.lossCurve().map((l) => l.loss));
    expect(got.config.optimizer.lr).toBe(0.003);
    // Mid-run: two steps at one rate, then another (the optimizer state carries over).
    const a = await make();
    await a.runSteps(2);
    a.setLearningRate(0.001);
    await a.runSteps(2);
    await a.restore(1);
    expect(a.config.optimizer.lr).toBe(0.001); // rewinding keeps the rate last set
    expect(() => a.setLearningRate(0)).toThrow('lr: must be a positive number, got 0');
    expect(() => a.setLearningRate(Number.NaN)).toThrow('lr: must be a positive number');
  });
});

describe('history memory budget (historyBytes)', () => {
  it('thins the oldest entries past the budget: still viewable, no longer restorable; the newest always keeps its state', async () => {
    const probe = await make({ historySize: 50 });
    const perEntry = stateBytes(probe.history.at(0)!);
    expect(perEntry).toBeGreaterThan(0);
    // Room for three entries' state.
    const s = await make({ historySize: 50, historyBytes: 3 * perEntry + 7 });
    await s.runSteps(10);
    const entries = s.history.toArray();
    expect(entries.map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(entries.filter(isRestorable).map((e) => e.step)).toEqual([8, 9, 10]);
    expect(entries.reduce((n, e) => n + stateBytes(e), 0)).toBeLessThanOrEqual(3 * perEntry + 7);
    // A thinned entry keeps what time travel shows, W and b included (decimated copies).
    const thinned = entries[4]!;
    expect(thinned.parameters).toBeNull();
    expect(thinned.optimizer).toBeNull();
    expect(thinned.layers).toHaveLength(3);
    expect(Object.keys(thinned.matrices)).toEqual(expect.arrayContaining(['W_0', 'b_0', 'W_2', 'b_2', 'G_1', 'A_3']));
    await expect(s.restore(4)).rejects.toThrow('restore: step 4 is kept for viewing only');
    await expect(s.restore(4)).rejects.toThrow('restorable: 8…10');
    // A restorable one continues exactly as the first time.
    const twin = await make({ historySize: 50 });
    await twin.runSteps(10);
    await s.restore(8);
    await s.runSteps(2);
    await twin.restore(8);
    await twin.runSteps(2);
    expect(s.lossCurve().map((l) => l.loss)).toEqual(twin.lossCurve().map((l) => l.loss));
  });

  it('keeps the newest state even when one entry is over the budget (0 = only the newest)', async () => {
    const s = await make({ historySize: 10, historyBytes: 0 });
    await s.runSteps(4);
    expect(s.history.toArray().filter(isRestorable).map((e) => e.step)).toEqual([4]);
    await expect(make({ historyBytes: -1 })).rejects.toThrow('historyBytes: must be an integer ≥ 0');
  });
});
