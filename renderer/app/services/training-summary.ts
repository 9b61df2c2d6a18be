/**
 * A weights file's "training" block in words ("300 steps, adam, lr 0.01, full batch, final loss
 * 0.0123 (validation 0.0150), cpu-f32, 4.2 s"), for the import summary instead of raw JSON.
 */
import { sig4 } from './hit-stats.js';

export interface TrainingBlock {
  readonly steps?: number;
  readonly epochs?: number;
  readonly optimizer?: string | { readonly kind: string };
  readonly learningRate?: number;
  readonly batchSize?: number | 'full';
  readonly seed?: number;
  readonly finalLoss?: number;
  readonly finalValidationLoss?: number | null;
  readonly backend?: string;
  readonly seconds?: number;
}

export function describeTraining(t: TrainingBlock): string {
  const parts: string[] = [];
  if (t.steps !== undefined) parts.push(`${t.steps} step${t.steps === 1 ? '' : 's'}${t.epochs !== undefined ? ` (${t.epochs} epoch${t.epochs === 1 ? '' : 's'})` : ''}`);
  if (t.optimizer !== undefined) parts.push(typeof t.optimizer === 'string' ? t.optimizer : t.optimizer.kind);
  if (t.learningRate !== undefined) parts.push(`lr ${sig4(t.learningRate)}`);
  if (t.batchSize !== undefined) parts.push(t.batchSize === 'full' ? 'full batch' : `batch ${t.batchSize}`);
  if (t.seed !== undefined) parts.push(`seed ${t.seed}`);
  if (t.finalLoss !== undefined)
    parts.push(`final loss ${sig4(t.finalLoss)}${t.finalValidationLoss !== undefined && t.finalValidationLoss !== null ? ` (validation ${sig4(t.finalValidationLoss)})` : ''}`);
  if (t.backend !== undefined) parts.push(t.backend);
  if (t.seconds !== undefined) parts.push(`${t.seconds.toFixed(1)} s`);
  return parts.join(', ');
}
