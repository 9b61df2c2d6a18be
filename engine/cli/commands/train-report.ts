/**
 * `train`'s report: the metrics of the trained network on the training, validation and test sets
 * (loss, and the relative L2 error in target units or the accuracy), the summary printed at the
 * end (text or JSON), and the weights file written with --export.
 */
import { type Matrix, gatherRows } from '../../core/matrix.js';
import { invertTransform } from '../../data/preprocessing.js';
import type { LabeledDataset } from '../../data/types.js';
import type { JsonObject } from '../../io/decode.js';
import type { WeightsFile } from '../../io/weights-file.js';
import type { ModelSpec } from '../../model/spec.js';
import type { Session } from '../../train/session.js';
import type { OptimizerConfig } from '../../train/types.js';
import type { TrainingData } from '../dataset-source.js';
import { architecture, duration, num, plural, table } from '../format.js';
import { packageVersion } from '../version.js';

export interface Summary {
  readonly dataset: string;
  readonly model: ModelSpec;
  readonly parameters: number;
  readonly optimizer: OptimizerConfig;
  readonly batch: number | 'full';
  readonly backend: string;
  readonly steps: number;
  readonly epochs: number;
  readonly seconds: number;
  readonly interrupted: boolean;
  readonly metrics: Record<'train' | 'validation' | 'test', Metrics | null>;
  readonly exported: string | null;
}

export interface Metrics {
  readonly samples: number;
  readonly loss: number;
  /** Regression: ‖F − Y‖ / ‖Y‖ in the targets' original units. */
  readonly relativeL2Error?: number;
  /** Classification: fraction of samples whose largest output is the true class. */
  readonly accuracy?: number;
}

/** Loss on a set plus the task's natural metric, in the targets' original units. */
export async function measure(session: Session, ds: LabeledDataset): Promise<Metrics> {
  const { loss, output } = await session.evaluate(ds.X, ds.Y);
  if (ds.meta.task === 'classification') {
    let correct = 0;
    for (let i = 0; i < ds.Y.rows; i++) if (argmax(output, i) === argmax(ds.Y, i)) correct++;
    return { samples: ds.X.rows, loss, accuracy: correct / ds.Y.rows };
  }
  const t = ds.meta.preprocessing?.outputs ?? null;
  const F = t ? invertTransform(output, t) : output;
  const Y = t ? invertTransform(ds.Y, t) : ds.Y;
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < Y.data.length; k++) {
    diff += (F.data[k]! - Y.data[k]!) ** 2;
    norm += Y.data[k]! ** 2;
  }
  return { samples: ds.X.rows, loss, relativeL2Error: norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff) };
}

function argmax(m: Matrix, row: number): number {
  let best = 0;
  for (let j = 1; j < m.cols; j++) if (m.data[row * m.cols + j]! > m.data[row * m.cols + best]!) best = j;
  return best;
}

export function rowsOf(ds: LabeledDataset, rows: Int32Array): LabeledDataset {
  return { X: gatherRows(ds.X, rows), Y: gatherRows(ds.Y, rows), meta: ds.meta };
}


export function weightsFor(
  s: Summary,
  data: TrainingData,
  parameters: WeightsFile['parameters'],
  seed: number,
  initFrom: string | null,
): WeightsFile {
  const m = s.metrics;
  const meta = data.train.meta;
  return {
    model: s.model,
    parameters,
    ...(meta.preprocessing ? { preprocessing: meta.preprocessing as unknown as JsonObject } : {}),
    training: {
      steps: s.steps,
      epochs: s.epochs,
      optimizer: { ...s.optimizer },
      learningRate: s.optimizer.lr,
      batchSize: s.batch,
      seed,
      finalLoss: m.train!.loss,
      finalValidationLoss: m.validation?.loss ?? null,
      backend: s.backend,
      seconds: Number(s.seconds.toFixed(3)),
      ...(m.test ? { testLoss: m.test.loss } : {}),
      ...(m.test?.relativeL2Error !== undefined ? { testRelativeL2Error: m.test.relativeL2Error } : {}),
      ...(m.test?.accuracy !== undefined ? { testAccuracy: m.test.accuracy } : {}),
      ...(initFrom !== null ? { initializedFrom: initFrom } : {}),
    },
    dataset: {
      name: data.name,
      features: [...meta.featureNames],
      targets: [...meta.targetNames],
      samples: data.train.X.rows,
      ...(data.builtinParams ? { builtin: { ...data.builtinParams } } : {}),
    },
    createdWith: `backprop-lens ${packageVersion()} (cli)`,
  };
}

export function describe(s: Summary): string {
  const arch = architecture(s.model);
  const opt =
    s.optimizer.kind === 'adam'
      ? `adam lr ${num(s.optimizer.lr)}`
      : `sgd lr ${num(s.optimizer.lr)}${s.optimizer.momentum > 0 ? ` momentum ${s.optimizer.momentum}` : ''}`;
  const lines = [
    `${s.interrupted ? 'interrupted after' : 'trained'} ${plural(s.steps, 'step')} (${plural(s.epochs, 'epoch')}) in ${duration(s.seconds * 1000)} on ${s.backend}` +
      ` (${num(s.steps / Math.max(s.seconds, 1e-9), 3)} steps/s)`,
    `model: ${arch}; loss ${s.model.loss}; ${plural(s.parameters, 'parameter')}; ${opt}; batch ${s.batch}`,
    `data: ${s.dataset}`,
    '',
  ];
  const regression = s.metrics.train?.relativeL2Error !== undefined;
  const header = ['set', 'samples', 'loss', regression ? 'rel. L2 error' : 'accuracy'];
  const rows = (['train', 'validation', 'test'] as const)
    .filter((k) => s.metrics[k] !== null)
    .map((k) => {
      const m = s.metrics[k]!;
      const extra = regression ? num(m.relativeL2Error!) : `${(100 * m.accuracy!).toFixed(1)}%`;
      return [k, String(m.samples), num(m.loss), extra];
    });
  lines.push(table(header, rows));
  if (s.exported) lines.push(s.exported === '-' ? 'wrote the weights to standard output' : `wrote ${s.exported}`);
  return `${lines.join('\n')}\n`;
}
