/**
 * The tensors an attached recording keeps for its newest received steps (manifest `attachedSteps`,
 * version 2): read back and checked against the model, and turned into the gradients file of
 * FORMATS.md exactly as PyTorch computed them (no recomputation: the user's batch never left their
 * process). Decimated steps are kept as sent but cannot make a gradients file.
 */
import type { Matrix } from '../core/matrix.js';
import type { GradientsFile, GradientLayer } from '../io/gradients-file.js';
import type { ModelSpec } from '../model/spec.js';
import type { BlobTensor } from './container.js';
import { SessionFileError } from './errors.js';
import type { AttachedStepTensors } from './write.js';

/** What `backend` says in a gradients file made from recorded PyTorch tensors (float32 values). */
export const ATTACHED_GRADIENTS_BACKEND = 'cpu-f32';
/** The extra key that says where the numbers came from (readers that do not know it ignore it). */
export const ATTACHED_GRADIENTS_SOURCE = 'pytorch (attached)';

/** How to record steps that can be exported (the message a decimated step is refused with). */
export const RECORD_FULL_HINT =
  'record full tensors with `backprop-lens serve --headless --record FILE --max-size 0` (no decimation)';

const NAME = /^(A|H|G|W|dW|b|db|dX)_(\d{1,4})$/;

/** The full shape FORMATS gives each tensor name of the model, for batch size n. */
function fullShape(model: ModelSpec, name: string, index: number, n: number): [number, number] | null {
  const sizes = [model.inputSize, ...model.layers.map((l) => l.units)];
  const L = model.layers.length;
  switch (name) {
    case 'A':
      return index <= L ? [n, sizes[index]!] : null;
    case 'dX':
      return index === 0 ? [n, sizes[0]!] : null;
    case 'H':
    case 'G':
      return index < L ? [n, sizes[index + 1]!] : null;
    case 'W':
    case 'dW':
      return index < L ? [sizes[index]!, sizes[index + 1]!] : null;
    case 'b':
    case 'db':
      return index < L ? [1, sizes[index + 1]!] : null;
    default:
      return null;
  }
}

/** Checks a step blob's tensors: known names, float32, 2-D, and full shapes unless decimated. */
export function checkAttachedTensors(
  tensors: readonly BlobTensor[],
  model: ModelSpec,
  decimated: boolean,
  entry: string,
): void {
  const n = tensors.find((t) => t.name === 'A_0')?.shape[0] ?? tensors.find((t) => t.name === 'H_0')?.shape[0];
  for (const t of tensors) {
    const m = NAME.exec(t.name);
    const shape = m ? fullShape(model, m[1]!, Number(m[2]), n ?? 0) : null;
    if (!m || !shape)
      throw new SessionFileError(
        `the tensor "${t.name}" is not a tensor of the ${model.layers.length}-layer model`,
        entry,
      );
    if (t.precision !== 'f32')
      throw new SessionFileError(`the tensor "${t.name}" is ${t.precision}, expected f32`, entry);
    if (t.shape.length !== 2)
      throw new SessionFileError(
        `the tensor "${t.name}" has shape [${t.shape.join(', ')}], expected 2 dimensions`,
        entry,
      );
    // Decimated batch tensors keep some of the rows, so only their width is bounded.
    const batchShaped = ['A', 'H', 'G', 'dX'].includes(m[1]!);
    const fits = decimated
      ? (batchShaped || t.shape[0]! <= shape[0]) && t.shape[1]! <= shape[1]
      : t.shape[0] === shape[0] && t.shape[1] === shape[1];
    if (!fits)
      throw new SessionFileError(
        `the tensor "${t.name}" has shape [${t.shape.join(', ')}], the model says [${shape.join(', ')}]${decimated ? ' at most' : ''}`,
        entry,
      );
  }
}

/** The gradients file of a recorded full step; RangeError (the message to show) when it cannot be made. */
export function attachedGradients(step: AttachedStepTensors, model: ModelSpec): GradientsFile {
  if (step.decimated)
    throw new RangeError(
      `step ${step.step} was recorded decimated (the client sent reduced tensors), so it has no exact gradients: ${RECORD_FULL_HINT}`,
    );
  if (!Number.isFinite(step.loss))
    throw new RangeError(`step ${step.step} has loss ${step.loss}: a gradients file holds finite numbers only`);
  const byName = new Map(step.tensors.map((t) => [t.name, t]));
  const get = (key: string): Matrix => {
    const t = byName.get(key);
    if (!t) throw new RangeError(`step ${step.step} was recorded without ${key}, which a gradients file needs`);
    for (let k = 0; k < t.data.length; k++)
      if (!Number.isFinite(t.data[k]!))
        throw new RangeError(
          `step ${step.step}: ${key} holds ${t.data[k]} at cell ${k}; a gradients file holds finite numbers only`,
        );
    return { rows: t.shape[0]!, cols: t.shape[1]!, data: Float64Array.from(t.data) };
  };
  const L = model.layers.length;
  const layers: GradientLayer[] = [];
  for (let i = 0; i < L; i++)
    layers.push({ A: get(`A_${i}`), H: get(`H_${i}`), G: get(`G_${i}`), dW: get(`dW_${i}`), db: get(`db_${i}`) });
  return {
    backend: ATTACHED_GRADIENTS_BACKEND,
    loss: step.loss,
    output: get(`A_${L}`),
    layers,
    dX: byName.has('dX_0') ? get('dX_0') : inputGradient(layers[0]!.G, get('W_0')),
    extra: { source: ATTACHED_GRADIENTS_SOURCE, step: step.step },
  };
}

/** ∂L/∂X = G_0 W_0ᵀ (float64) when the client did not send X.grad. */
function inputGradient(G: Matrix, W: Matrix): Matrix {
  const out = new Float64Array(G.rows * W.rows);
  for (let r = 0; r < G.rows; r++)
    for (let c = 0; c < W.rows; c++) {
      let s = 0;
      for (let k = 0; k < G.cols; k++) s += G.data[r * G.cols + k]! * W.data[c * W.cols + k]!;
      out[r * W.rows + c] = s;
    }
  return { rows: G.rows, cols: W.rows, data: out };
}
