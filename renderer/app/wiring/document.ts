/**
 * The session as a document: the window title shows the session file's name and a mark while it
 * has unsaved changes (Electron's window follows document.title); File › Open Recent's files, read
 * by main, open as if picked. (A .bplens dropped anywhere on the window: App.vue's file drop hands
 * it to the session-files store, which opens it through main on the desktop.)
 */
import { watchEffect } from 'vue';
import type { AppApi } from '../transport/app-api.js';
import { useDataStore } from '../stores/data.js';
import { useSessionFilesStore } from '../stores/session-files.js';

export function installDocumentWiring(api: AppApi | null): () => void {
  const files = useSessionFilesStore();
  const stopTitle = watchEffect(() => {
    document.title = files.windowTitle;
  });
  const offOpened = api?.on('file:opened', (f) => useDataStore().pick(f.fileName, new Uint8Array(f.bytes), f.path));
  return () => {
    stopTitle();
    offOpened?.();
  };
}
