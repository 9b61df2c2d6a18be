/** `backprop-lens convert IN OUT`: weights from one format to another, chosen by the extensions. */
import { readWeightsAnyFormat, writeWeightsAnyFormat } from '../../io/interop/node-weight-files.js';
import { pytorchSnippet } from '../../io/interop/pytorch-snippet.js';
import { weightFormatOf } from '../../io/interop/weight-formats.js';
import type { WeightsHint } from '../../io/interop/array-weights.js';
import { ACTIVATIONS, LOSSES } from '../../model/spec.js';
import { type CommandSpec, choiceOption, parseCommandArgs, str } from '../args.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { architecture } from '../format.js';
import { commandHelp } from '../help.js';
import { displayPath, resolvePath } from '../paths.js';
import { packageVersion } from '../version.js';
import { basename } from 'node:path';

export const convertSpec: CommandSpec = {
  name: 'convert',
  brief: 'Convert weights between JSON, numpy .npz, PyTorch .safetensors and ONNX.',
  summary:
    'Read a weights file and write it in another format, each chosen by its extension: .json (backprop-lens/weights), .npz (W0, b0, … in FORMATS.md layout plus model_json), .safetensors (PyTorch nn.Sequential names: 0.weight is W_0ᵀ) and .onnx (Gemm and activation nodes). PyTorch .pt/.pth files are pickles and are refused with the two lines that convert them to safetensors.',
  usage: 'IN OUT [--activation A] [--output-activation A] [--loss L]',
  maxPositionals: 2,
  positionals: [
    ['IN', 'weights to read (.json, .npz, .safetensors, .onnx)'],
    ['OUT', 'file to write (.json, .npz, .safetensors, .onnx), atomically'],
  ],
  options: [
    {
      name: 'activation',
      type: 'string',
      value: 'NAME',
      description: `For a PyTorch state_dict without our metadata (it holds no activations): the hidden layers' activation (${ACTIVATIONS.filter((a) => a !== 'softmax').join(', ')}).`,
      defaultText: 'tanh',
    },
    {
      name: 'output-activation',
      type: 'string',
      value: 'NAME',
      description: 'Likewise, the output layer’s activation.',
      defaultText: 'identity',
    },
    {
      name: 'loss',
      type: 'string',
      value: 'NAME',
      description: `Likewise, the loss (${LOSSES.join(', ')}).`,
      defaultText: 'mse (cross-entropy with softmax)',
    },
  ],
  examples: [
    ['backprop-lens convert spiral.json spiral.safetensors', 'for PyTorch (prints the code that loads it)'],
    ['backprop-lens convert mlp.safetensors mlp.json --activation relu', 'a PyTorch state_dict into the debugger'],
    ['backprop-lens convert spiral.json spiral.onnx', 'for ONNX Runtime and Netron'],
  ],
};

export async function runConvert(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(convertSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(convertSpec));
    return EXIT_OK;
  }
  const [input, output] = positionals;
  if (input === undefined || output === undefined) throw new UsageError('convert needs IN and OUT files', 'convert');
  const outFormat = weightFormatOf(output);
  const activation = str(values, 'activation');
  const outputActivation = str(values, 'output-activation');
  const loss = str(values, 'loss');
  const hint: WeightsHint = {
    ...(activation
      ? {
          activation: choiceOption(
            activation,
            'activation',
            'convert',
            ACTIVATIONS.filter((a) => a !== 'softmax'),
          ),
        }
      : {}),
    ...(outputActivation
      ? { outputActivation: choiceOption(outputActivation, 'output-activation', 'convert', ACTIVATIONS) }
      : {}),
    ...(loss ? { loss: choiceOption(loss, 'loss', 'convert', LOSSES) } : {}),
  };
  const { weights, notes } = await readWeightsAnyFormat(resolvePath(io, input), displayPath(io, input), hint);
  for (const n of notes) io.stderr.write(`note: ${displayPath(io, input)}: ${n}\n`);
  await writeWeightsAnyFormat(resolvePath(io, output), weights, displayPath(io, output), {
    producerVersion: packageVersion(),
  });
  io.stdout.write(`${architecture(weights.model)} (${weights.model.loss}): wrote ${displayPath(io, output)}\n`);
  if (outFormat === 'safetensors')
    io.stdout.write(
      `\nLoad it in PyTorch:\n\n${pytorchSnippet(weights.model, basename(output), weights.preprocessing)}`,
    );
  if (outFormat === 'onnx') {
    io.stdout.write(
      'ONNX stores float32 weights: outputs match within float32 rounding. The loss is kept in the metadata, not the graph.\n',
    );
    // The graph starts at the first Gemm: raw inputs would give wrong answers without an error.
    if (weights.preprocessing)
      io.stderr.write(
        `note: ${displayPath(io, output)} does not hold ${displayPath(io, input)}'s preprocessing: normalise inputs as its "preprocessing" says (x' = (x − offset) / scale) before the graph\n`,
      );
  }
  return EXIT_OK;
}
