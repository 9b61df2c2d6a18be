import { describe, expect, it } from 'vitest';
import { RecoveryMemory } from './recovery-memory.js';
import { checkpointAt, command, configureCommand, envelope, event, stateEvent } from '../testing/factories.js';

const dataset = command<'load-dataset'>({ type: 'load-dataset', source: { kind: 'builtin', name: 'xor' } });
const configure = configureCommand(0.5);
const checkpoint = checkpointAt(7);

describe('RecoveryMemory', () => {
  it('replays settings, the dataset, the configuration, the checkpoint, the learning rate set during the run, then start', () => {
    const m = new RecoveryMemory();
    m.noteCommand(command<'set-breakpoints'>({ type: 'set-breakpoints', breakpoints: [] }));
    m.noteCommand(dataset);
    m.noteCommand(configure);
    m.noteCommand(command<'start'>({ type: 'start' }));
    m.noteCommand(command<'set-learning-rate'>({ type: 'set-learning-rate', lr: 0.05 }));
    m.noteEvent(envelope(event('checkpoint', { checkpoint })));
    m.noteEvent(envelope(stateEvent({ state: 'running', step: 7, epoch: 7 })));
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
    m.noteCommand(command<'set-learning-rate'>({ type: 'set-learning-rate', lr: 0.05 }));
    m.noteCommand(configure);
    expect(m.replay().map((c) => c.type)).toEqual(['load-dataset', 'configure']);
    m.noteCommand(command<'set-learning-rate'>({ type: 'set-learning-rate', lr: 0.05 }));
    m.noteCommand(command<'reset'>({ type: 'reset' }));
    expect(m.replay().map((c) => c.type)).toEqual(['load-dataset', 'configure']);
  });
});
