/**
 * What the dashboard remembers across launches (localStorage): whether the first run is over
 * (the "press Run" hint is shown once) and the run speed a person chose. Storage can be blocked
 * (private windows, policies): then the defaults apply and nothing fails.
 */
const KEY = 'backprop-lens.first-run';

/** Steps per second a person can watch: the Circles boundary forms over ~10 s (≈300 steps). */
export const DEFAULT_SPEED = 30;

export interface Preferences {
  /** The first run is over: the user pressed Run once. */
  readonly seen: boolean;
  /** Steps per second while running; null = as fast as possible ("max"). */
  readonly speed: number | null;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadPreferences(): Preferences {
  try {
    const raw = storage()?.getItem(KEY);
    const v = raw ? (JSON.parse(raw) as Partial<Preferences>) : {};
    const speed = v.speed === null ? null : typeof v.speed === 'number' && v.speed > 0 && Number.isFinite(v.speed) ? v.speed : DEFAULT_SPEED;
    return { seen: v.seen === true, speed };
  } catch {
    return { seen: false, speed: DEFAULT_SPEED };
  }
}

export function savePreferences(change: Partial<Preferences>): void {
  try {
    storage()?.setItem(KEY, JSON.stringify({ ...loadPreferences(), ...change }));
  } catch {
    // not remembered; this launch still works
  }
}
