/**
 * "Validation loss rising while training loss falls": the classic overfitting sign, read from the
 * loss curves. Compares the mean of the latest window of validation-measured steps with the
 * lowest windowed mean before it, and the training loss over the same span; small wiggles (under
 * `minRise` relative) do not count.
 */
export interface OverfitNote {
  /** Step from which validation loss has been rising (the windowed minimum). */
  readonly sinceStep: number;
  /** Relative rise of the validation loss from that minimum, e.g. 0.12 = 12 %. */
  readonly validationRise: number;
  /** Relative fall of the training loss over the same span (positive = fell). */
  readonly trainFall: number;
}

export function detectOverfitting(
  steps: readonly number[],
  train: readonly number[],
  validation: readonly number[],
  window = 5,
  minRise = 0.05,
): OverfitNote | null {
  // Only steps where the validation loss was measured.
  const idx: number[] = [];
  for (let k = 0; k < steps.length; k++) if (Number.isFinite(validation[k]) && Number.isFinite(train[k])) idx.push(k);
  if (idx.length < 3 * window) return null;
  const mean = (from: number, arr: readonly number[]) => {
    let s = 0;
    for (let j = from; j < from + window; j++) s += arr[idx[j]!]!;
    return s / window;
  };
  const lastFrom = idx.length - window;
  const valNow = mean(lastFrom, validation);
  const trainNow = mean(lastFrom, train);
  let best = Infinity;
  let bestFrom = 0;
  for (let from = 0; from + window <= lastFrom; from++) {
    const v = mean(from, validation);
    if (v < best) {
      best = v;
      bestFrom = from;
    }
  }
  if (!(best > 0) || bestFrom + window > lastFrom) return null;
  const validationRise = (valNow - best) / best;
  const trainThen = mean(bestFrom, train);
  const trainFall = trainThen > 0 ? (trainThen - trainNow) / trainThen : 0;
  if (validationRise < minRise || trainFall <= 0) return null;
  return { sinceStep: steps[idx[bestFrom]!]!, validationRise, trainFall };
}
