/**
 * `open-session`: a .bplens file's data, settings, kept history and saved state replace the
 * host's; then the saved step is recomputed from the kept step before it (session-files.ts) so the
 * views get that step's matrices, as when it was saved. The export side is in session-files.ts.
 */
import type { CommandOf } from '../protocol/commands.js';
import { installSessionState } from '../session-file/live-session.js';
import { decodeSession } from '../session-file/read.js';
import { HostLifecycle } from './lifecycle.js';
import { configOfSession, datasetOfSession, replayLastStep, sessionOpenedBody } from './session-files.js';

export abstract class HostSessionFiles extends HostLifecycle {
  protected async openSessionFile(c: CommandOf<'open-session'>): Promise<void> {
    this.stopRun();
    // Everything is read and checked before the current session is touched.
    const { contents } = await decodeSession(c.bytes, { fileName: c.fileName });
    const ds = datasetOfSession(contents);
    await this.dropSession();
    this.dataset = ds;
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
