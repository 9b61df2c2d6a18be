/**
 * The backward pass, one operation at a time. Every node u that needs a gradient has an explicit
 * accumulator δ_u = ∂f/∂u, starting at 0 (δ_f = 1 for the output). Operations are processed in
 * reverse topological order; processing w adds, for every input slot k,
 *
 *     δ_{u_k} += δ_w · ∂w/∂u_k
 *
 * so a variable that forks into two operations collects two contributions, and x·x (one op
 * reading x in both slots) adds into δ_x twice. When w is processed, every op that reads w has
 * already been processed, so δ_w is final.
 */
import { domainError, evaluate, type ForwardResult, type GraphInputs } from './evaluate.js';
import { isOperation, nodeFormula, type Graph } from './graph.js';
import { OPS, type OpKind } from './ops.js';

export interface LocalDerivative {
  /** Which input slot of the op (0 or 1). */
  readonly slot: number;
  /** The input node u_slot. */
  readonly input: number;
  /** ∂w/∂u_slot evaluated at the stored forward values. */
  readonly value: number;
  /** The same as a formula in the nodes' names, e.g. "−b/d²". */
  readonly formula: string;
}

export interface Accumulation {
  readonly slot: number;
  readonly input: number;
  /** δ_w, the gradient flowing into the op from above. */
  readonly upstream: number;
  readonly localDerivative: number;
  /** upstream · localDerivative: what is added to δ_input. */
  readonly contribution: number;
  readonly before: number;
  readonly after: number;
}

export interface BackwardStep {
  /** 0-based position in the backward order. */
  readonly index: number;
  /** The op node w being processed. */
  readonly node: number;
  readonly op: OpKind;
  /** "b = x + a". */
  readonly equation: string;
  readonly upstream: number;
  /** One per input slot; constants' slots are listed too (they receive no accumulation). */
  readonly localDerivatives: readonly LocalDerivative[];
  /** One per slot whose input needs a gradient, in slot order. */
  readonly accumulations: readonly Accumulation[];
}

export interface BackwardStepper {
  readonly graph: Graph;
  readonly forward: ForwardResult;
  /** The op nodes in the order they will be processed (reverse topological). */
  readonly order: readonly number[];
  /** How many steps have been applied (0 … order.length). */
  readonly position: number;
  readonly done: boolean;
  /** The steps applied so far, oldest first. */
  readonly history: readonly BackwardStep[];
  /** Applies the next operation; null when done. */
  next(): BackwardStep | null;
  /** Undoes the last operation exactly (restores the stored "before" values); null at the start. */
  prev(): BackwardStep | null;
  /** Applies every remaining operation; returns the steps applied. */
  runAll(): BackwardStep[];
  /** Back to the start: δ_f = 1, every other δ = 0. */
  reset(): void;
  /** A copy of the current accumulators, indexed by node id (NaN for nodes without one). */
  accumulators(): Float64Array;
  /** Current δ of every variable, by name. */
  gradients(): Record<string, number>;
}

/**
 * Creates a stepper over the backward pass of `graph`, given the forward result or the input
 * values (then the forward pass runs first and may throw a GraphDomainError).
 */
