/**
 * The computational graph: a DAG of scalar nodes in topological order (every node's inputs come
 * before it). Leaves are variables (which may fork into many operations) and constants.
 *
 * Built either from text (parsed, with structural hashing so `x^2` written twice is one node)
 * or from an explicit op list whose names the graph keeps (the tutorial's a … f).
 */
import { GraphInputError, GraphParseError, closeNames, placeAt } from './errors.js';
import { OPS, isOpKind, type OpKind } from './ops.js';
import { FUNCTION_NAMES } from './ops.js';
import { parseProgram, type Ast, type Statement } from './parser.js';

export type NodeKind = 'var' | 'const' | OpKind;

export interface GraphNode {
  readonly id: number;
  /** Variable name, constant text, or the op's name (given, or a letter picked automatically). */
  readonly name: string;
  readonly kind: NodeKind;
  /** Input node ids, by slot. A node may appear twice (x·x). Empty for leaves. */
  readonly inputs: readonly number[];
  /** The value of a constant. */
  readonly constant?: number;
  /** False for constants and for operations on constants only: no accumulator is kept for them. */
  readonly requiresGrad: boolean;
  /** True when the user named the node (assignment or op list), false for automatic names. */
  readonly named: boolean;
  /** Where the node's expression was written (0-based [start, end)), when it came from text. */
  readonly span?: { readonly start: number; readonly end: number };
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly output: number;
  /** Variable names in order of first appearance. */
  readonly variables: readonly string[];
  /** The text the graph was parsed from, if any (for error carets). */
  readonly source?: string;
}

export interface BuildOptions {
  /** When given, only these variables may appear; other names are "unknown variable" errors. */
  readonly variables?: readonly string[];
}

/** The node's formula in terms of its inputs' names: "x + a"; a leaf's name for leaves. */
export function nodeFormula(graph: Graph, id: number): string {
  const node = graph.nodes[id]!;
  if (node.kind === 'var' || node.kind === 'const') return node.name;
  return OPS[node.kind].formula(node.inputs.map((i) => graph.nodes[i]!.name));
}

export function isOperation(node: GraphNode): node is GraphNode & { kind: OpKind } {
  return node.kind !== 'var' && node.kind !== 'const';
}

export function variableNode(graph: Graph, name: string): GraphNode {
  const node = graph.nodes.find((n) => n.kind === 'var' && n.name === name);
  if (!node) throw new GraphInputError(`no variable named "${name}"`, name, closeNames(name, graph.variables));
  return node;
}

/** For each node, the ids of the operations that read it (once per slot: x·x lists the product twice). */
export function consumers(graph: Graph): number[][] {
  const out: number[][] = graph.nodes.map(() => []);
  for (const node of graph.nodes) for (const input of node.inputs) out[input]!.push(node.id);
  return out;
}

interface MutableNode {
  id: number;
  name: string;
  kind: NodeKind;
  inputs: number[];
  constant?: number;
  requiresGrad: boolean;
  named: boolean;
  span?: { start: number; end: number };
}

