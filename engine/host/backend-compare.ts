/**
 * `compare-backends`: one forward + backward pass of the current parameters on the current batch,
 * on a float32 backend and on the cpu-f64 reference, compared element by element. This is how a
 * user tells float32 rounding (relative differences around 1e-7…1e-4) from a kernel bug (O(1)).
 */
import type { Backend } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { gatherRows } from '../core/matrix.js';
import type { Matrix } from '../core/matrix.js';
import { BatchSchedule } from '../train/batching.js';
import { forwardBackward } from '../train/forward-backward.js';
import type { Session } from '../train/session.js';
import type { BackendLayerComparison, EventBody } from '../protocol/events.js';
import { decimate } from '../protocol/matrix-payload.js';
import type { MatrixName, MatrixPayload } from '../protocol/matrix-payload.js';

/** Relative differences divide by max(|reference|, REL_FLOOR) so exact zeros do not blow up. */
export const REL_FLOOR = 1e-12;

/**
 * |a − r| / max(|r|, floor) per element (or |a − r| with `shown: 'absolute'`) as a payload, and
 * the largest relative and absolute differences (NaN wins).
 */
export function relativeDiff(
  a: Matrix,
  r: Matrix,
  layer: number,
  name: MatrixName,
  maxSize: number,
  shown: 'relative' | 'absolute' = 'relative',
): { payload: MatrixPayload; maxRel: number; maxAbs: number } {
  const d = new Float64Array(a.data.length);
  let maxRel = 0;
  let maxAbs = 0;
  for (let k = 0; k < d.length; k++) {
    const ref = r.data[k]!;
    const abs = Math.abs(a.data[k]! - ref);
    const rel = abs / Math.max(Math.abs(ref), REL_FLOOR);
    d[k] = shown === 'relative' ? rel : abs;
    if (!(rel <= maxRel)) maxRel = rel; // also takes NaN, which then sticks
    if (!(abs <= maxAbs)) maxAbs = abs;
  }
  return { payload: decimate({ rows: a.rows, cols: a.cols, data: d }, layer, name, maxSize), maxRel, maxAbs };
}

/**
 * The batch of 0-based step `stepIndex` (the session's schedule is a pure function of the training
 * rows, batch size and seed, so any step's batch can be recomputed without keeping it).
 */
export function batchOfStep(session: Session, stepIndex: number): { X: Matrix; Y: Matrix } {
  const schedule = new BatchSchedule(session.trainRows, session.config.batchSize, session.config.seed);
  const rows = schedule.slot(stepIndex).rows;
  // The session's own rows: after the normalisation it fitted, exactly what the step trained on.
  return { X: gatherRows(session.data.X, rows), Y: gatherRows(session.data.Y, rows) };
}

/** The batch the session's step in progress uses (the next step's at a step boundary). */
export function currentBatch(session: Session): { X: Matrix; Y: Matrix } {
  return batchOfStep(session, session.position.step);
}

export async function compareBackends(
  session: Session,
  fast: Backend,
  maxSize: number,
): Promise<EventBody<'backend-comparison'>> {
  const spec = session.config.model;
  const step = session.position.step;
  const parameters = await session.parameters();
  const { X, Y } = currentBatch(session);
  const reference = new Cpu64Backend();
  const [f, r] = await Promise.all([
    forwardBackward(fast, spec, parameters, X, Y),
    forwardBackward(reference, spec, parameters, X, Y),
  ]);
  reference.dispose();
  let worst = 0;
  const layers: BackendLayerComparison[] = f.layers.map((l, i) => {
    const ref = r.layers[i]!;
    const G = relativeDiff(l.G, ref.G, i, 'G', maxSize);
    const dW = relativeDiff(l.dW, ref.dW, i, 'dW', maxSize);
    const db = relativeDiff(l.db, ref.db, i, 'db', maxSize);
    for (const x of [G.maxRel, dW.maxRel, db.maxRel]) if (!(x <= worst)) worst = x;
    return {
      layer: i,
      G: G.payload,
      dW: dW.payload,
      db: db.payload,
      maxRelError: { G: G.maxRel, dW: dW.maxRel, db: db.maxRel },
      maxAbsError: { G: G.maxAbs, dW: dW.maxAbs, db: db.maxAbs },
    };
  });
  return {
    type: 'backend-comparison',
    reference: 'cpu-f64',
    backend: fast.name,
    step,
    batchRows: X.rows,
    loss: { fast: f.loss, reference: r.loss },
    layers,
    maxRelError: worst,
  };
}
