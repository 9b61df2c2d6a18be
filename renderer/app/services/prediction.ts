/**
 * What the network computes for given inputs, for the decision boundary, the fitted curve and
 * "imported weights give the same predictions". The engine's `predict` command is the source of
 * truth (its backend, current parameters). During time travel the weights are those of a past
 * step: the engine's forward pass runs on them in the page (forward.ts).
 */
import type { MatrixView } from './matrix.js';
import type { EngineLink } from './engine-link.js';
import type { Preprocessing } from '../../../engine/index.js';
import { forward, type DenseLayer } from './forward.js';

/** F = A_L for the rows of X (n × outputs). */
export type Evaluator = (X: MatrixView) => MatrixView | Promise<MatrixView>;

/** F from the engine, at its current parameters. */
export function enginePredictor(link: EngineLink): Evaluator {
  return async (X) => {
    const e = await link.request({ type: 'predict', X: { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) } }, 'prediction');
    return e.F;
  };
}

/** F from given weights (a past step's), for raw inputs as `predict` takes them (the run's preprocessing applied). */
export function localPredictor(layers: readonly DenseLayer[], preprocessing: Preprocessing | null): Evaluator {
  return (X) => forward(X, layers, preprocessing);
}
