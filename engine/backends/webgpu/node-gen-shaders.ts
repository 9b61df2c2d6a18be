/**
 * Regenerates shaders.generated.ts from kernels/*.wgsl (`npm run gen:wgsl`). Node only.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderShaderModule, type WgslFile } from './shader-source.js';

const here = dirname(fileURLToPath(import.meta.url));
export const KERNEL_DIR = join(here, 'kernels');
export const GENERATED_FILE = join(here, 'shaders.generated.ts');

export function readKernelFiles(dir = KERNEL_DIR): WgslFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.wgsl'))
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Writes the module atomically (temp file + rename); returns whether it changed. */
export function writeShaderModule(): boolean {
  const text = renderShaderModule(readKernelFiles());
  let old = '';
  try {
    old = readFileSync(GENERATED_FILE, 'utf8');
  } catch {
    // First generation.
  }
  if (old === text) return false;
  const tmp = `${GENERATED_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, GENERATED_FILE);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const changed = writeShaderModule();
  console.log(changed ? `wrote ${GENERATED_FILE}` : `${GENERATED_FILE} is up to date`);
}
