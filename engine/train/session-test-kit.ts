/** Shared fixtures of the Session tests: a small regression set, a model, configurations, a maker. */
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type FloatArray, type Matrix, matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import type { ModelSpec } from '../model/spec.js';
import { Session, type SessionOptions } from './session.js';
import type { Dataset, OptimizerConfig, TrainConfig } from './types.js';

export const bits = (m: Matrix<FloatArray>): number[] => Array.from(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));

export function regression(n: number, seed = 3): Dataset {
  const rng = createRng(seed);
  const X = matrix(n, 2);
  const Y = matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const c = rng.uniform(-1, 1);
    X.data[2 * i] = a;
    X.data[2 * i + 1] = c;
    Y.data[i] = Math.sin(2 * a) + 0.5 * c;
  }
  return { X, Y };
}

export const adam: OptimizerConfig = { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-3 };
export const sgdMomentum: Extract<OptimizerConfig, { kind: 'sgd' }> = { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 };
export const spec: ModelSpec = {
  inputSize: 2,
  layers: [
    { units: 5, activation: 'tanh' },
    { units: 4, activation: 'relu' },
    { units: 1, activation: 'identity' },
  ],
  loss: 'mse',
};

export function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    model: spec,
    init: 'xavier',
    optimizer: adam,
    batchSize: 8,
    seed: 7,
    validationFraction: 0.25,
    historySize: 50,
    ...over,
  };
}

export const make = (over: Partial<TrainConfig> = {}, data = regression(30), opts: SessionOptions = {}): Promise<Session> =>
  Session.create(config(over), data, new Cpu64Backend(), opts);
