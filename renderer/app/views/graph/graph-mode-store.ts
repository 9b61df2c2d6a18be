/**
 * Graph mode's state: the program text (or the dense-layer preset), the variable values, the
 * parsed graph, its forward values and a backward stepper. Graph mode is small pure math, so it
 * runs here in the renderer through engine/graph's public entry instead of the engine worker.
 *
 * Engine objects (graph, layout, stepper) live in shallowRefs: they are immutable or mutate only
 * through the stepper, whose position is mirrored in a plain ref so the view re-renders.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  GraphDomainError,
  GraphInputError,
  GraphParseError,
  TUTORIAL_EXPRESSION,
  TUTORIAL_INPUTS,
  TUTORIAL_PROGRAM,
  buildGraph,
  compareDenseLayer,
  consumers,
  createBackwardStepper,
  denseLayerGraph,
  denseLayerInputs,
  evaluate,
  finiteDifferenceCheck,
  type BackwardStep,
  type BackwardStepper,
  type DenseComparison,
  type FiniteDifferenceReport,
  type ForwardResult,
  type Graph,
} from '../../../../engine/index.js';

export type GraphPreset = 'tutorial' | 'expression' | 'dense' | 'custom';

export const PRESETS: Readonly<Record<GraphPreset, { title: string; tip: string }>> = {
  tutorial: { title: 'Tutorial: f = (x + σ(y)) / (x² + y)', tip: 'The chain-rule tutorial, decomposed into a … f exactly as in its text' },
  expression: { title: 'Same function as one expression', tip: 'The tutorial function typed in one line: the nodes get automatic names' },
  dense: { title: 'Dense layer 2×2 with tanh and ½Σ(F−Y)²', tip: 'H = AW + b as scalar operations; its accumulators against the matrix formulas' },
  custom: { title: 'Your own expression', tip: 'Type any expression or a program of lines "name = expression"' },
};

/** Value given to a variable the user just introduced by typing it. */
const NEW_VARIABLE_VALUE = 1;

type EvalError = GraphDomainError | GraphInputError;

