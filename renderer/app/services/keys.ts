/**
 * Debugger keys, as in IDE debuggers: Space run/pause, F5 continue, F10 step, F11 step one op.
 * Ignored while the user types in a form field or toggles a checkbox; the browser's own meaning of F5 (reload) and
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

/** The action for a key event, or null (modifier combos, typing in inputs, unmapped keys). */
export function actionForKey(ev: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): DebugAction | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  const t = ev.target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = t?.tagName?.toUpperCase();
  if (t?.isContentEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return null;
  // Space stays run/pause even on a focused button (tabs and toolbars keep focus after a click);
  // Enter still presses a focused button.
  if (ev.key === ' ' && t && 'type' in t && (t as { type?: string }).type === 'checkbox') return null;
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
