/**
 * A layered left-to-right drawing of a graph (Sugiyama-style, kept small):
 *  1. longest-path layering: an op sits one layer right of its deepest input; a leaf (variable
 *     or constant) just left of its first reader (so "2" in x^2 sits next to the power);
 *  2. edges spanning several layers get dummy points, one per layer crossed;
 *  3. barycentric ordering: sweeps right and left, each node moving to the mean position of its
 *     neighbours in the adjacent layer; the ordering with the fewest crossings wins;
 *  4. coordinates: layers at fixed x, each layer's column centred vertically.
 * Pure geometry, no DOM: the view draws what this returns.
 */
import type { Graph } from './graph.js';

export interface LayoutOptions {
  /** Horizontal distance between layers. */
  readonly layerGap?: number;
  /** Vertical distance between neighbouring nodes of a layer. */
  readonly nodeGap?: number;
  /** Vertical room a dummy point takes, as a fraction of nodeGap. */
  readonly dummyRoom?: number;
  /** Room left and right of the outermost layers' centres (at least half a node's width). */
  readonly margin?: number;
  /** Room above and below; defaults to margin. */
  readonly marginY?: number;
  /** Barycentric sweeps (each sweep goes right then left). */
  readonly sweeps?: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutNode extends Point {
  readonly id: number;
  readonly layer: number;
  /** Position within its layer, top to bottom, counting dummy points. */
  readonly order: number;
}

export interface LayoutEdge {
  readonly from: number;
  readonly to: number;
  /** The input slot of `to` this edge feeds. */
  readonly slot: number;
  /** Source centre, dummy points, target centre. */
  readonly points: readonly Point[];
}

export interface GraphLayout {
  /** Indexed by node id. */
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly layerCount: number;
  readonly width: number;
  readonly height: number;
  /** Edge crossings of the chosen ordering (for tests and curiosity). */
  readonly crossings: number;
}

const DEFAULTS: Required<Omit<LayoutOptions, 'marginY'>> = { layerGap: 150, nodeGap: 70, dummyRoom: 0.4, margin: 60, sweeps: 8 };

/** Nodes plus dummy points above which the transposition pass is skipped. */
const TRANSPOSE_LIMIT = 400;

interface Slot {
  /** Node id, or −1 − k for the k-th dummy point. */
  readonly key: number;
  /** Keys of neighbours in the layer to the left / right. */
  readonly left: number[];
  readonly right: number[];
}

export function layoutGraph(graph: Graph, options: LayoutOptions = {}): GraphLayout {
  const opts = { ...DEFAULTS, ...options };
  const marginY = options.marginY ?? opts.margin;
  const layer = assignLayers(graph);
  const layerCount = Math.max(0, ...layer) + 1;

  // Build the layered proper graph: every edge joins adjacent layers through dummy points.
  const slots = new Map<number, Slot>();
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  const addSlot = (key: number, l: number): Slot => {
    const s: Slot = { key, left: [], right: [] };
    slots.set(key, s);
    layers[l]!.push(key);
    return s;
  };
  for (const node of graph.nodes) addSlot(node.id, layer[node.id]!);
  let dummies = 0;
  const chains: { from: number; to: number; slot: number; keys: number[] }[] = [];
  for (const node of graph.nodes) {
    node.inputs.forEach((input, slot) => {
      const keys = [input];
      for (let l = layer[input]! + 1; l < layer[node.id]!; l++) keys.push(addSlot(-1 - dummies++, l).key);
      keys.push(node.id);
      for (let k = 0; k + 1 < keys.length; k++) {
        slots.get(keys[k]!)!.right.push(keys[k + 1]!);
        slots.get(keys[k + 1]!)!.left.push(keys[k]!);
      }
      chains.push({ from: input, to: node.id, slot, keys });
    });
  }

  const ordered = orderLayers(layers, slots, opts.sweeps);
  const crossings = countAllCrossings(ordered, slots);

  // Coordinates: stack each layer's nodes and dummy points, then centre the column.
  const position = new Map<number, Point>();
  const room = (key: number): number => (key >= 0 ? opts.nodeGap : opts.nodeGap * opts.dummyRoom);
  const heights = ordered.map((keys) => keys.reduce((h, k) => h + room(k), 0));
  const tallest = Math.max(0, ...heights);
  ordered.forEach((keys, l) => {
    let y = marginY + (tallest - heights[l]!) / 2;
    for (const key of keys) {
      position.set(key, { x: opts.margin + l * opts.layerGap, y: y + room(key) / 2 });
      y += room(key);
    }
  });

  const nodes: LayoutNode[] = graph.nodes.map((node) => {
    const p = position.get(node.id)!;
    return { id: node.id, layer: layer[node.id]!, order: ordered[layer[node.id]!]!.indexOf(node.id), x: p.x, y: p.y };
  });
  const edges: LayoutEdge[] = chains.map((c) => ({ from: c.from, to: c.to, slot: c.slot, points: c.keys.map((k) => position.get(k)!) }));
  return {
    nodes,
    edges,
    layerCount,
    width: 2 * opts.margin + Math.max(0, layerCount - 1) * opts.layerGap,
    height: 2 * marginY + tallest,
    crossings,
  };
}

/**
 * Longest-path layers, then every leaf (variable or constant) is pulled right next to its first
 * reader, as dot's ranking would: a bias or a target enters where it is used instead of
 * dragging a long edge across the whole drawing.
 */
export function assignLayers(graph: Graph): number[] {
  const layer = graph.nodes.map(() => 0);
  for (const node of graph.nodes) {
    if (node.kind === 'var' || node.kind === 'const') continue;
    let deepest = 0;
    for (const input of node.inputs) if (graph.nodes[input]!.kind !== 'const') deepest = Math.max(deepest, layer[input]!);
    layer[node.id] = deepest + 1;
  }
  const readers: number[][] = graph.nodes.map(() => []);
  for (const node of graph.nodes) for (const input of node.inputs) readers[input]!.push(node.id);
  for (const node of graph.nodes) {
    if ((node.kind !== 'const' && node.kind !== 'var') || readers[node.id]!.length === 0) continue;
    layer[node.id] = Math.max(0, Math.min(...readers[node.id]!.map((r) => layer[r]!)) - 1);
  }
  return layer;
}

function orderLayers(initial: number[][], slots: Map<number, Slot>, sweeps: number): number[][] {
  const current = initial.map((keys) => [...keys]);
  let best = current.map((keys) => [...keys]);
  let bestCrossings = countAllCrossings(best, slots);
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    for (let l = 1; l < current.length; l++) current[l] = byBarycenter(current[l]!, current[l - 1]!, (k) => slots.get(k)!.left);
    for (let l = current.length - 2; l >= 0; l--) current[l] = byBarycenter(current[l]!, current[l + 1]!, (k) => slots.get(k)!.right);
    // Transposition costs O(edges²) per swap tried: worth it for the graphs people step through,
    // skipped for very large ones where the barycentric sweeps alone must do.
    if (slots.size <= TRANSPOSE_LIMIT) transpose(current, slots);
    const crossings = countAllCrossings(current, slots);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = current.map((keys) => [...keys]);
    }
  }
  return best;
}

