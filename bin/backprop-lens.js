#!/usr/bin/env node
// The `backprop-lens` command (package.json "bin"). The CLI is TypeScript (engine/cli); tsx's
// loader compiles it on the fly, scoped to this import, so there is no build step to forget and
// `npx backprop-lens` always runs the code in this checkout. tsx is therefore a dependency,
// not a devDependency.
import { tsImport } from 'tsx/esm/api';

const { runFromProcess } = await tsImport('../engine/cli/main.ts', import.meta.url);
await runFromProcess();
