/**
 * The built-in datasets by name, with their parameters described as data so the CLI
 * (`train --dataset spiral --noise 0.2`) and the dashboard can list them, show defaults and
 * ranges, and validate what a person typed. Every set is generated from its seed alone.
 */
import { createRng, type Rng } from '../core/rng.js';
import { DatasetError } from './errors.js';
import { digits } from './generators/digits.js';
import { gaussianBumps, plane, sine, xsin } from './generators/functions.js';
import { circles, gaussians, moons, spiral, xor } from './generators/planar.js';
import type { LabeledDataset, TaskKind } from './types.js';

export interface ParamSpec {
  readonly name: string;
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export interface BuiltinInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly task: TaskKind;
  readonly inputSize: number;
  /** Target columns with the default parameters (classes for classification). */
  readonly outputSize: number;
  readonly params: readonly ParamSpec[];
}

export type BuiltinParams = Readonly<Record<string, number>>;

export interface GeneratedBuiltin {
  readonly train: LabeledDataset;
  /** Drawn independently (its own random stream), or the evaluation grid of the 1-D curves. */
  readonly test: LabeledDataset;
  /** Every parameter, defaults filled in: enough to regenerate the exact same data. */
  readonly params: BuiltinParams;
}

const p = (name: string, description: string, def: number, min: number, max: number, integer = false): ParamSpec => ({
  name,
  description,
  default: def,
  min,
  max,
  integer,
});

const seed = p('seed', 'random seed: the same seed gives the same data', 1, 0, 2 ** 32 - 1, true);
const samples = (def: number, max = 100_000): ParamSpec => p('n', 'number of training samples', def, 1, max, true);
const testSamples = (def: number, description = 'number of test samples', max = 100_000): ParamSpec =>
  p('testN', description, def, 1, max, true);
const noise = (def: number, description = 'std of Gaussian noise added to the inputs'): ParamSpec =>
  p('noise', description, def, 0, 10);

interface Entry {
  readonly info: BuiltinInfo;
  readonly make: (rng: Rng, q: BuiltinParams, part: 'train' | 'test') => LabeledDataset;
}

function entry(info: Omit<BuiltinInfo, 'params'> & { params: ParamSpec[] }, make: Entry['make']): Entry {
  return { info: { ...info, params: [...info.params, seed] }, make };
}

const ENTRIES: readonly Entry[] = [
  entry(
    {
      name: 'circles',
      title: 'Circles',
      task: 'classification',
      inputSize: 2,
      outputSize: 2,
      description: 'A disc inside a ring: not linearly separable, needs a hidden layer.',
      params: [samples(200), testSamples(200), noise(0.05)],
    },
    (rng, q, part) => circles(rng, part === 'train' ? q.n! : q.testN!, q.noise!),
  ),
  entry(
    {
      name: 'xor',
      title: 'XOR',
      task: 'classification',
      inputSize: 2,
      outputSize: 2,
      description: 'Four quadrants, opposite corners share a class: the classic XOR problem.',
      params: [samples(200), testSamples(200), noise(0.05)],
    },
    (rng, q, part) => xor(rng, part === 'train' ? q.n! : q.testN!, q.noise!),
  ),
  entry(
    {
      name: 'gaussians',
      title: 'Two Gaussians',
      task: 'classification',
      inputSize: 2,
      outputSize: 2,
      description: 'Two Gaussian blobs; linearly separable unless the noise (their spread) is large.',
      params: [samples(200), testSamples(200), noise(0.25, 'std of each blob')],
    },
    (rng, q, part) => gaussians(rng, part === 'train' ? q.n! : q.testN!, q.noise!),
  ),
  entry(
    {
      name: 'spiral',
      title: 'Spiral',
      task: 'classification',
      inputSize: 2,
      outputSize: 2,
      description: 'Interleaved spiral arms, one class each: hard, needs depth or width.',
      params: [
        samples(300),
        testSamples(300),
        noise(0.05, 'angular jitter of the arms'),
        p('classes', 'number of arms (classes)', 2, 2, 10, true),
        p('turns', 'turns of each arm', 1, 0.25, 4),
      ],
    },
    (rng, q, part) => spiral(rng, part === 'train' ? q.n! : q.testN!, q.noise!, q.classes!, q.turns!),
  ),
  entry(
    {
      name: 'moons',
      title: 'Two moons',
      task: 'classification',
      inputSize: 2,
      outputSize: 2,
      description: 'Two interleaving half circles (scikit-learn make_moons).',
      params: [samples(200), testSamples(200), noise(0.1)],
    },
    (rng, q, part) => moons(rng, part === 'train' ? q.n! : q.testN!, q.noise!),
  ),
  entry(
    {
      name: 'plane',
      title: 'Plane (regression)',
      task: 'regression',
      inputSize: 2,
      outputSize: 1,
      description: 'y = (x1 + x2)/2 on [-1, 1]²: a linear model fits it exactly.',
      params: [samples(200), testSamples(200), noise(0.05, 'std of Gaussian noise added to y')],
    },
    (rng, q, part) => plane(rng, part === 'train' ? q.n! : q.testN!, q.noise!),
  ),
  entry(
    {
      name: 'gaussian-regression',
      title: 'Gaussian bumps (regression)',
      task: 'regression',
      inputSize: 2,
      outputSize: 1,
      description: 'Two positive and two negative Gaussian bumps on [-1, 1]²: a smooth non-linear surface.',
      params: [samples(300), testSamples(300), noise(0.05, 'std of Gaussian noise added to y')],
    },
    (rng, q, part) => gaussianBumps(rng, part === 'train' ? q.n! : q.testN!, q.noise!),
  ),
  entry(
    {
      name: 'xsin',
      title: 'y = x·sin(4πx)',
      task: 'regression',
      inputSize: 1,
      outputSize: 1,
      description: "The first tutorial's task: 100 random training points on [0, 1], tested on a 1000-point grid.",
      params: [
        samples(100),
        testSamples(1000, 'points of the evenly spaced test grid on [0, 1]'),
        noise(0, 'std of Gaussian noise added to training y'),
        p('grid', '1: evenly spaced training points instead of random', 0, 0, 1, true),
      ],
    },
    (rng, q, part) => (part === 'train' ? xsin(rng, q.n!, q.noise!, q.grid === 1) : xsin(rng, q.testN!, 0, true)),
  ),
  entry(
    {
      name: 'sine',
      title: 'y = sin(x)',
      task: 'regression',
      inputSize: 1,
      outputSize: 1,
      description: 'One period of a sine on [-π, π]; tested on an evenly spaced grid.',
      params: [
        samples(100),
        testSamples(1000, 'points of the evenly spaced test grid on [-π, π]'),
        noise(0, 'std of Gaussian noise added to training y'),
        p('grid', '1: evenly spaced training points instead of random', 0, 0, 1, true),
      ],
    },
    (rng, q, part) => (part === 'train' ? sine(rng, q.n!, q.noise!, q.grid === 1) : sine(rng, q.testN!, 0, true)),
  ),
  entry(
    {
      name: 'digits',
      title: 'Digits 8×8 (synthetic)',
      task: 'classification',
      inputSize: 64,
      outputSize: 10,
      description:
        'Generated 8×8 grey images of the digits 0–9 (stroke glyphs with random distortion and noise; not real handwriting).',
      params: [
        samples(1000, 20_000),
        testSamples(500, 'number of test images', 20_000),
        noise(0.05, 'std of pixel noise (intensities are in [0, 1])'),
        p('jitter', 'strength of the random rotation, scale, shear and shift', 1, 0, 3),
      ],
    },
    (rng, q, part) => digits(rng, part === 'train' ? q.n! : q.testN!, q.noise!, q.jitter!),
  ),
];

