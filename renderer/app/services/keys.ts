/**
 * Debugger keys, as in IDE debuggers: Space run/pause, F5 continue, F10 step, F11 step one op.
 * Ignored only while the user types in a text field; the browser's own meaning of F5 (reload) and
 * F11 (full screen) is suppressed only when we act on the key.
 */
export type DebugAction = 'toggle-run' | 'continue' | 'step' | 'step-op';

const KEYMAP: Readonly<Record<string, DebugAction>> = {
  ' ': 'toggle-run',
  Space: 'toggle-run',
  F5: 'continue',
  F10: 'step',
  F11: 'step-op',
};

/** Input types a person types into: the debugger keys leave them alone. Checkboxes, sliders, buttons… do not take text. */
const TEXT_INPUT_TYPES = new Set(['text', 'number', 'search', 'email', 'password', 'url', 'tel', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Whether the event's target is a field the user types text into (where Space is a character). */
export function isTextField(t: { tagName?: string; isContentEditable?: boolean; type?: string } | null): boolean {
  const tag = t?.tagName?.toUpperCase();
  if (t?.isContentEditable || tag === 'TEXTAREA') return true;
  return tag === 'INPUT' && TEXT_INPUT_TYPES.has((t?.type ?? 'text').toLowerCase());
}

/**
 * The action for a key event, or null (modifier combos, typing in a text field, unmapped keys).
 * A focused checkbox, slider, select or button does not swallow the keys: after a click focus
 * stays on the control, and Space must still run/pause.
 */
export function actionForKey(ev: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): DebugAction | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  if (isTextField(ev.target as { tagName?: string; isContentEditable?: boolean; type?: string } | null)) return null;
  return KEYMAP[ev.key] ?? KEYMAP[ev.code] ?? null;
}

/** Installs the key handler on a target; returns the function that removes it. */
export function installDebugKeys(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, run: (a: DebugAction) => void): () => void {
  const onKey = (ev: Event) => {
    const a = actionForKey(ev as KeyboardEvent);
    if (!a) return;
    ev.preventDefault();
    run(a);
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