export const useGraphModeStore = defineStore('graphMode', () => {
  const preset = ref<GraphPreset>('tutorial');
  const source = ref(TUTORIAL_PROGRAM);
  /** Values by variable name; kept across edits so retyping the expression keeps the inputs. */
  const values = ref<Record<string, number>>({ ...TUTORIAL_INPUTS });

  const graph = shallowRef<Graph | null>(null);
  /** True while the text does not parse and the drawing shows the last graph that did. */
  const stale = ref(false);
  const parseError = shallowRef<GraphParseError | null>(null);
  const evalError = shallowRef<EvalError | null>(null);
  const forward = shallowRef<ForwardResult | null>(null);
  const stepper = shallowRef<BackwardStepper | null>(null);
  const stepError = shallowRef<GraphDomainError | null>(null);
  /** Mirrors stepper.position (the stepper object itself is not reactive). */
  const position = ref(0);
  const fdReport = shallowRef<FiniteDifferenceReport | null>(null);
  const dense = shallowRef<DenseComparison | null>(null);
  const denseError = ref<string | null>(null);

  const readers = computed(() => (graph.value ? consumers(graph.value) : []));
  const totalSteps = computed(() => stepper.value?.order.length ?? 0);
  const history = computed<readonly BackwardStep[]>(() => {
    void position.value;
    return stepper.value?.history ?? [];
  });
  /** The step just applied (the op being processed), or null before the first. */
  const currentStep = computed<BackwardStep | null>(() => history.value[history.value.length - 1] ?? null);
  /** The op the next click will process. */
  const nextNode = computed<number | null>(() => {
    const s = stepper.value;
    return s && position.value < s.order.length ? s.order[position.value]! : null;
  });
  const accumulators = computed<Float64Array | null>(() => {
    void position.value;
    return stepper.value?.accumulators() ?? null;
  });
  /** How many δ contributions each node has received so far. */
  const received = computed<number[]>(() => {
    const counts = graph.value ? graph.value.nodes.map(() => 0) : [];
    for (const step of history.value) for (const a of step.accumulations) counts[a.input] = (counts[a.input] ?? 0) + 1;
    return counts;
  });
  /** The node where evaluation or a backward step failed, to paint it red. */
  const errorNode = computed<number | null>(() => stepError.value?.nodeId ?? (evalError.value instanceof GraphDomainError ? evalError.value.nodeId : null));

  function rebuild(): void {
    if (preset.value === 'dense') {
      setGraph(denseLayerGraph());
      return;
    }
    try {
      const g = buildGraph(source.value);
      parseError.value = null;
      stale.value = false;
      setGraph(g);
    } catch (e) {
      if (!(e instanceof GraphParseError)) throw e;
      parseError.value = e;
      stale.value = graph.value !== null;
    }
  }

  function setGraph(g: Graph): void {
    const next = { ...values.value };
    let added = false;
    for (const name of g.variables) {
      if (!Object.hasOwn(next, name)) {
        next[name] = NEW_VARIABLE_VALUE;
        added = true;
      }
    }
    if (added) values.value = next;
    graph.value = g;
    recompute();
  }

  /** Forward pass with the current values, and a fresh stepper at δ_f = 1. */
  function recompute(): void {
    const g = graph.value;
    forward.value = null;
    stepper.value = null;
    stepError.value = null;
    evalError.value = null;
    fdReport.value = null;
    position.value = 0;
    if (!g) return;
    try {
      const f = evaluate(g, currentInputs(g));
      forward.value = f;
      stepper.value = createBackwardStepper(g, f);
    } catch (e) {
      if (e instanceof GraphDomainError || e instanceof GraphInputError) evalError.value = e;
      else throw e;
    }
    if (preset.value === 'dense') void refreshDense(g);
  }

  function currentInputs(g: Graph): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of g.variables) out[name] = values.value[name] ?? Number.NaN;
    return out;
  }

  async function refreshDense(g: Graph): Promise<void> {
    dense.value = null;
    denseError.value = null;
    if (evalError.value) return;
    try {
      const result = await compareDenseLayer(currentInputs(g));
      if (graph.value === g) dense.value = result;
    } catch (e) {
      denseError.value = e instanceof Error ? e.message : String(e);
    }
  }

  function guarded(action: (s: BackwardStepper) => void): void {
    const s = stepper.value;
    if (!s) return;
    try {
      action(s);
      stepError.value = null;
    } catch (e) {
      if (e instanceof GraphDomainError) stepError.value = e;
      else throw e;
    }
    position.value = s.position;
  }

  const next = (): void => guarded((s) => void s.next());
  const prev = (): void => guarded((s) => void s.prev());
  const runAll = (): void => guarded((s) => void s.runAll());
  const reset = (): void => guarded((s) => s.reset());

  function checkGradients(): void {
    const g = graph.value;
    if (!g || !forward.value) return;
    try {
      fdReport.value = finiteDifferenceCheck(g, currentInputs(g));
    } catch (e) {
      if (e instanceof GraphDomainError) stepError.value = e;
      else throw e;
    }
  }

  function setValue(name: string, value: number): void {
    values.value = { ...values.value, [name]: value };
    recompute();
  }

  function setSource(text: string): void {
    source.value = text;
    if (preset.value !== 'custom' && preset.value !== 'dense') preset.value = 'custom';
    rebuild();
  }

  function choosePreset(p: GraphPreset): void {
    preset.value = p;
    if (p === 'tutorial') {
      source.value = TUTORIAL_PROGRAM;
      values.value = { ...values.value, ...TUTORIAL_INPUTS };
    } else if (p === 'expression') {
      source.value = TUTORIAL_EXPRESSION;
      values.value = { ...values.value, ...TUTORIAL_INPUTS };
    } else if (p === 'dense') {
      values.value = { ...values.value, ...denseLayerInputs() };
    }
    graph.value = null;
    parseError.value = null;
    stale.value = false;
    dense.value = null;
    rebuild();
  }

  rebuild();

  return {
    preset,
    source,
    values,
    graph,
    stale,
    parseError,
    evalError,
    forward,
    stepper,
    stepError,
    position,
    fdReport,
    dense,
    denseError,
    readers,
    totalSteps,
    history,
    currentStep,
    nextNode,
    accumulators,
    received,
    errorNode,
    next,
    prev,
    runAll,
    reset,
    checkGradients,
    setValue,
    setSource,
    choosePreset,
  };
});
