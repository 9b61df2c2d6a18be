/** The Electron binary's path, or why there is none (see find-electron.mjs). */
export function findElectron(env?: NodeJS.ProcessEnv): { path: string } | { reason: string };
