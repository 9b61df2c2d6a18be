/**
 * The session as a document: the window title shows the session file's name and a mark while it
 * has unsaved changes (Electron's window follows document.title); a .bplens dropped anywhere on the
 * window opens it (on the desktop through main, which then saves File › Save to it); File › Open
 * Recent's files, read by main, open as if picked.
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
  const onDragOver = (e: DragEvent): void => {
    // Allows dropping anywhere; without it the browser (or Electron) would navigate to the file.
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };
  const onDrop = (e: DragEvent): void => {
    if (e.defaultPrevented) return; // a view's own drop zone took it
    e.preventDefault();
    files.openDropped(e.dataTransfer?.files);
  };
  window.addEventListener('dragover', onDragOver);
  window.addEventListener('drop', onDrop);
  return () => {
    stopTitle();
    offOpened?.();
    window.removeEventListener('dragover', onDragOver);
    window.removeEventListener('drop', onDrop);
  };
}
