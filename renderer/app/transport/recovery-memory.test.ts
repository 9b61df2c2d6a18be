import { describe, expect, it } from 'vitest';
import { RecoveryMemory } from './recovery-memory.js';
import type { CommandBody } from '../services/engine-link.js';
import type { Checkpoint } from '../../../engine/protocol/index.js';

const dataset = { type: 'load-dataset', source: { kind: 'builtin', name: 'xor' } } as unknown as CommandBody;
const configure = {
  type: 'configure',
  config: { model: {}, optimizer: { kind: 'sgd', lr: 0.5 } },
} as unknown as CommandBody;
const checkpoint = { step: 7, epoch: 7, parameters: { W: [], b: [] }, optimizer: null } as unknown as Checkpoint;

describe('RecoveryMemory', () => {
  it('replays settings, the dataset, the configuration, the checkpoint, the learning rate set during the run, then start', () => {
    const m = new RecoveryMemory();
    m.noteCommand({ type: 'set-breakpoints', breakpoints: [] } as CommandBody);
    m.noteCommand(dataset);
    m.noteCommand(configure);
    m.noteCommand({ type: 'start' } as CommandBody);
    m.noteCommand({ type: 'set-learning-rate', lr: 0.05 } as CommandBody);
    m.noteEvent({ v: 1, type: 'checkpoint', checkpoint } as never);
    m.noteEvent({ v: 1, type: 'state', state: 'running', step: 7, epoch: 7, nextOp: null, reason: 'command' } as never);
    expect(m.replay().map((c) => c.type)).toEqual([
      'set-breakpoints',
      'load-dataset',
      'configure',
      'restore',
      'set-learning-rate',
      'start',
    ]);
    expect(m.replay()[4]).toEqual({ type: 'set-learning-rate', lr: 0.05 });
  });

  it('forgets a learning rate set for an earlier configuration or before a reset', () => {
    const m = new RecoveryMemory();
    m.noteCommand(dataset);
    m.noteCommand(configure);
    m.noteCommand({ type: 'set-learning-rate', lr: 0.05 } as CommandBody);
    m.noteCommand(configure);
    expect(m.replay().map((c) => c.type)).toEqual(['load-dataset', 'configure']);
    m.noteCommand({ type: 'set-learning-rate', lr: 0.05 } as CommandBody);
    m.noteCommand({ type: 'reset' } as CommandBody);
    expect(m.replay().map((c) => c.type)).toEqual(['load-dataset', 'configure']);
  });
});
