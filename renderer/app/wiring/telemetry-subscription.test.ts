import { describe, expect, it } from 'vitest';
import { MATRIX_NAMES } from '../../../engine/protocol/index.js';
import { commandSchema } from '../../../engine/protocol/commands.js';
import { PROTOCOL_VERSION } from '../../../engine/protocol/version.js';
import { telemetrySubscription, type ViewState } from './telemetry-subscription.js';

const kinds = { A: true, H: false, G: true, W: false, dW: true, db: false };
const view = (over: Partial<ViewState>): ViewState => ({ tab: 'layers', running: true, layerKinds: kinds, onlyLayer: null, ...over });

describe('telemetrySubscription', () => {
  it('streams only the checked kinds of the Layers view, and only the one layer it shows', () => {
    expect(telemetrySubscription(view({})).matrices).toEqual({ names: ['A', 'G', 'dW'] });
    expect(telemetrySubscription(view({ onlyLayer: 2 })).matrices).toEqual({ names: ['A', 'G', 'dW'], layers: [2] });
  });

  it('streams W and b for the Train view, nothing for views without matrices, everything for the stepper and graph', () => {
    expect(telemetrySubscription(view({ tab: 'train' })).matrices.names).toEqual(['W', 'b', 'dW']);
    for (const tab of ['data', 'model', 'history', 'export'] as const)
      expect(telemetrySubscription(view({ tab })).matrices.names).toEqual([]);
    for (const tab of ['stepper', 'graph'] as const)
      expect(telemetrySubscription(view({ tab })).matrices.names).toEqual([...MATRIX_NAMES]);
  });

  it('streams everything while not running, so any view opened when paused is current', () => {
    expect(telemetrySubscription(view({ running: false, tab: 'data' })).matrices).toEqual({ names: [...MATRIX_NAMES] });
  });

  it('is a valid set-telemetry command', () => {
    for (const v of [view({}), view({ onlyLayer: 1 }), view({ tab: 'export' }), view({ running: false })]) {
      const parsed = commandSchema.safeParse({ v: PROTOCOL_VERSION, type: 'set-telemetry', ...telemetrySubscription(v) });
      expect(parsed.success).toBe(true);
    }
  });
});

describe('covers', () => {
  const sub = (names: string[], layers?: number[]) =>
    telemetrySubscription(view({ layerKinds: Object.fromEntries(names.map((n) => [n, true])), onlyLayer: layers?.[0] ?? null }));
  it('says whether one subscription brings everything another asks for', async () => {
    const { covers } = await import('./telemetry-subscription.js');
    expect(covers(sub(['A', 'G']), sub(['A']))).toBe(true);
    expect(covers(sub(['A']), sub(['A', 'G']))).toBe(false);
    expect(covers(sub(['A'], [1]), sub(['A']))).toBe(false);
    expect(covers(sub(['A']), sub(['A'], [1]))).toBe(true);
    expect(covers(sub(['A'], [1]), sub(['A'], [1]))).toBe(true);
    expect(covers(sub([], [1]), sub([]))).toBe(true);
  });
});
