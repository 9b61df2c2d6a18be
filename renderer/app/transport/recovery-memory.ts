/**
 * What the dashboard must replay to put a fresh engine back where the old one was: the last
 * dataset, configuration, learning rate set during the run, breakpoints and telemetry settings it sent, the last checkpoint the
 * engine reported, and whether training was running. Kept on the dashboard side because the
 * engine is exactly what may die.
 */
import type { CommandBody } from '../services/engine-link.js';
import type { Checkpoint, EngineEvent } from '../../../engine/protocol/index.js';

type Remembered =
  | 'load-dataset'
  | 'configure'
  | 'start'
  | 'set-breakpoints'
  | 'set-frame-rate'
  | 'set-telemetry'
  | 'set-learning-rate';

export class RecoveryMemory {
  private readonly commands = new Map<Remembered, CommandBody>();
  private checkpoint: Checkpoint | null = null;
  private running = false;

  /** Call for every command sent. */
  noteCommand(command: CommandBody): void {
    switch (command.type) {
      case 'load-dataset':
        // A new dataset means a new run: the old checkpoint no longer applies.
        this.commands.set('load-dataset', command);
        this.checkpoint = null;
        break;
      case 'configure':
        this.commands.set('configure', command);
        // A new configuration brings its own learning rate.
        this.commands.delete('set-learning-rate');
        this.checkpoint = null;
        break;
      case 'reset':
        // A fresh run from the configuration, with its own learning rate.
        this.commands.delete('set-learning-rate');
        this.checkpoint = null;
        break;
      case 'start':
      case 'set-learning-rate':
      case 'set-breakpoints':
      case 'set-frame-rate':
      case 'set-telemetry':
        this.commands.set(command.type, command);
        break;
      default:
        break;
    }
  }

  /** Call for every event received. */
  noteEvent(event: EngineEvent): void {
    if (event.type === 'checkpoint') this.checkpoint = event.checkpoint;
    else if (event.type === 'state') this.running = event.state === 'running';
  }

  get wasRunning(): boolean {
    return this.running;
  }

  get lastCheckpoint(): Checkpoint | null {
    return this.checkpoint;
  }

  /** The commands that rebuild the state, in order; the caller sends them to the new engine. */
  replay(): CommandBody[] {
    const out: CommandBody[] = [];
    const push = (k: Remembered): void => {
      const c = this.commands.get(k);
      if (c) out.push(c);
    };
    push('set-frame-rate');
    push('set-telemetry');
    push('set-breakpoints');
    push('load-dataset');
    if (this.commands.has('load-dataset')) {
      push('configure');
      if (this.commands.has('configure') && this.checkpoint) out.push({ type: 'restore', checkpoint: this.checkpoint });
      if (this.commands.has('configure')) push('set-learning-rate');
      if (this.commands.has('configure') && this.running) out.push(this.commands.get('start') ?? { type: 'start' });
    }
    return out;
  }
}
