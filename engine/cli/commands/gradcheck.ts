/**
 * `backprop-lens gradcheck`: analytic gradients (from a backend, or from a gradients file someone
 * computed by hand) against float64 central finite differences, per layer; exit 1 over tolerance.
 */
import { DEFAULT_EPS, DEFAULT_MAX_PER_LAYER, gradcheck } from '../../gradcheck/gradcheck.js';
import type { GradcheckResult, LayerGradcheck } from '../../gradcheck/gradcheck.js';
import { FormatError } from '../../io/format-error.js';
import type { GradientsFile } from '../../io/gradients-file.js';
import { readGradientsFile } from '../../io/node-files.js';
import { layerWidths } from '../../model/spec.js';
import type { Backend } from '../../backends/backend.js';
import { type CommandSpec, choiceOption, flag, integerOption, numberOption, parseCommandArgs, str } from '../args.js';
import { BACKEND_CHOICES, openBackend } from '../backends.js';
import { backendOption } from '../model-options.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.js';
import { num, plural, table } from '../format.js';
import { commandHelp } from '../help.js';
import { WEIGHTS_AND_BATCH_OPTIONS, type WeightsAndBatch, loadWeightsAndBatch } from '../inputs.js';
import { displayPath, resolvePath } from '../paths.js';

export const gradcheckSpec: CommandSpec = {
  name: 'gradcheck',
  brief: 'Check gradients against float64 finite differences, per layer (exit 1 if over tolerance).',
  summary:
    'Check the gradients ∂L/∂W_i and ∂L/∂b_i against central finite differences of the float64 reference, element by element, and print the largest relative error of each layer. Exits with 1 when any layer is over the tolerance.',
  usage:
    '--weights W.json --data BATCH.json [--tolerance T] [--sample N] [--backend cpu|cpu32|gpu | --gradients GRADS.json]',
  maxPositionals: 0,
  options: [
    ...WEIGHTS_AND_BATCH_OPTIONS,
    {
      name: 'tolerance',
      short: 't',
      type: 'string',
      value: 'T',
      description: 'Largest relative error that passes.',
      defaultText: '1e-6 for float64 gradients, 1e-2 for float32',
    },
    {
      name: 'sample',
      short: 'n',
      type: 'string',
      value: 'N',
      description: 'Check at most N parameters per layer (a seeded random sample beyond that; the output says so).',
      defaultText: String(DEFAULT_MAX_PER_LAYER),
    },
    { name: 'seed', type: 'string', value: 'N', description: 'Seed of the sample.', defaultText: '0' },
    { name: 'eps', type: 'string', value: 'EPS', description: 'Finite-difference step ε.', defaultText: '1e-6' },
    backendOption('Whose analytic gradients to check: cpu, cpu32 or gpu.'),
    {
      name: 'gradients',
      short: 'g',
      type: 'string',
      value: 'FILE',
      description: 'Check the dW/db of a gradients file instead (e.g. from your own implementation or from `grad`).',
    },
    { name: 'json', type: 'boolean', description: 'Print the result as JSON on standard output.' },
  ],
  notes: [
    'relative error = |analytic − numeric| / max(|analytic|, |numeric|, floor), where the floor keeps entries near 0 from turning rounding noise into large relative errors. ReLU kinks (where the finite difference straddles 0) are reported, not counted.',
  ],
  examples: [
    ['backprop-lens gradcheck --weights w.json --data batch.json', 'the float64 reference against finite differences'],
    [
      'backprop-lens gradcheck -w w.json -d batch.json --gradients mine.json --tolerance 1e-5',
      'check gradients your own code wrote',
    ],
    [
      'backprop-lens gradcheck -w big.json -d batch.json --sample 200 --backend gpu',
      'a sample of 200 per layer, WebGPU gradients',
    ],
  ],
};

