/**
 * Public API of the headless CLI (Node-only: never re-exported from the engine's browser entry).
 * `main(argv, io)` runs one invocation and returns its exit code; `runFromProcess()` wires it
 * to the real process (used by bin/backprop-lens.js).
 */
export { main, runFromProcess } from './main.js';
export { MemoryStream, processIo } from './cli-io.js';
export type { CliIo, OutStream } from './cli-io.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliFailure, UsageError } from './errors.js';
