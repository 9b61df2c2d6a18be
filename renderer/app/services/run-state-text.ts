/**
 * The status bar's run state in words. The engine's "empty" means "no model configured": with a
 * data set loaded it is not empty, and saying so sent people looking for their data.
 */
import type { RunState } from '../../../engine/protocol/index.js';

export function runStateText(state: RunState, dataLoaded: boolean, dataLoading: boolean): { text: string; tip: string } {
  if (state !== 'empty') return { text: state, tip: `Training is ${state}` };
  if (dataLoading) return { text: 'loading data', tip: 'The data set is being loaded' };
  if (dataLoaded) return { text: 'no model', tip: 'Data loaded; apply a model (Model view) to train' };
  return { text: 'no data', tip: 'Load a data set (Data view), then apply a model' };
}
