/**
 * The `request-metrics` command: accuracy, confusion matrix and per-class counts of the current
 * parameters on the training and validation rows (the first `maxRows` of each), through the
 * session's own forward pass. Regression sets answer with null metrics.
 */
import { gatherRows } from '../core/matrix.js';
import type { LabeledDataset } from '../data/types.js';
import { classificationMetrics } from '../telemetry/classification.js';
import type { Session } from '../train/session.js';
import type { CommandOf } from '../protocol/commands.js';
import type { ClassMetricsPayload, EventBody } from '../protocol/events.js';

async function measure(session: Session, dataset: LabeledDataset, rows: Int32Array, maxRows: number): Promise<ClassMetricsPayload | null> {
  if (rows.length === 0) return null;
  const pick = rows.subarray(0, Math.min(rows.length, maxRows));
  const Y = gatherRows(dataset.Y, pick);
  const { output } = await session.evaluate(gatherRows(dataset.X, pick), Y);
  const m = classificationMetrics(output, Y, pick);
  return { ...m, omitted: rows.length - pick.length };
}

export async function runRequestMetrics(session: Session, dataset: LabeledDataset, c: CommandOf<'request-metrics'>): Promise<EventBody<'metrics'>> {
  const step = session.position.step;
  if (dataset.meta.task !== 'classification')
    return { type: 'metrics', step, task: 'regression', classNames: null, train: null, validation: null };
  const train = await measure(session, dataset, session.trainRows, c.maxRows);
  const validation = await measure(session, dataset, session.validationRows, c.maxRows);
  return { type: 'metrics', step, task: 'classification', classNames: dataset.meta.classNames, train, validation };
}
