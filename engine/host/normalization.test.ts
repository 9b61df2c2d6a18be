/**
 * The dashboard's path (load-dataset → configure) normalises on the session's own training rows:
 * the statistics of the validation rows never reach training (they did when the loader fitted
 * the normalisation on every row before the session split off its validation rows).
 */
import { describe, expect, it } from 'vitest';
import { config, setup } from './host-test-kit.js';

/** 20 rows where the rows held out for validation are far from the others (a leak would show). */
function csv(): Uint8Array {
  const lines = ['a,b,y'];
  for (let i = 0; i < 20; i++) lines.push(`${i * i},${(i % 7) - 3},${i % 2}`);
  return new TextEncoder().encode(lines.join('\n'));
}

function columnMoments(
  m: { rows: number; cols: number; data: ArrayLike<number> },
  j: number,
): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < m.rows; i++) mean += m.data[i * m.cols + j]!;
  mean /= m.rows;
  let v = 0;
  for (let i = 0; i < m.rows; i++) v += (m.data[i * m.cols + j]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / m.rows) };
}

describe('normalisation over the protocol', () => {
  it('is fitted on the training rows of the session split: A_0 (the full training batch) has mean 0 and sd 1', async () => {
    const p = await setup();
    p.send({
      type: 'load-dataset',
      id: 1,
      source: { kind: 'file', fileName: 'd.csv', bytes: csv(), options: { task: 'regression', targets: ['y'] } },
    });
    await p.waitFor('dataset-loaded');
    p.send({
      type: 'configure',
      id: 2,
      config: {
        ...config,
        model: { ...config.model, inputSize: 2 },
        batchSize: 'full',
        validationFraction: 0.3,
        normalize: { inputs: 'standardize' },
      },
    });
    const configured = await p.waitFor('configured', (e) => e.replyTo === 2);
    expect(configured.validationSize).toBe(6);
    expect(configured.preprocessing?.inputs?.method).toBe('standardize');
    p.send({ type: 'step', id: 3 });
    await p.waitFor('state', (e) => e.replyTo === 3);
    p.send({ type: 'request-matrix', id: 4, layer: 0, name: 'A' });
    const A0 = (await p.waitFor('matrix', (e) => e.replyTo === 4)).matrix;
    expect(A0.rows).toBe(14);
    for (const j of [0, 1]) {
      const { mean, std } = columnMoments(A0, j);
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(std).toBeCloseTo(1, 6);
    }
  });

  it('predict takes X in the data units and applies the session normalisation itself', async () => {
    const p = await setup();
    p.send({
      type: 'load-dataset',
      id: 1,
      source: { kind: 'file', fileName: 'd.csv', bytes: csv(), options: { task: 'regression', targets: ['y'] } },
    });
    await p.waitFor('dataset-loaded');
    const base = { ...config, batchSize: 'full' as const, validationFraction: 0.3 };
    p.send({ type: 'configure', id: 2, config: { ...base, normalize: { inputs: 'min-max' } } });
    const c = await p.waitFor('configured', (e) => e.replyTo === 2);
    const t = c.preprocessing!.inputs!;
    const X = { rows: 1, cols: 2, data: new Float64Array([100, 2]) };
    p.send({ type: 'predict', id: 3, X });
    const viaEngine = (await p.waitFor('prediction', (e) => e.replyTo === 3)).F.data[0]!;
    // The same network given pre-scaled inputs on a session without normalisation.
    p.send({ type: 'export', id: 4, what: 'weights' });
    const exported = await p.waitFor('export', (e) => e.replyTo === 4);
    expect(exported.contents).toContain('"preprocessing"');
    const scaled = [(100 - t.offset[0]!) / t.scale[0]!, (2 - t.offset[1]!) / t.scale[1]!];
    const q = await setup();
    q.send({
      type: 'load-dataset',
      id: 1,
      source: { kind: 'file', fileName: 'd.csv', bytes: csv(), options: { task: 'regression', targets: ['y'] } },
    });
    await q.waitFor('dataset-loaded');
    q.send({ type: 'configure', id: 2, config: base });
    await q.waitFor('configured', (e) => e.replyTo === 2);
    q.send({ type: 'predict', id: 3, X: { rows: 1, cols: 2, data: new Float64Array(scaled) } });
    const direct = (await q.waitFor('prediction', (e) => e.replyTo === 3)).F.data[0]!;
    expect(viaEngine).toBeCloseTo(direct, 12);
  });
});
