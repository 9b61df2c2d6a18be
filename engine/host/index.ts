/**
 * engine/host: the engine side of the protocol (commands → Session → events). Imported by
 * renderer/engine-host (Web Worker, hidden Electron window) and by Node tests and benchmarks.
 */
export { EngineHost } from './engine-host.js';
export type { EngineHostOptions } from './engine-host.js';
export { defaultBackendProvider, cpuBackendProvider } from './backend-provider.js';
export type { BackendProvider, ProvidedBackend } from './backend-provider.js';
export { defaultDatasetProvider } from './dataset-provider.js';
export type { DatasetProvider, DatasetProgress } from './dataset-provider.js';
export { FrameGate } from './frame-gate.js';
export { yieldToEvents, sleep } from './yield.js';
