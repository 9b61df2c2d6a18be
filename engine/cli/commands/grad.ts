/** `backprop-lens grad`: one forward + backward pass of a weights file on a batch → a gradients file. */
import { frobenius } from '../../core/matrix.js';
import { writeGradientsFile } from '../../io/node-files.js';
import { serializeGradients } from '../../io/gradients-file.js';
import { forwardBackward } from '../../train/forward-backward.js';
import { type CommandSpec, choiceOption, parseCommandArgs, str } from '../args.js';
import { BACKEND_CHOICES, openBackend } from '../backends.js';
import { backendOption } from '../model-options.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../errors.js';
import { num, plural, table } from '../format.js';
import { commandHelp } from '../help.js';
import { WEIGHTS_AND_BATCH_OPTIONS, loadWeightsAndBatch } from '../inputs.js';
import { refuseOutputOverInput } from '../outputs.js';
import { displayPath, resolvePath } from '../paths.js';

export const gradSpec: CommandSpec = {
  name: 'grad',
  brief: 'One forward + backward pass of a weights file on a batch → a gradients file.',
  summary:
    'Run one forward and one backward pass of a weights file on a batch and write every intermediate (A_i, H_i, G_i = ∂L/∂H_i, ∂L/∂W_i, ∂L/∂b_i, ∂L/∂X) to a gradients file. No update is made.',
  usage: '--weights W.json --data BATCH.json [--out GRADS.json] [--backend cpu|cpu32|gpu]',
  maxPositionals: 0,
  options: [
    ...WEIGHTS_AND_BATCH_OPTIONS,
    {
      name: 'out',
      short: 'o',
      type: 'string',
      value: 'FILE',
      description: "Gradients file to write ('-' for standard output). Without it only the summary is printed.",
    },
    backendOption('cpu (float64 reference), cpu32 (float32) or gpu (WebGPU float32 through dawn.node).'),
  ],
  notes: [
    'The file is written atomically: a failed run never leaves a partial file. The summary goes to standard output (to standard error with --out -).',
  ],
  examples: [
    ['backprop-lens grad --weights w.json --data batch.json --out grads.json', 'gradients of a batch in float64'],
    [
      'backprop-lens grad -w w.json -d batch.json --backend gpu --out grads-gpu.json',
      'the same pass on the GPU, to compare with the float64 file',
    ],
  ],
};

export async function runGrad(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(gradSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(gradSpec));
    return EXIT_OK;
  }
  const backendChoice = choiceOption(str(values, 'backend') ?? 'cpu', 'backend', 'grad', BACKEND_CHOICES);
  const out = str(values, 'out');
  if (out !== undefined) {
    await refuseOutputOverInput(io, 'grad', { flag: '--out', path: out }, [
      { flag: '--weights', path: str(values, 'weights')! },
      { flag: '--data', path: str(values, 'data')! },
    ]);
  }
  const { weights, batch, batchName } = await loadWeightsAndBatch(io, str(values, 'weights')!, str(values, 'data')!);

  const backend = await openBackend(backendChoice);
  let result;
  try {
    result = await forwardBackward(backend, weights.model, weights.parameters, batch.X, batch.Y);
  } finally {
    backend.dispose();
  }

  const report = out === '-' ? io.stderr : io.stdout;
  if (out === '-') io.stdout.write(serializeGradients(result));
  else if (out !== undefined) await writeGradientsFile(resolvePath(io, out), result, displayPath(io, out));

  const rows = result.layers.map((l, i) => [
    String(i),
    `${l.A.cols}→${l.H.cols}`,
    weights.model.layers[i]!.activation,
    num(frobenius(l.G)),
    num(frobenius(l.dW)),
    num(frobenius(l.db)),
  ]);
  report.write(
    `${result.backend}: ${plural(batch.X.rows, 'sample')} from ${batchName}, loss (${weights.model.loss}) = ${num(result.loss, 8)}\n\n`,
  );
  report.write(table(['layer', 'shape', 'activation', '‖G‖', '‖∂L/∂W‖', '‖∂L/∂b‖'], rows));
  report.write(`‖∂L/∂X‖ = ${num(frobenius(result.dX))}\n`);
  if (out !== undefined && out !== '-') report.write(`wrote ${displayPath(io, out)}\n`);
  return EXIT_OK;
}