export function createBackwardStepper(graph: Graph, forwardOrInputs: ForwardResult | GraphInputs): BackwardStepper {
  const forward = isForwardResult(forwardOrInputs) && forwardOrInputs.graph === graph ? forwardOrInputs : evaluate(graph, forwardOrInputs as GraphInputs);
  const values = forward.values;
  const order = backwardOrder(graph);
  const acc = new Float64Array(graph.nodes.length);
  const history: BackwardStep[] = [];

  const seed = (): void => {
    graph.nodes.forEach((node) => (acc[node.id] = node.requiresGrad ? 0 : Number.NaN));
    // δ_f = ∂f/∂f = 1 starts the chain rule, even when f itself is a constant expression.
    acc[graph.output] = 1;
  };
  seed();

  const apply = (index: number): BackwardStep => {
    const id = order[index]!;
    const node = graph.nodes[id]!;
    if (!isOperation(node)) throw new Error(`backward: node ${node.name} is not an operation`);
    const op = OPS[node.kind];
    const names = node.inputs.map((i) => graph.nodes[i]!.name);
    const args = node.inputs.map((i) => values[i]!);
    const a = args[0]!;
    const b = args[1] ?? 0;
    const w = values[id]!;
    const upstream = acc[id]!;
    const localDerivatives: LocalDerivative[] = node.inputs.map((input, slot) => ({
      slot,
      input,
      value: op.derivative(slot, a, b, w),
      formula: op.derivativeFormula(slot, names, node.name),
    }));
    // Check the whole op before touching any accumulator, so a failed step changes nothing.
    for (const d of localDerivatives) {
      if (graph.nodes[d.input]!.requiresGrad && !Number.isFinite(d.value)) {
        throw domainError(graph, id, `the local derivative ∂${node.name}/∂${names[d.slot]} = ${d.formula} is ${d.value} (not defined here)`, args, 'backward');
      }
    }
    const accumulations: Accumulation[] = [];
    for (const d of localDerivatives) {
      if (!graph.nodes[d.input]!.requiresGrad) continue;
      const before = acc[d.input]!;
      const contribution = upstream * d.value;
      const after = before + contribution;
      acc[d.input] = after;
      accumulations.push({ slot: d.slot, input: d.input, upstream, localDerivative: d.value, contribution, before, after });
    }
    return { index, node: id, op: node.kind, equation: `${node.name} = ${nodeFormula(graph, id)}`, upstream, localDerivatives, accumulations };
  };

  const stepper: BackwardStepper = {
    graph,
    forward,
    order,
    get position() {
      return history.length;
    },
    get done() {
      return history.length === order.length;
    },
    get history() {
      return history.slice();
    },
    next() {
      if (history.length >= order.length) return null;
      const step = apply(history.length);
      history.push(step);
      return step;
    },
    prev() {
      const step = history.pop();
      if (!step) return null;
      // Restore in reverse so x·x (two accumulations into δ_x) unwinds to the first "before".
      for (let k = step.accumulations.length - 1; k >= 0; k--) {
        const a = step.accumulations[k]!;
        acc[a.input] = a.before;
      }
      return step;
    },
    runAll() {
      const applied: BackwardStep[] = [];
      for (let step = stepper.next(); step; step = stepper.next()) applied.push(step);
      return applied;
    },
    reset() {
      history.length = 0;
      seed();
    },
    accumulators() {
      return acc.slice();
    },
    gradients() {
      const out: Record<string, number> = {};
      for (const node of graph.nodes) if (node.kind === 'var') out[node.name] = acc[node.id]!;
      return out;
    },
  };
  return stepper;
}

/** Op nodes that carry a gradient, in reverse topological order (output first). */
export function backwardOrder(graph: Graph): number[] {
  const order: number[] = [];
  for (let id = graph.nodes.length - 1; id >= 0; id--) {
    const node = graph.nodes[id]!;
    if (isOperation(node) && node.requiresGrad) order.push(id);
  }
  return order;
}

export interface BackwardResult {
  readonly forward: ForwardResult;
  readonly steps: readonly BackwardStep[];
  /** δ of every node by id (NaN where no accumulator is kept). */
  readonly accumulators: Float64Array;
  readonly gradients: Record<string, number>;
}

/** Forward and the whole backward pass in one call. */
export function backward(graph: Graph, forwardOrInputs: ForwardResult | GraphInputs): BackwardResult {
  const stepper = createBackwardStepper(graph, forwardOrInputs);
  const steps = stepper.runAll();
  return { forward: stepper.forward, steps, accumulators: stepper.accumulators(), gradients: stepper.gradients() };
}

function isForwardResult(v: ForwardResult | GraphInputs): v is ForwardResult {
  return !(v instanceof Map) && typeof v === 'object' && v !== null && 'values' in v && (v as ForwardResult).values instanceof Float64Array;
}