/** Collects nodes; `share` turns on structural hashing of operations. */
class GraphBuilder {
  readonly nodes: MutableNode[] = [];
  readonly variables: string[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(private readonly share: boolean) {}

  variable(name: string, span?: { start: number; end: number }): number {
    return this.intern(`var:${name}`, () => {
      this.variables.push(name);
      return { name, kind: 'var', inputs: [], requiresGrad: true, named: true, ...(span ? { span } : {}) };
    });
  }

  constant(value: number, span?: { start: number; end: number }): number {
    // Object.is keeps 0 and −0 apart, as their reciprocals differ.
    const key = `const:${Object.is(value, -0) ? '-0' : String(value)}`;
    return this.intern(key, () => ({ name: String(value), kind: 'const', inputs: [], constant: value, requiresGrad: false, named: false, ...(span ? { span } : {}) }));
  }

  operation(kind: OpKind, inputs: number[], span?: { start: number; end: number }): number {
    const ids = OPS[kind].commutative ? [...inputs].sort((p, q) => p - q) : inputs;
    const make = (): Omit<MutableNode, 'id'> => ({
      name: '',
      kind,
      inputs,
      requiresGrad: inputs.some((i) => this.nodes[i]!.requiresGrad),
      named: false,
      ...(span ? { span } : {}),
    });
    if (!this.share) return this.add(make());
    return this.intern(`${kind}(${ids.join(',')})`, make);
  }

  private intern(key: string, make: () => Omit<MutableNode, 'id'>): number {
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const id = this.add(make());
    this.byKey.set(key, id);
    return id;
  }

  private add(node: Omit<MutableNode, 'id'>): number {
    const id = this.nodes.length;
    this.nodes.push({ ...node, id });
    return id;
  }
}

/**
 * Parses a program and builds its graph. A program is one expression, or lines "name = expr"
 * (the last line may be a bare expression); the last line is the output. Assigned names become
 * node names; unnamed operations get free letters (a, b, c, … and f for a bare output).
 */
export function buildGraph(source: string, options: BuildOptions = {}): Graph {
  const statements = parseProgram(source);
  const b = new GraphBuilder(true);
  const assigned = new Map<string, { id: number; statement: Statement }>();
  const usedAsVariable = new Map<string, number>();
  const fail = (kind: GraphParseError['kind'], detail: string, start: number, end: number, suggestions: string[] = []): never => {
    throw new GraphParseError(kind, detail, placeAt(source, start, end - start), suggestions);
  };
  const lineOf = (offset: number): number => placeAt(source, offset).line;

  const build = (ast: Ast): number => {
    switch (ast.kind) {
      case 'number':
        return b.constant(ast.value, ast);
      case 'name': {
        const named = assigned.get(ast.name);
        if (named) return named.id;
        if (options.variables && !options.variables.includes(ast.name)) {
          fail('unknown-variable', `unknown variable "${ast.name}"`, ast.start, ast.end, closeNames(ast.name, [...options.variables, ...assigned.keys(), ...FUNCTION_NAMES]));
        }
        if (!usedAsVariable.has(ast.name)) usedAsVariable.set(ast.name, ast.start);
        return b.variable(ast.name, ast);
      }
      case 'neg':
        return b.operation('neg', [build(ast.arg)], ast);
      case 'call':
        return b.operation(ast.fn, [build(ast.arg)], ast);
      case 'binary':
        // 1/d is the tutorial's single reciprocal op (e = 1/d), not a division with a constant node.
        if (ast.op === 'div' && ast.left.kind === 'number' && ast.left.value === 1) {
          return b.operation('recip', [build(ast.right)], ast);
        }
        return b.operation(ast.op, [build(ast.left), build(ast.right)], ast);
    }
  };

  let output = -1;
  statements.forEach((statement, index) => {
    const last = index === statements.length - 1;
    const target = statement.target;
    if (!target) {
      if (!last) fail('bad-assignment', 'only the last line may be a bare expression; give this one a name (e.g. "a = …")', statement.start, statement.end);
      output = build(statement.expr);
      return;
    }
    const { name } = target;
    const earlier = assigned.get(name);
    if (earlier) fail('bad-assignment', `"${name}" is assigned twice (first on line ${lineOf(earlier.statement.start)})`, target.start, target.end);
    if (options.variables?.includes(name)) fail('bad-assignment', `"${name}" is an input variable and cannot be assigned`, target.start, target.end);
    const usedAt = usedAsVariable.get(name);
    if (usedAt !== undefined) {
      fail('bad-assignment', `"${name}" is already used as an input variable (line ${lineOf(usedAt)}); assign a name before using it`, target.start, target.end);
    }
    const id = build(statement.expr);
    const node = b.nodes[id]!;
    if (node.kind === 'var' || node.kind === 'const') {
      fail('bad-assignment', `"${name} = ${node.name}" only renames a ${node.kind === 'var' ? 'variable' : 'constant'}; use ${node.name} directly`, statement.start, statement.end);
    }
    if (node.named) {
      fail('bad-assignment', `"${name}" computes the same node as "${node.name}" (identical expressions are shared); use ${node.name}`, statement.start, statement.end);
    }
    node.name = name;
    node.named = true;
    assigned.set(name, { id, statement });
    output = id;
  });

  const reachable = reachableFrom(b.nodes, output);
  for (const [name, { id, statement }] of assigned) {
    if (!reachable[id]) fail('bad-assignment', `"${name}" is never used by the output`, statement.start, statement.end);
  }
  const bareOutput = !statements[statements.length - 1]!.target;
  nameAutomatically(b.nodes, output, bareOutput);
  return freeze(b, output, source);
}

/** One step of an explicit op list: `{ name: 'b', op: 'add', inputs: ['x', 'a'] }`; numbers are constants. */
export interface OpSpec {
  readonly name: string;
  readonly op: OpKind;
  readonly inputs: readonly (string | number)[];
}

export interface OpListOptions {
  /** Input variables; by default every input name not defined by an earlier op. */
  readonly variables?: readonly string[];
  /** The output op's name; by default the last op. */
  readonly output?: string;
}

/**
 * Builds a graph from an explicit op list, keeping every op as its own node with its given name
 * (no structural sharing: the list is the decomposition the user chose).
 */
export function buildGraphFromOps(ops: readonly OpSpec[], options: OpListOptions = {}): Graph {
  if (ops.length === 0) throw new GraphInputError('needs at least one op', 'ops');
  const b = new GraphBuilder(false);
  const defined = new Map<string, number>();
  const variableIds = new Map<string, number>();
  const declared = options.variables;
  for (const name of declared ?? []) variableIds.set(name, b.variable(name));

  ops.forEach((spec, index) => {
    const at = `ops[${index}] (${spec.name})`;
    if (!isOpKind(spec.op)) throw new GraphInputError(`unknown op "${String(spec.op)}"`, `${at}.op`, closeNames(String(spec.op), Object.keys(OPS)));
    if (spec.name.length === 0) throw new GraphInputError('an op needs a name', `ops[${index}].name`);
    if (defined.has(spec.name)) throw new GraphInputError(`"${spec.name}" is defined twice`, `${at}.name`);
    if (variableIds.has(spec.name)) throw new GraphInputError(`"${spec.name}" is already used as an input variable`, `${at}.name`);
    const arity = OPS[spec.op].arity;
    if (spec.inputs.length !== arity) {
      throw new GraphInputError(`${spec.op} takes ${arity} input${arity === 1 ? '' : 's'}, got ${spec.inputs.length}`, `${at}.inputs`);
    }
    const inputs = spec.inputs.map((input, slot) => {
      if (typeof input === 'number') {
        if (!Number.isFinite(input)) throw new GraphInputError(`constant must be finite, got ${input}`, `${at}.inputs[${slot}]`);
        return b.constant(input);
      }
      const known = defined.get(input) ?? variableIds.get(input);
      if (known !== undefined) return known;
      if (declared) {
        throw new GraphInputError(`"${input}" is neither a variable nor an earlier op`, `${at}.inputs[${slot}]`, closeNames(input, [...declared, ...defined.keys()]));
      }
      const id = b.variable(input);
      variableIds.set(input, id);
      return id;
    });
    const id = b.operation(spec.op, inputs);
    b.nodes[id]!.name = spec.name;
    b.nodes[id]!.named = true;
    defined.set(spec.name, id);
  });

  const outputName = options.output ?? ops[ops.length - 1]!.name;
  const output = defined.get(outputName);
  if (output === undefined) throw new GraphInputError(`no op named "${outputName}"`, 'output', closeNames(outputName, defined.keys()));
  const reachable = reachableFrom(b.nodes, output);
  for (const [name, id] of defined) {
    if (!reachable[id]) throw new GraphInputError(`"${name}" is never used by the output "${outputName}"`, `ops (${name})`);
  }
  for (const [name, id] of variableIds) {
    if (!reachable[id]) throw new GraphInputError(`variable "${name}" is never used by the output "${outputName}"`, `variables (${name})`);
  }
  return freeze(b, output);
}

function reachableFrom(nodes: readonly MutableNode[], output: number): boolean[] {
  const seen = nodes.map(() => false);
  const stack = [output];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen[id]) continue;
    seen[id] = true;
    stack.push(...nodes[id]!.inputs);
  }
  return seen;
}