/** Stable sort of `keys` by the mean index of their neighbours in `fixed`; lone nodes keep their place. */
function byBarycenter(keys: number[], fixed: number[], neighbours: (key: number) => number[]): number[] {
  const index = new Map(fixed.map((k, i) => [k, i]));
  const weighted = keys.map((key, i) => {
    const ns = neighbours(key);
    const bary = ns.length === 0 ? i : ns.reduce((s, n) => s + index.get(n)!, 0) / ns.length;
    return { key, bary, i };
  });
  weighted.sort((p, q) => p.bary - q.bary || p.i - q.i);
  return weighted.map((w) => w.key);
}

/** Swaps neighbours within a layer while that removes crossings with the adjacent layers. */
function transpose(layers: number[][], slots: Map<number, Slot>): void {
  const around = (l: number): number =>
    (l > 0 ? crossingsBetween(layers[l - 1]!, layers[l]!, slots) : 0) + (l + 1 < layers.length ? crossingsBetween(layers[l]!, layers[l + 1]!, slots) : 0);
  for (let improved = true, rounds = 0; improved && rounds < 4; rounds++) {
    improved = false;
    layers.forEach((keys, l) => {
      for (let i = 0; i + 1 < keys.length; i++) {
        const before = around(l);
        [keys[i], keys[i + 1]] = [keys[i + 1]!, keys[i]!];
        if (around(l) < before) improved = true;
        else [keys[i], keys[i + 1]] = [keys[i + 1]!, keys[i]!];
      }
    });
  }
}

function crossingsBetween(left: number[], rightKeys: number[], slots: Map<number, Slot>): number {
  const right = new Map(rightKeys.map((k, i) => [k, i]));
  const segments: [number, number][] = [];
  left.forEach((key, i) => {
    for (const r of slots.get(key)!.right) segments.push([i, right.get(r)!]);
  });
  let total = 0;
  for (let a = 0; a < segments.length; a++) {
    for (let b = a + 1; b < segments.length; b++) {
      const [a0, a1] = segments[a]!;
      const [b0, b1] = segments[b]!;
      if ((a0 - b0) * (a1 - b1) < 0) total++;
    }
  }
  return total;
}

function countAllCrossings(layers: number[][], slots: Map<number, Slot>): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) total += crossingsBetween(layers[l]!, layers[l + 1]!, slots);
  return total;
}
