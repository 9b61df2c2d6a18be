/**
 * Export and import: weights / gradients JSON and the loss history CSV come from the engine (it
 * owns the numbers and FORMATS.md's writers); the dashboard saves them. A weights file read back
 * is validated (key-path errors) and becomes the starting point of the model.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { parseWeights, type WeightsFile } from '../../../engine/index.js';
import { saveFile } from '../services/files.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';
import { useModelStore } from './model.js';

export type ExportWhat =
  | 'weights'
  | 'weights-npz'
  | 'weights-safetensors'
  | 'weights-onnx'
  | 'gradients'
  | 'loss-history'
  | 'session';

export const useExportsStore = defineStore('exports', () => {
  const busy = ref<ExportWhat | 'import' | null>(null);
  const lastSaved = ref<string | null>(null);
  /** The last export's text, kept so tests and the preview can read exactly what was saved. */
  const lastContents = shallowRef<{ what: ExportWhat; fileName: string; contents: string | Uint8Array } | null>(null);
  const imported = shallowRef<{ fileName: string; weights: WeightsFile } | null>(null);

  async function exportFile(what: ExportWhat): Promise<boolean> {
    busy.value = what;
    try {
      const e = await useSessionStore().engine().request({ type: 'export', what }, 'export');
      const body = e.bytes ?? e.contents;
      lastContents.value = { what, fileName: e.fileName, contents: body };
      const path = await saveFile(e.fileName, body, e.mimeType);
      if (path) lastSaved.value = path;
      return path !== null;
    } catch (err) {
      useErrorsStore().report(err, `Could not export ${what}`);
      return false;
    } finally {
      busy.value = null;
    }
  }

  /** Reads a weights file; on success the Model view starts from it (apply to load it into the engine). */
  function importWeights(fileName: string, text: string): boolean {
    busy.value = 'import';
    try {
      const w = parseWeights(text);
      imported.value = { fileName, weights: w };
      // Plain copies: the protocol takes ArrayBuffer-backed arrays, and the engine gets its own copy anyway.
      const copy = (m: { rows: number; cols: number; data: ArrayLike<number> }) => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) });
      useModelStore().useImported(fileName, w.model, { W: w.parameters.W.map(copy), b: w.parameters.b.map(copy) });
      return true;
    } catch (err) {
      useErrorsStore().report(err, `${fileName} is not a valid weights file`);
      return false;
    } finally {
      busy.value = null;
    }
  }

  return { busy, lastSaved, lastContents, imported, exportFile, importWeights };
});
