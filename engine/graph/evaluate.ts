/**
 * The forward pass: visit nodes in topological order and store every node's value (float64),
 * as the backward pass needs them all. A value outside an op's domain, or a result that
 * overflows, stops the pass with a GraphDomainError naming that node.
 */
import { GraphDomainError, GraphInputError, closeNames, placeAt } from './errors.js';
import { nodeFormula, type Graph } from './graph.js';
import { OPS } from './ops.js';

/** Variable values by name. */
export type GraphInputs = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

export interface ForwardResult {
  readonly graph: Graph;
  /** Value of every node, indexed by node id. */
  readonly values: Float64Array;
  /** The output node's value. */
  readonly output: number;
}

export function inputValue(inputs: GraphInputs, name: string): number | undefined {
  if (inputs instanceof Map) return inputs.get(name);
  const record = inputs as Readonly<Record<string, number>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

function inputNames(inputs: GraphInputs): string[] {
  return inputs instanceof Map ? [...inputs.keys()] : Object.keys(inputs);
}

export function evaluate(graph: Graph, inputs: GraphInputs): ForwardResult {
  const values = new Float64Array(graph.nodes.length);
  for (const node of graph.nodes) {
    if (node.kind === 'var') {
      const v = inputValue(inputs, node.name);
      if (v === undefined) {
        throw new GraphInputError(`no value given for variable "${node.name}"`, `inputs.${node.name}`, closeNames(node.name, inputNames(inputs)));
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new GraphInputError(`value must be a finite number, got ${String(v)}`, `inputs.${node.name}`);
      }
      values[node.id] = v;
      continue;
    }
    if (node.kind === 'const') {
      values[node.id] = node.constant!;
      continue;
    }
    const op = OPS[node.kind];
    const a = values[node.inputs[0]!]!;
    const b = node.inputs.length > 1 ? values[node.inputs[1]!]! : 0;
    const args = node.inputs.map((i) => values[i]!);
    const problem = op.domain(a, b);
    if (problem) throw domainError(graph, node.id, problem, args, 'forward');
    const w = op.forward(a, b);
    if (!Number.isFinite(w)) throw domainError(graph, node.id, `the result overflows to ${w}`, args, 'forward');
    values[node.id] = w;
  }
  return { graph, values, output: values[graph.output]! };
}

export function domainError(graph: Graph, id: number, detail: string, args: readonly number[], phase: 'forward' | 'backward'): GraphDomainError {
  const node = graph.nodes[id]!;
  const place = graph.source !== undefined && node.span ? placeAt(graph.source, node.span.start, node.span.end - node.span.start) : undefined;
  const names = node.inputs.map((i) => graph.nodes[i]!.name);
  const shown = names.map((n, k) => (n === String(args[k]) ? n : `${n} = ${args[k]}`));
  const withValues = shown.length > 0 ? ` with ${[...new Set(shown)].join(', ')}` : '';
  return new GraphDomainError(`${detail}${withValues}`, id, node.name, nodeFormula(graph, id), args, phase, place);
}
