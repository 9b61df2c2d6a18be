/**
 * The model and training configuration the user edits (layers, activations, loss, optimizer,
 * learning rate, batch size, initialisation, seed), the shape of every matrix it implies, and
 * what the engine answered when it was applied (the op list of one step, the parameter count).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import {
  modelSpecSchema,
  type Activation,
  type BackendName,
  type EventOf,
  type LossKind,
  type ModelSpec,
  type TrainConfigInput,
} from '../../../engine/protocol/index.js';
import {
  checkMemoryFits,
  describeEstimate,
  estimateSessionMemory,
  type MemoryEstimate,
} from '../../../engine/index.js';
import { useDataStore } from './data.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';
import { plainIssue } from '../services/plain-words.js';

export const HIDDEN_ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'identity'];
export const OUTPUT_ACTIVATIONS: readonly Activation[] = ['identity', 'sigmoid', 'tanh', 'relu', 'softmax'];
export const LOSS_KINDS: readonly LossKind[] = ['sse', 'mse', 'cross-entropy'];

export interface HiddenLayer {
  units: number;
  activation: Activation;
}

export interface MatrixShape {
  readonly name: string;
  readonly tex: string;
  readonly rows: number | 'n';
  readonly cols: number;
  readonly role: string;
}

export type ParameterSource =
  | { kind: 'init'; scheme: 'xavier' | 'he' }
  | { kind: 'imported'; fileName: string; inputSize: number; outputSize: number; parameters: { W: MatrixIn[]; b: MatrixIn[] } };
interface MatrixIn {
  rows: number;
  cols: number;
  data: Float64Array<ArrayBuffer> | Float32Array<ArrayBuffer> | number[];
}

export const useModelStore = defineStore('model', () => {
  const hidden = ref<HiddenLayer[]>([{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }]);
  const outputActivation = ref<Activation>('identity');
  const loss = ref<LossKind>('mse');
  const optimizer = ref<'sgd' | 'adam'>('sgd');
  const lr = ref(0.1);
  const momentum = ref(0);
  const weightDecay = ref(0);
  const batchSize = ref<number | 'full'>('full');
  const init = ref<'xavier' | 'he'>('xavier');
  const seed = ref(1);
  const validationFraction = ref(0.2);
  const historySize = ref(200);
  /** The training state (parameters, optimizer buffers) the history may hold, MiB: older steps past it can be viewed, not resumed from. */
  const historyMemoryMiB = ref(256);
  const backend = ref<BackendName | 'auto'>('auto');
  /** Imported weights to start from instead of a fresh initialisation. */
  const imported = shallowRef<Extract<ParameterSource, { kind: 'imported' }> | null>(null);
  const applying = ref(false);
  const configured = shallowRef<EventOf<'configured'> | null>(null);
  /** The learning rate the engine's run uses now: the applied one, or the last set while training (setRunLearningRate). */
  const runLearningRate = ref<number | null>(null);
  /** The learning rate of the configuration the engine runs (what a reset goes back to). */
  let appliedLearningRate: number | null = null;
  /** True when the form differs from what the engine runs. */
  const dirty = ref(true);

  const data = useDataStore();
  // Imported weights fix the sizes; otherwise the data does.
  const inputSize = computed(() => imported.value?.inputSize ?? data.loaded?.inputSize ?? 2);
  const outputSize = computed(() => imported.value?.outputSize ?? data.loaded?.outputSize ?? 1);

  // A classification set wants softmax + cross-entropy; a regression set identity + mse.
  watch(
    () => data.task,
    (task) => {
      if (task === 'classification') {
        outputActivation.value = 'softmax';
        loss.value = 'cross-entropy';
      } else if (task === 'regression') {
        outputActivation.value = 'identity';
        loss.value = 'mse';
      }
    },
  );
  watch(
    [hidden, outputActivation, loss, optimizer, lr, momentum, weightDecay, batchSize, init, seed, validationFraction, historySize, historyMemoryMiB, backend, inputSize, outputSize],
    () => {
      dirty.value = true;
    },
    { deep: true },
  );

  const spec = computed<ModelSpec>(() => ({
    inputSize: inputSize.value,
    layers: [...hidden.value.map((l) => ({ units: l.units, activation: l.activation })), { units: outputSize.value, activation: outputActivation.value }],
    loss: loss.value,
  }));

  /** The first problem with the form, naming the field; null when it can be applied. */
  const problem = computed<string | null>(() => {
    const r = modelSpecSchema.safeParse(spec.value);
    if (!r.success) return plainIssue(r.error.issues[0]!, spec.value.layers.length);
    const out = spec.value.layers[spec.value.layers.length - 1]!;
    if (out.activation === 'softmax' && loss.value !== 'cross-entropy') return 'A softmax output needs the cross-entropy loss.';
    if (loss.value === 'cross-entropy' && out.activation !== 'softmax') return 'Cross-entropy needs a softmax output layer.';
    const imp = imported.value;
    if (imp) {
      const units = spec.value.layers.map((x) => x.units);
      const fits = imp.parameters.W.length === units.length && imp.parameters.W.every((w, i) => w.cols === units[i]);
      if (!fits) return `The layers no longer match the imported weights (${imp.fileName}); undo the change or use initialisation instead.`;
    }
    const l = data.loaded;
    if (imported.value && l && (l.inputSize !== imported.value.inputSize || l.outputSize !== imported.value.outputSize)) {
      return `The imported weights expect ${imported.value.inputSize} inputs and ${imported.value.outputSize} outputs; the data has ${l.inputSize} and ${l.outputSize}.`;
    }
    if (!(lr.value > 0) || !Number.isFinite(lr.value)) return 'The learning rate must be a positive number.';
    if (batchSize.value !== 'full' && !(Number.isInteger(batchSize.value) && batchSize.value >= 1)) return 'The batch size must be a whole number ≥ 1 or "full".';
    if (!(validationFraction.value >= 0 && validationFraction.value < 1)) return 'The validation fraction must be in [0, 1).';
    return null;
  });

  /** Every matrix of FORMATS.md with its shape (n = samples per batch). */
  const shapes = computed<MatrixShape[]>(() => {
    const p = [spec.value.inputSize, ...spec.value.layers.map((l) => l.units)];
    const out: MatrixShape[] = [];
    for (let i = 0; i + 1 < p.length; i++) {
      out.push({ name: `A_${i}`, tex: `A_{${i}}`, rows: 'n', cols: p[i]!, role: i === 0 ? 'input X' : `activations of layer ${i - 1}` });
      out.push({ name: `W_${i}`, tex: `W_{${i}}`, rows: p[i]!, cols: p[i + 1]!, role: 'weights (fan-in × fan-out)' });
      out.push({ name: `b_${i}`, tex: `b_{${i}}`, rows: 1, cols: p[i + 1]!, role: 'bias' });
      out.push({ name: `H_${i}`, tex: `H_{${i}}`, rows: 'n', cols: p[i + 1]!, role: 'pre-activation' });
      out.push({ name: `G_${i}`, tex: `G_{${i}}`, rows: 'n', cols: p[i + 1]!, role: '∂L/∂H' });
    }
    out.push({ name: `F`, tex: `F = A_{${p.length - 1}}`, rows: 'n', cols: p[p.length - 1]!, role: 'output' });
    return out;
  });
  const parameterCount = computed(() => {
    const p = [spec.value.inputSize, ...spec.value.layers.map((l) => l.units)];
    let n = 0;
    for (let i = 0; i + 1 < p.length; i++) n += p[i]! * p[i + 1]! + p[i + 1]!;
    return n;
  });

  /**
   * What training this configuration will take in memory (the engine's own estimate: parameters,
   * gradients, optimizer state, activations for a batch, the history budget), updated as the user
   * edits; the engine refuses a configuration that does not fit, so the form says so first.
   */
  const memory = computed<MemoryEstimate>(() => {
    const rows = data.loaded?.samples ?? 1000;
    const trainRows = Math.max(1, Math.round(rows * (1 - validationFraction.value)));
    const optimizerKind =
      optimizer.value === 'adam' ? { kind: 'adam' as const } : { kind: 'sgd' as const, momentum: momentum.value };
    return estimateSessionMemory(
      {
        model: spec.value,
        optimizer: optimizerKind,
        batchSize: batchSize.value,
        historySize: historySize.value,
        historyBytes: Math.max(0, Math.round(historyMemoryMiB.value * 2 ** 20)),
      },
      trainRows,
      { precision: backend.value === 'cpu-f64' ? 'f64' : 'f32' },
    );
  });
  const memoryText = computed(() => describeEstimate(memory.value));
  const memoryProblem = computed<string | null>(() => {
    try {
      checkMemoryFits(memory.value);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  });

  function addLayer(): void {
    const last = hidden.value[hidden.value.length - 1];
    hidden.value = [...hidden.value, { units: last?.units ?? 8, activation: last?.activation ?? 'tanh' }];
  }
  function removeLayer(i: number): void {
    hidden.value = hidden.value.filter((_, k) => k !== i);
  }

  function config(): TrainConfigInput {
    const opt =
      optimizer.value === 'adam'
        ? { kind: 'adam' as const, lr: lr.value, weightDecay: weightDecay.value }
        : { kind: 'sgd' as const, lr: lr.value, momentum: momentum.value, weightDecay: weightDecay.value };
    return {
      model: spec.value as TrainConfigInput['model'],
      init: imported.value ? { parameters: imported.value.parameters } : init.value,
      optimizer: opt,
      batchSize: batchSize.value,
      seed: seed.value,
      validationFraction: validationFraction.value,
      // Fitted by the engine on this configuration's training rows (never the validation rows).
      normalize: { inputs: data.trainingNormalize },
      historySize: historySize.value,
      historyBytes: Math.max(0, Math.round(historyMemoryMiB.value * 2 ** 20)),
      ...(backend.value === 'auto' ? {} : { backend: backend.value }),
    };
  }

  async function apply(): Promise<boolean> {
    if (problem.value) {
      useErrorsStore().report(new Error(problem.value), 'The model cannot be applied');
      return false;
    }
    applying.value = true;
    try {
      const c = config();
      const e = await useSessionStore().engine().request({ type: 'configure', config: c }, 'configured');
      configured.value = markRaw(e);
      appliedLearningRate = c.optimizer.lr;
      runLearningRate.value = appliedLearningRate;
      dirty.value = false;
      return true;
    } catch (err) {
      useErrorsStore().report(err, 'The engine refused the model');
      return false;
    } finally {
      applying.value = false;
    }
  }

  /**
   * Changes the learning rate of the run in progress from the next update on, keeping its
   * parameters, optimizer state and history (the form's own learning rate is what Apply uses).
   */
  async function setRunLearningRate(value: number): Promise<boolean> {
    if (!(Number.isFinite(value) && value > 0)) {
      useErrorsStore().report(new Error(`the learning rate must be a positive number, got ${String(value)}`), 'Learning rate not changed');
      return false;
    }
    try {
      await useSessionStore().engine().request({ type: 'set-learning-rate', lr: value }, 'accepted');
      runLearningRate.value = value;
      return true;
    } catch (err) {
      useErrorsStore().report(err, 'The engine refused the learning rate');
      return false;
    }
  }

  /** A reset starts the run afresh from the configuration, with its learning rate. */
  function runWasReset(): void {
    runLearningRate.value = appliedLearningRate;
  }

  /** Takes the model of an imported weights file into the form and starts from its parameters. */
  function useImported(fileName: string, model: ModelSpec, parameters: { W: MatrixIn[]; b: MatrixIn[] }): void {
    hidden.value = model.layers.slice(0, -1).map((l) => ({ units: l.units, activation: l.activation }));
    const out = model.layers[model.layers.length - 1]!;
    outputActivation.value = out.activation;
    loss.value = model.loss;
    imported.value = markRaw({ kind: 'imported' as const, fileName, inputSize: model.inputSize, outputSize: out.units, parameters });
  }
  function clearImported(): void {
    imported.value = null;
  }

  return {
    hidden, outputActivation, loss, optimizer, lr, momentum, weightDecay, batchSize, init, seed, validationFraction, historySize, historyMemoryMiB, backend,
    imported, applying, configured, runLearningRate, dirty, inputSize, outputSize, spec, problem, shapes, parameterCount, memory, memoryText, memoryProblem,
    addLayer, removeLayer, config, apply, setRunLearningRate, runWasReset, useImported, clearImported,
  };
});
