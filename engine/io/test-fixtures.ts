/** Small, hand-written files shared by the io and CLI tests. */
import { fromRows } from '../core/matrix.js';
import type { WeightsFile } from './weights-file.js';
import type { BatchFile } from './batch-file.js';

/** 2 → 3 (tanh) → 1 (identity), sse. */
export function tinyWeights(): WeightsFile {
  return {
    model: {
      inputSize: 2,
      layers: [
        { units: 3, activation: 'tanh' },
        { units: 1, activation: 'identity' },
      ],
      loss: 'sse',
    },
    parameters: {
      W: [
        fromRows([
          [0.1, -0.2, 0.30000000000000004],
          [1e-300, -5e-324, 123456789.125],
        ]),
        fromRows([[0.5], [-0.25], [2]]),
      ],
      b: [fromRows([[0, 0.01, -0.02]]), fromRows([[0.7]])],
    },
  };
}

export function tinyBatch(): BatchFile {
  return {
    X: fromRows([
      [0.5, -1],
      [0.1, 0.2],
      [-0.3, 0.9],
    ]),
    Y: fromRows([[1], [0], [-0.5]]),
  };
}
