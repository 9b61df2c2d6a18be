/**
 * Every failure the user should see (engine errors, bad files, view crashes) goes through this
 * store and shows in the error tray with its detail; nothing is swallowed into a blank screen.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface AppError {
  readonly id: number;
  readonly title: string;
  readonly message: string;
  readonly detail?: string;
  readonly at: number;
  /** Errors of one place (e.g. "data" for loading a file) replace each other instead of piling up. */
  readonly slot?: string;
}

let nextId = 1;

/** Turns anything thrown into an AppError that keeps the message and the stack. */
export function toAppError(err: unknown, title: string): AppError {
  if (err instanceof Error) {
    const extra = 'path' in err && typeof err.path === 'string' ? `\nat ${err.path}` : '';
    return { id: nextId++, title, message: err.message, detail: (err.stack ?? '') + extra, at: Date.now() };
  }
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as { message: unknown; detail?: unknown; path?: unknown };
    const detail = [e.path, e.detail].filter((x) => x !== undefined).map(String).join('\n');
    return { id: nextId++, title, message: String(e.message), detail: detail || undefined, at: Date.now() };
  }
  return { id: nextId++, title, message: String(err), at: Date.now() };
}

export const useErrorsStore = defineStore('errors', () => {
  const list = ref<AppError[]>([]);

  function report(err: unknown, title = 'Something went wrong', slot?: string): AppError {
    const e = slot ? { ...toAppError(err, title), slot } : toAppError(err, title);
    const kept = slot ? list.value.filter((x) => x.slot !== slot) : list.value;
    list.value = [...kept.slice(-9), e];
    return e;
  }
  /** Removes the errors of one place (a file that now loads clears the previous file's error). */
  function clearSlot(slot: string): void {
    list.value = list.value.filter((x) => x.slot !== slot);
  }
  function dismiss(id: number): void {
    list.value = list.value.filter((e) => e.id !== id);
  }
  function clear(): void {
    list.value = [];
  }
  return { list, report, dismiss, clear, clearSlot };
});
