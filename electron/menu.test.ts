import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from './menu.js';

const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);

describe('menuTemplate', () => {
  it('has the debugger keys and sends their commands to the dashboard', () => {
    const send = vi.fn();
    const items = flat(menuTemplate('linux', send));
    const byKey = (k: string) => items.find((i) => i.accelerator === k)!;
    for (const [key, command] of [
      ['F5', 'continue'],
      ['F10', 'step'],
      ['F11', 'step-op'],
      ['CmdOrCtrl+O', 'open-dataset'],
      ['CmdOrCtrl+S', 'export-weights'],
      ['CmdOrCtrl+Shift+O', 'open-session'],
      ['CmdOrCtrl+Alt+S', 'save-session'],
    ] as const) {
      (byKey(key).click as () => void)();
      expect(send).toHaveBeenLastCalledWith(command);
    }
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    expect(items.some((i) => i.role === 'copy')).toBe(true);
  });

  it('adds the application menu on macOS only', () => {
    expect(menuTemplate('darwin', vi.fn())[0]!.label).toBe('Backprop Lens');
    expect(menuTemplate('win32', vi.fn())[0]!.label).toBe('&File');
  });
});
