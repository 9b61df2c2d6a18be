/** Helpers shared by the generators: wrap raw rows into labelled datasets with their metadata. */
import type { LabeledDataset } from '../types.js';

export function classification(
  name: string,
  X: Float64Array,
  p: number,
  labels: Int32Array,
  classNames: readonly string[],
  featureNames: readonly string[],
): LabeledDataset {
  const n = labels.length;
  const K = classNames.length;
  const Y = new Float64Array(n * K);
  for (let i = 0; i < n; i++) Y[i * K + labels[i]!] = 1;
  return {
    X: { rows: n, cols: p, data: X },
    Y: { rows: n, cols: K, data: Y },
    meta: { name, task: 'classification', featureNames, targetNames: classNames, classNames, preprocessing: null },
  };
}

export function regression(
  name: string,
  X: Float64Array,
  p: number,
  Y: Float64Array,
  featureNames: readonly string[],
  targetName = 'y',
): LabeledDataset {
  const n = X.length / p;
  return {
    X: { rows: n, cols: p, data: X },
    Y: { rows: n, cols: 1, data: Y },
    meta: { name, task: 'regression', featureNames, targetNames: [targetName], classNames: null, preprocessing: null },
  };
}
