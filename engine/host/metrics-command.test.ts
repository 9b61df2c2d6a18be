import { describe, expect, it } from 'vitest';
import { config, regression, setup } from './host-test-kit.js';

describe('EngineHost: request-metrics', () => {
  it('answers accuracy, confusion matrix and class counts on the training and validation rows', async () => {
    const a = await setup();
    a.send({ type: 'load-dataset', id: 1, source: { kind: 'builtin', name: 'circles', params: { n: 100, testN: 10, seed: 1 } } });
    await a.waitFor('dataset-loaded', (e) => e.replyTo === 1);
    a.send({
      type: 'configure',
      id: 2,
      config: { ...config, model: { inputSize: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2, activation: 'softmax' }], loss: 'cross-entropy' } },
    });
    await a.waitFor('configured', (e) => e.replyTo === 2);
    a.send({ type: 'step', count: 200, id: 3 });
    await a.waitFor('state', (s) => s.replyTo === 3);
    a.send({ type: 'request-metrics', id: 4 });
    const m = await a.waitFor('metrics', (e) => e.replyTo === 4);
    expect(m).toMatchObject({ step: 200, task: 'classification' });
    expect(m.classNames).toHaveLength(2);
    const train = m.train!;
    const val = m.validation!;
    expect(train.samples + val.samples).toBe(100);
    expect(train.classes).toBe(2);
    expect(train.confusion.reduce((s, x) => s + x, 0)).toBe(train.samples);
    expect(train.classCounts.reduce((s, x) => s + x, 0)).toBe(train.samples);
    const diagonal = train.confusion[0]! + train.confusion[3]!;
    expect(train.accuracy).toBeCloseTo(diagonal / train.samples, 12);
    expect(train.accuracy).toBeGreaterThan(0.8); // circles is learnt in 200 adam steps
    // examples are dataset rows, disjoint between training and validation
    const rowsOf = (x: typeof train) => new Set(x.examples.flat());
    for (const r of rowsOf(val)) expect(rowsOf(train).has(r)).toBe(false);
    a.send({ type: 'request-metrics', id: 5, maxRows: 10 });
    const capped = await a.waitFor('metrics', (e) => e.replyTo === 5);
    expect(capped.train).toMatchObject({ samples: 10, omitted: train.samples - 10 });
  });

  it('answers null metrics for regression', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config });
    a.send({ type: 'request-metrics', id: 9, maxRows: 5 });
    const m = await a.waitFor('metrics', (e) => e.replyTo === 9);
    expect(m).toMatchObject({ task: 'regression', train: null, validation: null, classNames: null });
  });
});
