import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph.js';
import { assignLayers, layoutGraph } from './layout.js';
import { denseLayerGraph } from './dense-layer.js';
import { tutorialGraph } from './tutorial.js';

describe('layered layout', () => {
  it('puts inputs left, the output right, each op right of its inputs', () => {
    const graph = tutorialGraph();
    const layers = assignLayers(graph);
    const byName = (n: string) => layers[graph.nodes.find((node) => node.name === n)!.id]!;
    expect([byName('x'), byName('y'), byName('a'), byName('c'), byName('b'), byName('d'), byName('e'), byName('f')]).toEqual([0, 0, 1, 1, 2, 2, 3, 4]);
    // The exponent 2 sits just left of the power that reads it.
    expect(byName('2')).toBe(0);
    const layout = layoutGraph(graph);
    for (const node of graph.nodes) for (const input of node.inputs) expect(layout.nodes[input]!.x).toBeLessThan(layout.nodes[node.id]!.x);
  });

  it('routes long edges through one point per layer and keeps nodes apart', () => {
    const graph = buildGraph('exp(sin(cos(x))) + x');
    const layout = layoutGraph(graph, { layerGap: 100 });
    const long = layout.edges.find((e) => graph.nodes[e.from]!.name === 'x' && graph.nodes[e.to]!.kind === 'add')!;
    expect(long.points).toHaveLength(5);
    expect(long.points.map((p) => p.x)).toEqual([60, 160, 260, 360, 460]);
    for (let l = 0; l < layout.layerCount; l++) {
      const ys = layout.nodes.filter((n) => n.layer === l).map((n) => n.y).sort((p, q) => p - q);
      for (let k = 1; k < ys.length; k++) expect(ys[k]! - ys[k - 1]!).toBeGreaterThanOrEqual(28);
    }
  });

  it('reduces crossings with barycentric ordering', () => {
    const layout = layoutGraph(denseLayerGraph());
    const unordered = layoutGraph(denseLayerGraph(), { sweeps: 0 });
    expect(layout.crossings).toBeLessThanOrEqual(unordered.crossings);
    expect(layout.nodes).toHaveLength(denseLayerGraph().nodes.length);
  });
});
