/**
 * The PyTorch code that rebuilds a network as nn.Sequential and loads an exported safetensors
 * file into it (shipped in the file's `__metadata__.pytorch` and printed by the CLI), and the
 * two lines that turn a PyTorch checkpoint into a file we can read.
 */
import type { Activation, ModelSpec } from '../../model/spec.js';

const MODULES: Readonly<Record<Exclude<Activation, 'identity'>, string>> = {
  tanh: 'nn.Tanh()',
  sigmoid: 'nn.Sigmoid()',
  relu: 'nn.ReLU()',
  softmax: 'nn.Softmax(dim=-1)',
};

export function pytorchSnippet(model: ModelSpec, fileName: string): string {
  const widths = [model.inputSize, ...model.layers.map((l) => l.units)];
  const modules = model.layers.flatMap((l, i) => [
    `nn.Linear(${widths[i]}, ${widths[i + 1]})`,
    ...(l.activation === 'identity' ? [] : [MODULES[l.activation]]),
  ]);
  return [
    'import torch',
    'from torch import nn',
    'from safetensors.torch import load_file  # pip install safetensors',
    '',
    `model = nn.Sequential(${modules.join(', ')}).double()`,
    `model.load_state_dict(load_file(${JSON.stringify(fileName)}))`,
    `# Inputs are ${model.inputSize} features per row (float64); trained with the ${model.loss} loss.`,
    `x = torch.zeros(1, ${model.inputSize}, dtype=torch.float64)`,
    'print(model(x))',
    '',
  ].join('\n');
}

/** What to run in Python to turn a .pt/.pth checkpoint into safetensors (no pickle here). */
export const PICKLE_CONVERSION =
  'from safetensors.torch import save_file\n' +
  'save_file({k: v.contiguous() for k, v in model.state_dict().items()}, "weights.safetensors")';
