/** The Electron menu's commands (File › Export…, Debug › Step…) acted on by the same store actions as the buttons and keys. */
import type { AppApi } from '../transport/app-api.js';
import { useSessionStore } from '../stores/session.js';
import { useExportsStore } from '../stores/exports.js';
import { useGradcheckStore } from '../stores/gradcheck.js';
import { useUiStore } from '../stores/ui.js';
import { useDataStore } from '../stores/data.js';
import { useErrorsStore } from '../stores/errors.js';
import { openNative } from '../services/files.js';
import { useSessionFilesStore } from '../stores/session-files.js';

export function installMenuCommands(api: AppApi): () => void {
  return api.on('menu:command', (cmd) => {
    const session = useSessionStore();
    switch (cmd) {
      case 'open-dataset':
        useUiStore().show('data');
        return void openNative()
          .then((f) => f && useDataStore().pick(f.name, f.bytes, f.path))
          .catch((err: unknown) => useErrorsStore().report(err, 'Could not open the file'));
      case 'open-session':
        // The native open dialog (which also puts the file on the recent list), then the engine restores it.
        return void openNative()
          .then((f) => f && useSessionFilesStore().open(f.name, new Uint8Array(f.bytes)))
          .catch((err: unknown) => useErrorsStore().report(err, 'Could not open the session'));
      case 'save-session':
        return void useSessionFilesStore().save(false);
      case 'save-session-as':
        return void useSessionFilesStore().save(true);
      case 'export-weights':
        return void useExportsStore().exportFile('weights');
      case 'export-gradients':
        return void useExportsStore().exportFile('gradients');
      case 'export-loss-history':
        return void useExportsStore().exportFile('loss-history');
      case 'toggle-run':
      case 'continue':
      case 'step':
      case 'step-op':
        return session.debugAction(cmd);
      case 'reset':
        return session.reset();
      case 'gradcheck':
        useUiStore().show('gradcheck');
        return void useGradcheckStore().run();
      case 'show-attach': {
        const ui = useUiStore();
        ui.attachShown = true;
        return void ui.loadAttachAddress(api);
      }
    }
  });
}
