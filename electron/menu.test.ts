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
      ['CmdOrCtrl+E', 'export-weights'],
      ['CmdOrCtrl+Shift+E', 'export-gradients'],
      ['CmdOrCtrl+Shift+O', 'open-session'],
      ['CmdOrCtrl+S', 'save-session'],
      ['CmdOrCtrl+Shift+S', 'save-session-as'],
    ] as const) {
      (byKey(key).click as () => void)();
      expect(send).toHaveBeenLastCalledWith(command);
    }
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    expect(items.some((i) => i.role === 'copy')).toBe(true);
  });

  it('has no two items on one accelerator', () => {
    const keys = flat(menuTemplate('linux', vi.fn()))
      .map((i) => i.accelerator)
      .filter((k) => k !== undefined);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('File › Open Recent lists the recent files (sessions too) and opens or clears them', () => {
    const open = vi.fn();
    const clear = vi.fn();
    const files = [
      { path: '/runs/a.bplens', fileName: 'a.bplens', openedAt: '2026-01-01T00:00:00Z' },
      { path: '/data/iris.csv', fileName: 'iris.csv', openedAt: '2026-01-01T00:00:00Z' },
    ];
    const items = flat(menuTemplate('linux', vi.fn(), undefined, { files, open, clear }));
    const recentMenu = items.find((i) => i.label === 'Open Recent')!;
    const sub = recentMenu.submenu as MenuItemConstructorOptions[];
    expect(sub.map((i) => i.label)).toEqual(['a.bplens', 'iris.csv', undefined, 'Clear Recent']);
    (sub[0]!.click as () => void)();
    expect(open).toHaveBeenCalledWith('/runs/a.bplens');
    (sub[3]!.click as () => void)();
    expect(clear).toHaveBeenCalled();
    const empty = flat(menuTemplate('linux', vi.fn())).find((i) => i.label === 'Open Recent')!;
    expect(empty.submenu).toEqual([{ label: 'No Recent Files', enabled: false }]);
  });

  it('adds the application menu on macOS only', () => {
    expect(menuTemplate('darwin', vi.fn())[0]!.label).toBe('Backprop Lens');
    expect(menuTemplate('win32', vi.fn())[0]!.label).toBe('&File');
  });
});