/** Unnamed operations get the first free letters in topological order; a bare output prefers f. */
function nameAutomatically(nodes: MutableNode[], output: number, bareOutput: boolean): void {
  const taken = new Set<string>(nodes.filter((n) => n.kind === 'var' || n.named).map((n) => n.name));
  for (const f of FUNCTION_NAMES) taken.add(f);
  const outputNode = nodes[output]!;
  if (bareOutput && !outputNode.named && outputNode.kind !== 'var' && outputNode.kind !== 'const' && !taken.has('f')) {
    outputNode.name = 'f';
    taken.add('f');
  }
  let k = 0;
  const next = (): string => {
    for (;;) {
      const name = k < 26 ? String.fromCharCode(97 + k) : `n${k - 25}`;
      k++;
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  };
  for (const node of nodes) if (node.kind !== 'var' && node.kind !== 'const' && node.name === '') node.name = next();
}

function freeze(b: GraphBuilder, output: number, source?: string): Graph {
  const nodes: GraphNode[] = b.nodes.map((n) => Object.freeze({ ...n, inputs: Object.freeze([...n.inputs]) }));
  return Object.freeze({ nodes: Object.freeze(nodes), output, variables: Object.freeze([...b.variables]), ...(source !== undefined ? { source } : {}) });
}
