/**
 * The application menu as a pure template (unit-tested): the usual File/Edit/View/Window/Help
 * roles plus the debugger's run controls. Items the dashboard handles are sent to it as
 * `menu:command`; the keys match the dashboard's own shortcuts (Space, F5, F10, F11).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from './contract.js';

/** File › Open Recent: the recent list (data and session files), opened by main itself. */
export interface RecentMenu {
  readonly files: readonly RecentFile[];
  readonly open: (path: string) => void;
  readonly clear: () => void;
}

export function recentSubmenu(recent: RecentMenu | undefined): MenuItemConstructorOptions[] {
  const files = recent?.files ?? [];
  if (files.length === 0) return [{ label: 'No Recent Files', enabled: false }];
  return [
    ...files.map((f) => ({ label: f.fileName, sublabel: f.path, click: () => recent!.open(f.path) })),
    { type: 'separator' as const },
    { label: 'Clear Recent', click: () => recent!.clear() },
  ];
}

export function menuTemplate(
  platform: NodeJS.Platform,
  send: (command: MenuCommand) => void,
  appName = 'Backprop Lens',
  recent?: RecentMenu,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => send(command),
    ...(accelerator ? { accelerator } : {}),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (mac)
    template.push({
      label: appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  template.push(
    {
      label: '&File',
      submenu: [
        item('Open Dataset…', 'open-dataset', 'CmdOrCtrl+O'),
        item('Open Session…', 'open-session', 'CmdOrCtrl+Shift+O'),
        { label: 'Open Recent', submenu: recentSubmenu(recent) },
        { type: 'separator' },
        // Save writes to the session's file without asking (the first time: Save As).
        item('Save Session', 'save-session', 'CmdOrCtrl+S'),
        item('Save Session As…', 'save-session-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('Export Weights…', 'export-weights', 'CmdOrCtrl+E'),
        item('Export Gradients…', 'export-gradients', 'CmdOrCtrl+Shift+E'),
        item('Export Loss History…', 'export-loss-history'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&Run',
      submenu: [
        // Space is the dashboard's key (a menu accelerator would steal it from text fields).
        item('Run / Pause\tSpace', 'toggle-run'),
        item('Continue', 'continue', 'F5'),
        item('Step', 'step', 'F10'),
        item('Step One Op', 'step-op', 'F11'),
        item('Reset', 'reset', 'CmdOrCtrl+Shift+R'),
        { type: 'separator' },
        item('Gradient Check', 'gradcheck', 'CmdOrCtrl+G'),
        { type: 'separator' },
        // Shows the BACKPROP_LENS_ATTACH line (with its token) for the user's own PyTorch script.
        item('Attach a PyTorch Run…', 'show-attach'),
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Window',
      submenu: mac
        ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
        : [{ role: 'minimize' }, { role: 'close' }],
    },
    { role: 'help', submenu: [{ role: 'about' }] },
  );
  return template;
}
