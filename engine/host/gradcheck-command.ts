/**
 * The `gradcheck` command: finite differences in float64 on a seeded sample of the training rows,
 * against the gradients of the session's own backend; for a fast backend also the same pass on the
 * cpu-f64 reference, element by element (is a mismatch the math or the float32 rounding?).
 */
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { gatherRows } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import type { LabeledDataset } from '../data/types.js';
import { gradcheck, gradcheckDefaults } from '../gradcheck/index.js';
import { layerWidths } from '../model/spec.js';
import { forwardBackward } from '../train/forward-backward.js';
import type { Session } from '../train/session.js';
import type { CommandOf } from '../protocol/commands.js';
import type { BackendDiff, EventBody } from '../protocol/events.js';
import { decimate } from '../protocol/matrix-payload.js';
import { relativeDiff } from './backend-compare.js';
import type { Matrix } from '../core/matrix.js';

/** Runs the check; `progress` is told when the finite differences start (the slow part). */
export async function runGradcheck(
  session: Session,
  dataset: LabeledDataset,
  c: CommandOf<'gradcheck'>,
  maxSize: number,
  progress: (event: EventBody<'progress'>) => Promise<void>,
): Promise<EventBody<'gradcheck-result'>> {
  const spec = session.config.model;
  const parameters = await session.parameters();
  const rng = createRng(c.seed);
  const rows = Int32Array.from(session.trainRows);
  rng.shuffle(rows);
  const pick = rows.subarray(0, Math.min(rows.length, c.batchRows));
  const X = gatherRows(dataset.X, pick);
  const Y = gatherRows(dataset.Y, pick);
  const precision = session.backend.precision;
  const tolerance = c.tolerance ?? gradcheckDefaults(precision).tolerance;
  await progress({
    type: 'progress',
    task: 'gradcheck',
    done: 0,
    total: spec.layers.length,
    message: 'finite differences in float64',
  });
  const total = Math.max(
    ...layerWidths(spec)
      .slice(1)
      .map((w, i) => layerWidths(spec)[i]! * w + w),
  );
  const r = await gradcheck(spec, parameters, X, Y, {
    backend: session.backend,
    eps: c.eps,
    tolerance,
    maxPerLayer: c.maxElementsPerLayer === 0 ? total : c.maxElementsPerLayer,
    seed: c.seed,
    onProgress: (done, of) =>
      progress({ type: 'progress', task: 'gradcheck', done, total: of, message: 'finite differences in float64' }),
  });
  const size = maxSize;
  const param = (rel: { rows: number; cols: number; data: Float64Array }, layer: number, name: 'W' | 'b') => {
    let checked = 0;
    let max = 0;
    for (const v of rel.data) {
      if (Number.isNaN(v)) continue;
      checked++;
      if (v > max) max = v;
    }
    return { maxRelError: max, checked, total: rel.data.length, relError: decimate(rel, layer, name, size) };
  };
  const reference =
    session.backend.name === 'cpu-f64' ? null : await compareWithReference(session, parameters, X, Y, size);
  const body: EventBody<'gradcheck-result'> = {
    type: 'gradcheck-result',
    backend: session.backend.name,
    eps: r.eps,
    tolerance: r.tolerance,
    loss: r.loss,
    batchRows: X.rows,
    passed: r.passed,
    sampled: r.sampled,
    maxRelError: r.maxRelError,
    layers: r.layers.map((l) => ({
      layer: l.layer,
      W: param(l.relErrorW, l.layer, 'W'),
      b: param(l.relErrorB, l.layer, 'b'),
      passed: l.passed,
    })),
    reference,
  };
  return body;
}

async function compareWithReference(
  session: Session,
  parameters: {
    W: { rows: number; cols: number; data: Float64Array }[];
    b: { rows: number; cols: number; data: Float64Array }[];
  },
  X: { rows: number; cols: number; data: Float64Array },
  Y: { rows: number; cols: number; data: Float64Array },
  maxSize: number,
): Promise<{ layers: { layer: number; dW: BackendDiff; db: BackendDiff }[] }> {
  const spec = session.config.model;
  const reference = new Cpu64Backend();
  const [fast, ref] = await Promise.all([
    forwardBackward(session.backend, spec, parameters, X, Y),
    forwardBackward(reference, spec, parameters, X, Y),
  ]);
  reference.dispose();
  // The gradient check shows the absolute difference per element (its own heatmaps show the relative error).
  const diff = (a: Matrix, b: Matrix, layer: number, name: 'dW' | 'db'): BackendDiff => {
    const d = relativeDiff(a, b, layer, name, maxSize, 'absolute');
    return { maxAbsDiff: d.maxAbs, maxRelDiff: d.maxRel, diff: d.payload };
  };
  return {
    layers: fast.layers.map((l, i) => ({
      layer: i,
      dW: diff(l.dW, ref.layers[i]!.dW, i, 'dW'),
      db: diff(l.db, ref.layers[i]!.db, i, 'db'),
    })),
  };
}
