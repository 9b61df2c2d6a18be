/**
 * Safe file writes for the main process (exports, the recent-files list): the engine's
 * node-only implementation, so the CLI and the desktop app write outputs the same way —
 * atomically over regular files, straight through to devices and pipes, through symbolic
 * links to the file they name, and never renaming over `/dev/null`. Errors keep Node's `code`.
 */
export { writeFileAtomic, sameFile } from '../engine/io/node-atomic-write.js';