export async function runGradcheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(gradcheckSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(gradcheckSpec));
    return EXIT_OK;
  }
  const tolerance =
    str(values, 'tolerance') === undefined
      ? undefined
      : numberOption(str(values, 'tolerance')!, 'tolerance', 'gradcheck', { min: 0, minExclusive: true });
  const maxPerLayer = integerOption(str(values, 'sample') ?? String(DEFAULT_MAX_PER_LAYER), 'sample', 'gradcheck', 1);
  const seed = integerOption(str(values, 'seed') ?? '0', 'seed', 'gradcheck', 0, 2 ** 32 - 1);
  const eps = numberOption(str(values, 'eps') ?? String(DEFAULT_EPS), 'eps', 'gradcheck', {
    min: 0,
    minExclusive: true,
    max: 1,
  });
  const gradientsArg = str(values, 'gradients');
  if (gradientsArg !== undefined && str(values, 'backend') !== undefined) {
    throw new UsageError(
      'give either --backend (compute the gradients) or --gradients (check a file), not both',
      'gradcheck',
    );
  }
  const backendChoice = choiceOption(str(values, 'backend') ?? 'cpu', 'backend', 'gradcheck', BACKEND_CHOICES);
  const inputs = await loadWeightsAndBatch(io, str(values, 'weights')!, str(values, 'data')!);
  const { weights, batch } = inputs;
  const common = { eps, maxPerLayer, seed, ...(tolerance !== undefined ? { tolerance } : {}) };

  let result: GradcheckResult;
  let source: string;
  if (gradientsArg !== undefined) {
    const name = displayPath(io, gradientsArg);
    const grads = await readGradientsFile(resolvePath(io, gradientsArg), name);
    checkGradientsFit(grads, inputs, name);
    const precision = grads.backend === 'cpu-f64' ? 'f64' : 'f32';
    result = await gradcheck(weights.model, weights.parameters, batch.X, batch.Y, {
      ...common,
      analytic: { dW: grads.layers.map((l) => l.dW), db: grads.layers.map((l) => l.db), precision },
    });
    source = `${name} (${grads.backend})`;
  } else {
    const backend: Backend = await openBackend(backendChoice);
    try {
      result = await gradcheck(weights.model, weights.parameters, batch.X, batch.Y, { ...common, backend });
    } finally {
      backend.dispose();
    }
    source = result.backend;
  }

  if (flag(values, 'json')) io.stdout.write(`${JSON.stringify(toJson(result, source), null, 2)}\n`);
  else io.stdout.write(describe(result, source, inputs));
  if (!result.passed) {
    const failed = result.layers.filter((l) => !l.passed).map((l) => l.layer);
    io.stderr.write(
      `backprop-lens: gradient check failed: ${failed.length === 1 ? 'layer' : 'layers'} ${failed.join(', ')} over tolerance ${num(result.tolerance)} (max relative error ${num(result.maxRelError)})\n`,
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

/** A gradients file must be for this model and, to mean anything, for this batch. */
function checkGradientsFit(g: GradientsFile, { weights, batch, batchName }: WeightsAndBatch, name: string): void {
  const p = layerWidths(weights.model);
  if (g.layers.length !== weights.model.layers.length) {
    throw new FormatError(
      `has ${plural(g.layers.length, 'layer')}, the model has ${weights.model.layers.length}`,
      ['layers'],
      { file: name },
    );
  }
  g.layers.forEach((l, i) => {
    if (l.dW.rows !== p[i] || l.dW.cols !== p[i + 1]) {
      throw new FormatError(
        `is ${l.dW.rows}×${l.dW.cols}, W_${i} of the model is ${p[i]}×${p[i + 1]}`,
        ['layers', i, 'dW'],
        { file: name },
      );
    }
  });
  const A0 = g.layers[0]!.A;
  // A float32 backend stores X rounded to float32: that is still this batch.
  const same =
    A0.rows === batch.X.rows &&
    A0.cols === batch.X.cols &&
    A0.data.every((v, k) => v === batch.X.data[k] || v === Math.fround(batch.X.data[k]!));
  if (!same) {
    throw new FormatError(
      `is not the X of ${batchName}: these gradients were computed on another batch`,
      ['layers', 0, 'A'],
      { file: name },
    );
  }
}

function worstText(l: LayerGradcheck): string {
  const w = l.worst;
  if (!w) return '-';
  const at = w.param === 'W' ? `W[${w.row}][${w.col}]` : `b[${w.col}]`;
  return `${at}: ${num(w.analytic, 6)} vs ${num(w.numeric, 6)}`;
}

function describe(r: GradcheckResult, source: string, inputs: WeightsAndBatch): string {
  const rows = r.layers.map((l) => [
    String(l.layer),
    String(l.total),
    l.sampled ? `${l.checked} (sample)` : String(l.checked),
    num(l.maxRelError),
    num(l.maxAbsError),
    worstText(l),
    l.passed ? 'ok' : 'FAIL',
  ]);
  const lines = [
    `gradient check of ${inputs.weightsName} on ${inputs.batchName} (${plural(inputs.batch.X.rows, 'sample')}), loss ${num(r.loss, 8)}`,
    `analytic: ${source}; numeric: float64 central differences, ε = ${num(r.eps)}; tolerance ${num(r.tolerance)}`,
    '',
    table(
      ['layer', 'params', 'checked', 'max rel error', 'max abs error', 'worst (analytic vs numeric)', 'result'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'l', 'l'],
    ),
  ];
  const kinks = r.layers.reduce((s, l) => s + kinkCount(l), 0);
  if (kinks > 0)
    lines.push(`${plural(kinks, 'element')} at a ReLU kink (the finite difference straddles 0) not counted.`);
  if (r.sampled)
    lines.push('Layers marked (sample) were checked on a seeded random sample of their parameters (--sample, --seed).');
  lines.push(r.passed ? 'PASS: every layer is within the tolerance.' : 'FAIL: see the layers marked FAIL.');
  return `${lines.join('\n')}\n`;
}

function kinkCount(l: LayerGradcheck): number {
  return l.kinkCount;
}

function toJson(r: GradcheckResult, source: string): unknown {
  return {
    passed: r.passed,
    analytic: source,
    precision: r.precision,
    eps: r.eps,
    tolerance: r.tolerance,
    loss: r.loss,
    maxRelError: r.maxRelError,
    sampled: r.sampled,
    layers: r.layers.map((l) => ({
      layer: l.layer,
      total: l.total,
      checked: l.checked,
      sampled: l.sampled,
      maxRelError: l.maxRelError,
      maxAbsError: l.maxAbsError,
      passed: l.passed,
      kinks: kinkCount(l),
      worst: l.worst,
    })),
  };
}
