/**
 * The Electron preload's API as the page sees it (`window.backpropLens`), typed from the one
 * contract in engine/protocol/app-contract.ts. Absent in web mode.
 */
import type { AppApi } from '../../../engine/protocol/index.js';

declare global {
  interface Window {
    backpropLens?: AppApi;
  }
}

export function appApi(): AppApi | null {
  return typeof window !== 'undefined' && window.backpropLens ? window.backpropLens : null;
}

export type { AppApi };
