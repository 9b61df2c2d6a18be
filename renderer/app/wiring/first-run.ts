/**
 * The first minute: opening the dashboard shows a ready-to-run network on a built-in data set
 * (Circles, a hidden-layer problem whose boundary visibly forms) in the Train view, so one click
 * on Run (or Space) trains. Anything the user does first (loading other data, applying a model,
 * a restored session) wins: the start stops at the first sign of it.
 *
 * Skipped with `?start=empty` in the address (tests of the empty states, people who want a bare start).
 */
import { nextTick } from 'vue';
import { useSessionStore, whenSessionReady } from '../stores/session.js';
import { useDataStore } from '../stores/data.js';
import { useModelStore } from '../stores/model.js';
import { useUiStore } from '../stores/ui.js';

/** The built-in data set of the first minute. */
export const FIRST_DATASET = 'circles';

/** Whether the address asks for a bare start. */
export function bareStartRequested(search: string): boolean {
  return new URLSearchParams(search).get('start') === 'empty';
}


/**
 * Loads the first data set and applies the default model once the engine is ready, showing the
 * Train view meanwhile. Resolves true when the network is ready to run, false when the user (or
 * a restored session) got there first or a step failed (its error is in the tray).
 */
export async function startReadyToRun(): Promise<boolean> {
  const session = useSessionStore();
  const data = useDataStore();
  const model = useModelStore();
  const ui = useUiStore();
  const untouched = () => !data.loaded && !data.loading && !data.pending && session.state === 'empty';
  ui.show('train');
  await whenSessionReady();
  if (!untouched() || !data.catalog.some((b) => b.name === FIRST_DATASET)) return false;
  data.select(FIRST_DATASET);
  if (!(await data.loadBuiltin())) return false;
  const mine = data.loaded;
  // The data-set watch in the model store sets the output and loss for the task on the next tick.
  await nextTick();
  const userActed = data.loaded !== mine || data.selected !== FIRST_DATASET || data.pending !== null;
  if (userActed || model.configured || session.state !== 'empty') return false;
  return model.apply();
}
