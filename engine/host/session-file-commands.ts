/**
 * `open-session`: a .bplens file's data, settings, kept history and saved state replace the
 * host's; then the saved step is recomputed from the kept step before it (session-files.ts) so the
 * views get that step's matrices, as when it was saved. The export side is in session-files.ts.
 */
import type { CommandOf } from '../protocol/commands.js';
import { installSessionState } from '../session-file/live-session.js';
import { SessionFileError } from '../session-file/errors.js';
import { decodeSession } from '../session-file/read.js';
import { missingDataError, withReferencedData } from '../session-file/referenced-data.js';
import { FieldError, InvalidStateError } from './errors.js';
import { HostLifecycle } from './lifecycle.js';
import { configOfSession, datasetOfSession, replayLastStep, sessionOpenedBody } from './session-files.js';

export abstract class HostSessionFiles extends HostLifecycle {
  /** The data file a session export may refer to (embedData: false) instead of embedding the data. */
  protected referableFile(what: string): NonNullable<HostLifecycle['datasetFile']> {
    if (what !== 'session') throw new FieldError('embedData applies to session exports only', 'embedData');
    if (!this.datasetFile)
      throw new InvalidStateError(
        'export: the data did not come from a file (a built-in data set, matrices, or a session that held its data), so it can only be embedded',
      );
    return this.datasetFile;
  }

  protected async openSessionFile(c: CommandOf<'open-session'>): Promise<void> {
    this.stopRun();
    // Everything is read and checked before the current session is touched.
    const decoded = await decodeSession(c.bytes, { fileName: c.fileName });
    let contents = decoded.contents;
    if (contents.dataset?.file && !contents.dataset.data) {
      // The session refers to its data file: the dashboard sends it along once the user located it.
      try {
        if (!c.data) throw missingDataError(contents);
        contents = await withReferencedData(contents, c.data);
      } catch (e) {
        throw e instanceof SessionFileError ? e.inFile(c.fileName) : e;
      }
    }
    const ds = datasetOfSession(contents);
    await this.dropSession();
    this.dataset = ds;
    this.datasetFile = c.data && contents.dataset?.file ? { ...c.data, read: contents.dataset.file.read ?? {} } : null;
    this.announceDataset(ds, c.id);
    this.postState('loaded');
    this.breakpoints = [...contents.breakpoints];
    const config = configOfSession(contents);
    await this.createSession(config, undefined);
    const session = this.session!;
    await installSessionState(session, contents);
    await replayLastStep(session, contents.position.step, this.validBreakpoints(config));
    this.announceConfigured(config, c.id);
    this.post(sessionOpenedBody(c.fileName, contents), c.id);
    this.postState('configured');
    // The replayed step's matrices: the Layers view shows what it showed when the file was saved.
    await this.afterPause();
  }
}
