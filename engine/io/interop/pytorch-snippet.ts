/**
 * The PyTorch code that rebuilds a network as nn.Sequential and loads an exported safetensors
 * file into it (shipped in the file's `__metadata__.pytorch` and printed by the CLI), and the
 * two lines that turn a PyTorch checkpoint into a file we can read.
 */
import { parsePreprocessing } from '../../data/preprocessing.js';
import type { ColumnTransform } from '../../data/types.js';
import type { Activation, ModelSpec } from '../../model/spec.js';
import type { JsonObject } from '../decode.js';

const MODULES: Readonly<Record<Exclude<Activation, 'identity'>, string>> = {
  tanh: 'nn.Tanh()',
  sigmoid: 'nn.Sigmoid()',
  relu: 'nn.ReLU()',
  softmax: 'nn.Softmax(dim=-1)',
};

/**
 * `preprocessing` is the weights file's record of how inputs (and regression targets) were
 * normalised for training: the snippet applies it, because the network fed raw columns answers
 * nonsense (iris: chance accuracy) without any error.
 */
export function pytorchSnippet(model: ModelSpec, fileName: string, preprocessing?: JsonObject): string {
  const widths = [model.inputSize, ...model.layers.map((l) => l.units)];
  const modules = model.layers.flatMap((l, i) => [
    `nn.Linear(${widths[i]}, ${widths[i + 1]})`,
    ...(l.activation === 'identity' ? [] : [MODULES[l.activation]]),
  ]);
  const pre = transformsOf(preprocessing);
  const inputs = pre === 'unreadable' ? null : pre.inputs;
  const outputs = pre === 'unreadable' ? null : pre.outputs;
  return [
    'import torch',
    'from torch import nn',
    'from safetensors.torch import load_file  # pip install safetensors',
    '',
    `model = nn.Sequential(${modules.join(', ')}).double()`,
    `model.load_state_dict(load_file(${JSON.stringify(fileName)}))`,
    `# Inputs are ${model.inputSize} features per row (float64); trained with the ${model.loss} loss.`,
    ...(pre === 'unreadable'
      ? ["# The weights file's preprocessing could not be read: normalise x as it describes."]
      : []),
    ...(inputs
      ? transformLines(
          inputs,
          'x',
          'The network was trained on normalised inputs: give it (x - x_offset) / x_scale, never raw columns',
        )
      : []),
    `x = torch.zeros(1, ${model.inputSize}, dtype=torch.float64)${inputs ? '  # raw inputs' : ''}`,
    `y = model(${inputs ? '(x - x_offset) / x_scale' : 'x'})`,
    ...(outputs
      ? [
          ...transformLines(
            outputs,
            'y',
            'The network predicts normalised targets: y * y_scale + y_offset is in their units',
          ),
          'y = y * y_scale + y_offset',
        ]
      : []),
    'print(y)',
    '',
  ].join('\n');
}

function transformsOf(
  preprocessing: JsonObject | undefined,
): { inputs: ColumnTransform | null; outputs: ColumnTransform | null } | 'unreadable' {
  if (preprocessing === undefined) return { inputs: null, outputs: null };
  try {
    return parsePreprocessing(preprocessing);
  } catch {
    return 'unreadable';
  }
}

function transformLines(t: ColumnTransform, name: string, why: string): string[] {
  const tensor = (v: readonly number[]): string => `torch.tensor(${JSON.stringify(v)}, dtype=torch.float64)`;
  return [
    `# ${why} (${t.method}, fitted on the training rows; columns ${t.names.join(', ')}).`,
    `${name}_offset = ${tensor(t.offset)}`,
    `${name}_scale = ${tensor(t.scale)}`,
  ];
}

/** What to run in Python to turn a .pt/.pth checkpoint into safetensors (no pickle here). */
export const PICKLE_CONVERSION =
  'from safetensors.torch import save_file\n' +
  'save_file({k: v.contiguous() for k, v in model.state_dict().items()}, "weights.safetensors")';