export const BUILTIN_DATASETS: readonly BuiltinInfo[] = ENTRIES.map((e) => e.info);

export function builtinNames(): string[] {
  return ENTRIES.map((e) => e.info.name);
}

function findEntry(name: string): Entry {
  const key = name.trim().toLowerCase();
  const e = ENTRIES.find((x) => x.info.name === key);
  if (e === undefined) {
    throw new DatasetError(
      'unknown-dataset',
      `no built-in dataset "${name}" (built-ins: ${builtinNames().join(', ')})`,
      { field: 'dataset' },
    );
  }
  return e;
}

export function builtinInfo(name: string): BuiltinInfo {
  return findEntry(name).info;
}

/** Fills defaults and checks every value (strings from a command line are parsed). */
export function resolveParams(
  name: string,
  given: Readonly<Record<string, number | string | boolean>> = {},
): BuiltinParams {
  const info = findEntry(name).info;
  const out: Record<string, number> = {};
  for (const key of Object.keys(given)) {
    if (!info.params.some((q) => q.name === key)) {
      throw new DatasetError(
        'bad-param',
        `"${info.name}" has no parameter "${key}" (parameters: ${info.params.map((q) => q.name).join(', ')})`,
        { field: key },
      );
    }
  }
  for (const spec of info.params) {
    const raw = given[spec.name];
    let v: number;
    if (raw === undefined) v = spec.default;
    else if (typeof raw === 'boolean') v = raw ? 1 : 0;
    else if (typeof raw === 'string') {
      v = raw.trim() === '' ? NaN : Number(raw);
    } else v = raw;
    if (!Number.isFinite(v))
      throw new DatasetError('bad-param', `${spec.name} must be a number, got ${JSON.stringify(raw)}`, {
        field: spec.name,
      });
    if (spec.integer && !Number.isInteger(v))
      throw new DatasetError('bad-param', `${spec.name} must be a whole number, got ${v}`, { field: spec.name });
    if (v < spec.min || v > spec.max) {
      throw new DatasetError('bad-param', `${spec.name} must be between ${spec.min} and ${spec.max}, got ${v}`, {
        field: spec.name,
      });
    }
    out[spec.name] = v;
  }
  return out;
}

/** Generates a built-in's training and test sets from its parameters (defaults for those not given). */
export function generateBuiltin(
  name: string,
  given: Readonly<Record<string, number | string | boolean>> = {},
): GeneratedBuiltin {
  const e = findEntry(name);
  const params = resolveParams(name, given);
  const root = createRng(params.seed!);
  const trainRng = root.fork();
  const testRng = root.fork();
  return { train: e.make(trainRng, params, 'train'), test: e.make(testRng, params, 'test'), params };
}
