/**
 * View state that is not engine state: theme, current tab, the focused layer and the traced
 * sample row / unit, which every view reads so that a click in one shows up in all.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { AppApi } from '../../../engine/protocol/index.js';

export const TABS = ['data', 'model', 'train', 'layers', 'graph', 'stepper', 'breakpoints', 'history', 'gradcheck', 'compare', 'export'] as const;
export type Tab = (typeof TABS)[number];
export type Theme = 'light' | 'dark';

const THEME_KEY = 'backprop-lens.theme';

function initialTheme(): Theme {
  try {
    const saved = globalThis.localStorage?.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // storage can be blocked; fall through to the system preference
  }
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useUiStore = defineStore('ui', () => {
  const theme = ref<Theme>(initialTheme());
  const tab = ref<Tab>('data');
  const focusLayer = ref<number | null>(null);
  /** The sample row traced through every layer's A/H/G, and the unit column within focusLayer. */
  const traceRow = ref<number | null>(null);
  const traceUnit = ref<{ layer: number; unit: number } | null>(null);
  /** The Layers view's kind checkboxes and "only layer i": here so that telemetry subscribes to what is shown. */
  const layerKinds = ref<Record<string, boolean>>({ A: true, H: true, G: true, W: true, dW: true, db: true });
  const layersOnlyFocus = ref(false);
  /** Desktop app: BACKPROP_LENS_ATTACH of this app start (main listens for PyTorch runs), and whether the status bar shows it. */
  const attachAddress = ref<string | null>(null);
  const attachShown = ref(false);

  async function loadAttachAddress(api: AppApi): Promise<void> {
    attachAddress.value = await api.invoke('attach:address').catch(() => null);
  }

  watch(
    theme,
    (t) => {
      if (typeof document !== 'undefined') document.documentElement.dataset.theme = t;
      try {
        globalThis.localStorage?.setItem(THEME_KEY, t);
      } catch {
        // not persisted; the theme still applies for this session
      }
    },
    { immediate: true },
  );

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }
  function show(t: Tab, layer?: number | null): void {
    tab.value = t;
    if (layer !== undefined) focusLayer.value = layer;
  }
  function trace(row: number | null): void {
    traceRow.value = row;
  }
  function traceUnitOf(layer: number, unit: number): void {
    traceUnit.value = { layer, unit };
  }
  function clearTrace(): void {
    traceRow.value = null;
    traceUnit.value = null;
  }
  return { theme, tab, focusLayer, traceRow, traceUnit, layerKinds, layersOnlyFocus, attachAddress, attachShown, loadAttachAddress, toggleTheme, show, trace, traceUnitOf, clearTrace };
});
