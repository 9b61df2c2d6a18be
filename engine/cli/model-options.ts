/**
 * Network shape from the command line. `--layers 10,10,1` lists every layer's width after the
 * input (the last is the output layer and must match the targets); `--hidden` lists only hidden
 * layers, with `CxW` for C layers of W units, so the tutorial's [1] + 10×[10] + [1] is
 * `--hidden 10x10` (input and output widths come from the data). The option specs of the model
 * flags and of --backend are declared here once for the commands that share them.
 */
import { ACTIVATIONS, LOSSES } from '../model/spec.js';
import type { OptionSpec } from './args.js';
import { UsageError } from './errors.js';

export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax');

/** The flags that describe a model (train; grad and gradcheck take theirs from --weights). */
export const MODEL_OPTIONS: readonly OptionSpec[] = [
    {
      name: 'layers',
      short: 'l',
      type: 'string',
      value: 'W,W,…',
      description: 'Width of every layer after the input, output last, e.g. 10,10,1.',
    },
    {
      name: 'hidden',
      type: 'string',
      value: 'SPEC',
      description:
        "Hidden layers only: 16,8 or CxW for C layers of W units (10x10 is the tutorial's [1]+10×[10]+[1]); none for a linear model.",
      defaultText: '16,16',
    },
    {
      name: 'activation',
      short: 'a',
      type: 'string',
      value: 'NAME',
      description: `Hidden-layer activation: ${HIDDEN_ACTIVATIONS.join(', ')}.`,
      defaultText: 'tanh',
    },
    {
      name: 'output-activation',
      type: 'string',
      value: 'NAME',
      description: `Output activation: ${ACTIVATIONS.join(', ')}.`,
      defaultText: 'softmax for classification, identity for regression',
    },
    {
      name: 'loss',
      type: 'string',
      value: 'NAME',
      description: `Loss: ${LOSSES.join(', ')}.`,
      defaultText: 'cross-entropy for classification, mse for regression',
    },
    {
      name: 'init',
      type: 'string',
      value: 'SCHEME',
      description: 'Weight initialisation: xavier or he.',
      defaultText: 'he for relu hidden layers, else xavier',
    },
];

/** --backend: which backend runs the model (train, grad, gradcheck; each says what it runs). */
export function backendOption(description: string): OptionSpec {
  return { name: 'backend', short: 'b', type: 'string', value: 'NAME', description, defaultText: 'cpu' };
}

const MAX_LAYERS = 256;
const MAX_UNITS = 1_000_000;

function width(raw: string, flagName: string): number {
  if (!/^\d+$/.test(raw))
    throw new UsageError(`--${flagName}: '${raw}' is not a positive whole number of units`, 'train');
  const n = Number(raw);
  if (n < 1 || n > MAX_UNITS)
    throw new UsageError(`--${flagName}: a layer needs 1 to ${MAX_UNITS} units, got ${raw}`, 'train');
  return n;
}

/** "10x10" → ten 10s; "16,8" → [16, 8]; "3x16,8" → [16, 16, 16, 8]; "" / "none" / "0" → no hidden layer. */
export function parseHidden(spec: string): number[] {
  const s = spec.trim().toLowerCase();
  if (s === 'none' || s === '0') return [];
  const out: number[] = [];
  for (const part of s.split(',').map((p) => p.trim())) {
    if (part === '') throw new UsageError(`--hidden: empty entry in '${spec}' (write e.g. 16,8 or 10x10)`, 'train');
    const m = /^(\d+)\s*[x×*]\s*(\d+)$/.exec(part);
    if (m) {
      const count = Number(m[1]);
      if (count < 1 || count > MAX_LAYERS)
        throw new UsageError(`--hidden: '${part}' asks for ${m[1]} layers (1 to ${MAX_LAYERS})`, 'train');
      const w = width(m[2]!, 'hidden');
      for (let k = 0; k < count; k++) out.push(w);
    } else out.push(width(part, 'hidden'));
  }
  if (out.length > MAX_LAYERS)
    throw new UsageError(`--hidden: ${out.length} layers is more than ${MAX_LAYERS}`, 'train');
  return out;
}

/** "10,10,1" → [10, 10, 1]: every layer after the input, the output layer last. */
export function parseLayers(spec: string): number[] {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.some((p) => p === ''))
    throw new UsageError(`--layers: empty entry in '${spec}' (write e.g. 10,10,1)`, 'train');
  const out: number[] = [];
  for (const part of parts) {
    const m = /^(\d+)\s*[x×*]\s*(\d+)$/.exec(part);
    if (m) for (let k = 0; k < Number(m[1]); k++) out.push(width(m[2]!, 'layers'));
    else out.push(width(part, 'layers'));
  }
  if (out.length > MAX_LAYERS + 1)
    throw new UsageError(`--layers: ${out.length} layers is more than ${MAX_LAYERS + 1}`, 'train');
  return out;
}

/** Hidden widths from whichever flag was given, checking the output width against the data. */
export function hiddenWidths(
  layers: string | undefined,
  hidden: string | undefined,
  outputs: number,
  datasetName: string,
): number[] {
  if (layers !== undefined && hidden !== undefined) {
    throw new UsageError(
      'give either --layers (every layer, output last) or --hidden (hidden layers only), not both',
      'train',
    );
  }
  if (layers !== undefined) {
    const all = parseLayers(layers);
    const last = all[all.length - 1]!;
    if (last !== outputs) {
      throw new UsageError(
        `--layers ends with ${last} unit${last === 1 ? '' : 's'} but ${datasetName} has ${outputs} target column${outputs === 1 ? '' : 's'}: the last entry is the output layer (or use --hidden)`,
        'train',
      );
    }
    return all.slice(0, -1);
  }
  return hidden !== undefined ? parseHidden(hidden) : [16, 16];
}
