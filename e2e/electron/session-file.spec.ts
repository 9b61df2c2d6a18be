/**
 * Session files as documents in the Electron app: File › Save asks once, then writes to the same
 * file without a dialog; Save As… always asks; the window title shows the file and an unsaved
 * mark; saved sessions appear under File › Open Recent and open from there; a .bplens dropped on
 * the window opens it. The save dialog is replaced in main by one that answers a temp path and
 * counts its calls. Runs where an Electron binary exists; elsewhere every test is skipped with the
 * reason printed.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { electronBinary, launchBuiltApp } from '../fixtures/electron-app.js';

const binary = electronBinary();
if ('reason' in binary) console.log(`[e2e/electron] skipped: ${binary.reason}`);
test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
test.describe.configure({ mode: 'serial' });

let app: ElectronApplication;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'lens-e2e-session-'));

test.beforeAll(async () => {
  if ('reason' in binary) return;
  ({ app, page } = await launchBuiltApp(binary.path));
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
});

test.afterAll(async () => {
  await app?.close();
});

/** Replaces the save dialog in main: answers `path` and counts how often it was shown. */
async function answerSaveDialog(path: string): Promise<void> {
  await app.evaluate(({ dialog }, p) => {
    const g = globalThis as unknown as { saveDialogCalls?: number };
    g.saveDialogCalls = g.saveDialogCalls ?? 0;
    dialog.showSaveDialog = (async () => {
      g.saveDialogCalls! += 1;
      return { canceled: false, filePath: p };
    }) as typeof dialog.showSaveDialog;
  }, path);
}

const saveDialogCalls = () =>
  app.evaluate(() => (globalThis as unknown as { saveDialogCalls?: number }).saveDialogCalls ?? 0);

/** Clicks File › <label> (or File › Open Recent › <label>) in the application menu. */
async function clickMenu(label: string, submenu?: string): Promise<void> {
  await app.evaluate(
    ({ Menu }, { label, submenu }) => {
      const file = Menu.getApplicationMenu()!.items.find((i) => i.label.replace('&', '') === 'File')!;
      let items = file.submenu!.items;
      if (submenu) items = items.find((i) => i.label === submenu)!.submenu!.items;
      const item = items.find((i) => i.label === label);
      if (!item) throw new Error(`no menu item ${label}: ${items.map((i) => i.label).join(', ')}`);
      item.click();
    },
    { label, submenu },
  );
}

async function trainSteps(n: number): Promise<void> {
  await page.click('[data-tab=train]');
  for (let k = 0; k < n; k++) await page.keyboard.press('F10');
}

const stepText = async () => (await page.locator('[data-test=status-step]').textContent()) ?? '';

test('Save asks once, then writes to the same file; the title shows the file and the unsaved mark', async () => {
  await page.click('[data-tab=data]');
  await page.selectOption('[data-test=builtin-select]', 'xor');
  await page.click('[data-test=load-builtin]');
  await page.click('[data-tab=model]');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle|paused/);
  await trainSteps(3);
  await expect.poll(stepText).toMatch(/step 3 ·/);
  await expect(page).toHaveTitle('● Untitled session — Backprop Lens');

  const file = join(dir, 'run.bplens');
  await answerSaveDialog(file);
  await clickMenu('Save Session');
  await expect.poll(() => existsSync(file)).toBe(true);
  await expect(page).toHaveTitle('run.bplens — Backprop Lens');
  expect(await saveDialogCalls()).toBe(1);
  const windowTitle = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => w.getTitle()),
  );
  expect(windowTitle).toContain('run.bplens — Backprop Lens');

  await trainSteps(2);
  await expect(page).toHaveTitle('● run.bplens — Backprop Lens');
  const before = statSync(file).mtimeMs;
  await clickMenu('Save Session');
  await expect.poll(() => statSync(file).mtimeMs).toBeGreaterThan(before);
  expect(await saveDialogCalls()).toBe(1);
  await expect(page).toHaveTitle('run.bplens — Backprop Lens');

  const copy = join(dir, 'copy.bplens');
  await answerSaveDialog(copy);
  await clickMenu('Save Session As…');
  await expect.poll(() => existsSync(copy)).toBe(true);
  expect(await saveDialogCalls()).toBe(2);
  await expect(page).toHaveTitle('copy.bplens — Backprop Lens');
});

test('saved sessions are in File › Open Recent and open from there', async () => {
  await trainSteps(1);
  await clickMenu('run.bplens', 'Open Recent');
  await expect.poll(stepText, { timeout: 30_000 }).toMatch(/step 5 ·/);
  await page.click('[data-tab=export]');
  await expect(page.locator('[data-test=session-opened]')).toContainText('Opened run.bplens at step 5');
  await expect(page).toHaveTitle('run.bplens — Backprop Lens');
});

test('a .bplens dropped on the window opens it', async () => {
  const bytes = Array.from(readFileSync(join(dir, 'copy.bplens')));
  await page.click('[data-tab=train]');
  await page.evaluate((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'dropped.bplens'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect.poll(stepText, { timeout: 30_000 }).toMatch(/step 5 ·/);
  await expect(page).toHaveTitle('dropped.bplens — Backprop Lens');
});
