/**
 * The engine connection and run state: which backend runs, whether training runs or is paused,
 * the step, the op `step-op` runs next, long-task progress, and the run controls. Every other
 * store reaches the engine through `engine()` here.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { BackendInfo, BreakpointHit, CommandType, EventOf, OpRef, RunState } from '../../../engine/protocol/index.js';
import type { CommandBody, EngineLink } from '../services/engine-link.js';
import type { DebugAction } from '../services/keys.js';
import { useErrorsStore } from './errors.js';
import { loadPreferences, savePreferences } from '../services/preferences.js';

export interface TaskProgress {
  readonly task: EventOf<'progress'>['task'];
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export const useSessionStore = defineStore('session', () => {
  const link = shallowRef<EngineLink | null>(null);
  const ready = ref(false);
  const backend = shallowRef<BackendInfo | null>(null);
  const commands = shallowRef<readonly CommandType[]>([]);
  const state = ref<RunState>('empty');
  const step = ref(0);
  const epoch = ref(0);
  const nextOp = shallowRef<OpRef | null>(null);
  const reason = ref<EventOf<'state'>['reason'] | null>(null);
  const stepsPerSecond = ref(0);
  const loss = ref<number | null>(null);
  const lastHit = shallowRef<BreakpointHit | null>(null);
  const progress = shallowRef<TaskProgress | null>(null);
  /** Speed control: steps per second while running; null = as fast as the engine can. Remembered across launches. */
  const speed = ref<number | null>(loadPreferences().speed);
  /** A short answer to a key or button that could not act ("nothing to run: …"); cleared after a few seconds. */
  const notice = ref<string | null>(null);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe: (() => void)[] = [];

  const running = computed(() => state.value === 'running');
  const canRun = computed(() => ready.value && (state.value === 'idle' || state.value === 'paused'));
  const midStep = computed(() => nextOp.value !== null && nextOp.value.index > 0);

  function engine(): EngineLink {
    if (!link.value) throw new Error('The engine is not connected yet.');
    return link.value;
  }
  function send(command: CommandBody): void {
    try {
      engine().send(command);
    } catch (err) {
      useErrorsStore().report(err, `Could not send "${command.type}"`);
    }
  }
  function connect(l: EngineLink): void {
    disconnect();
    link.value = markRaw(l);
    const errors = useErrorsStore();
    unsubscribe.push(
      l.on('ready', (e) => {
        ready.value = true;
        backend.value = e.backend;
        commands.value = e.commands;
      }),
      l.on('configured', (e) => {
        backend.value = e.backend;
      }),
      l.on('state', (e) => {
        state.value = e.state;
        step.value = e.step;
        epoch.value = e.epoch;
        nextOp.value = e.nextOp;
        reason.value = e.reason;
        // A stepped count has ended (done, paused, or stopped at a breakpoint): its progress bar goes.
        if (progress.value?.task === 'step' && e.state !== 'running') progress.value = null;
        if (e.reason === 'reset' || e.reason === 'configured') {
          lastHit.value = null;
          loss.value = null;
        }
        // Gone back before it (History, Resume from step N): the hit belongs to the steps dropped.
        if (e.reason === 'rewound') lastHit.value = null;
      }),
      l.on('frame', (e) => {
        if (e.historical) return;
        step.value = Math.max(step.value, e.step);
        epoch.value = e.epoch;
        loss.value = e.loss;
        stepsPerSecond.value = e.stepsPerSecond;
      }),
      l.on('progress', (e) => {
        progress.value = e.done >= e.total ? null : { task: e.task, done: e.done, total: e.total, message: e.message };
      }),
      // The answer to long work ends its progress bar even when no final 100 % progress event came.
      l.on('gradcheck-result', () => void (progress.value = null)),
      l.on('dataset-loaded', () => void (progress.value = null)),
      l.on('export', () => void (progress.value = null)),
      l.on('breakpoint-hit', (e) => {
        lastHit.value = e.hit;
      }),
      l.on('error', (e) => {
        progress.value = null;
        // Replies to a `request` are reported by whoever awaited them; the rest show here.
        if (e.replyTo === undefined) {
          errors.report(
            { message: e.message, path: e.path ?? undefined, detail: `code: ${e.code}${e.command ? `\ncommand: ${e.command}` : ''}` },
            e.fatal ? 'The engine stopped' : `Engine error (${e.code})`,
          );
        }
        if (e.fatal) ready.value = false;
      }),
    );
    l.send({ type: 'hello' });
  }
  function disconnect(): void {
    while (unsubscribe.length) unsubscribe.pop()!();
    link.value = null;
    ready.value = false;
  }

  function say(text: string): void {
    notice.value = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (notice.value = null), 5000);
  }
  /** Why the run keys cannot act now, or null when they can. */
  function whyNot(): string | null {
    if (!ready.value) return 'The engine is still starting; try again in a moment.';
    if (state.value === 'empty') return 'Nothing to run yet: load a data set (Data) and apply a model (Model).';
    return null;
  }

  function run(): void {
    savePreferences({ seen: true });
    send(speed.value ? { type: 'start', stepsPerSecond: speed.value } : { type: 'start' });
  }
  function pause(): void {
    send({ type: 'pause' });
  }
  function stepOnce(count = 1): void {
    send({ type: 'step', count });
  }
  function stepOp(): void {
    send({ type: 'step-op' });
  }
  function reset(): void {
    send({ type: 'reset' });
  }
  function setSpeed(stepsPerSec: number | null): void {
    speed.value = stepsPerSec && stepsPerSec > 0 ? stepsPerSec : null;
    savePreferences({ speed: speed.value });
    if (running.value) run(); // `start` while running updates the throttle
  }
  function clearHit(): void {
    lastHit.value = null;
  }

  /** The debugger keys: Space toggles, F5 continues (clearing a breakpoint stop), F10/F11 step. */
  function debugAction(a: DebugAction): void {
    const why = whyNot();
    if (why) return say(why);
    switch (a) {
      case 'toggle-run':
        return running.value ? pause() : run();
      case 'continue':
        clearHit();
        return running.value ? say('Already running (F5 continues after a pause).') : run();
      case 'step':
        return running.value ? say('Pause first (Space): F10 steps a paused run.') : stepOnce();
      case 'step-op':
        return running.value ? say('Pause first (Space): F11 steps a paused run one op at a time.') : stepOp();
    }
  }

  return {
    link, ready, backend, commands, state, step, epoch, nextOp, reason, stepsPerSecond, loss, lastHit, progress, speed, notice,
    running, canRun, midStep,
    engine, send, connect, disconnect, run, pause, stepOnce, stepOp, reset, setSpeed, clearHit, debugAction, say, whyNot,
  };
});

/** Resolves once the engine has said it is ready (at once when it already has). */
export function whenSessionReady(): Promise<void> {
  const session = useSessionStore();
  if (session.ready) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = watch(
      () => session.ready,
      (r) => {
        if (!r) return;
        stop();
        resolve();
      },
    );
  });
}
