/**
 * Vitest setup: Electron is mocked once, here, for every test (STYLE.md item 3). The fakes live
 * in electron/test/mocks/electron.ts. Tests outside electron/ never import 'electron', so the mock
 * costs them nothing.
 */
import { vi } from 'vitest';

vi.mock('electron', async () => await import('./mocks/electron.js'));
