/**
 * electron-builder.yml cannot be exercised by building here (no Electron binary to download), so
 * it is checked instead: electron-builder's own loader and JSON-schema validation accept it, it
 * targets AppImage + deb, dmg and nsis, every icon it names exists at a usable size, and the
 * files it packs are what `electron-vite build` produces.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

const root = join(import.meta.dirname, '..');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { w: number; h: number } {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

const targetsOf = (t: unknown): string[] =>
  (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));

describe('electron-builder.yml', async () => {
  const config = await getConfig(root, join(root, 'electron-builder.yml'), null);

  it('passes electron-builder’s own schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('flips the Electron fuses of the security checklist in the packaged binary', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // ASAR integrity and onlyLoadAppFromAsar need the app inside an ASAR archive.
    expect(config.asar).not.toBe(false);
  });

  it('targets Linux AppImage and deb, macOS dmg and Windows nsis', () => {
    expect(targetsOf(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.mac?.target)).toEqual(['dmg']);
    expect(targetsOf(config.win?.target)).toEqual(['nsis']);
  });

  it('names icons that exist at the sizes each platform needs', () => {
    const linuxDir = join(root, config.linux!.icon as string);
    const sizes = readdirSync(linuxDir).map((f) => pngSize(join(linuxDir, f)));
    for (const s of sizes) expect(s.w).toBe(s.h);
    expect(sizes.map((s) => s.w)).toEqual(expect.arrayContaining([16, 32, 48, 64, 128, 256, 512]));
    expect(pngSize(join(root, config.mac!.icon as string)).w).toBeGreaterThanOrEqual(512);
    const ico = readFileSync(join(root, config.win!.icon as string));
    expect(ico.readUInt16LE(2)).toBe(1); // ICO type
    const count = ico.readUInt16LE(4);
    const widths = Array.from({ length: count }, (_, i) => ico[6 + 16 * i] || 256);
    expect(widths).toContain(256);
    expect(existsSync(join(root, 'assets/icons/icon.svg'))).toBe(true);
  });

  it('packs the electron-vite output and starts from the built main script', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(config.extraMetadata?.main).toBe(pkg.main);
    expect(pkg.main).toBe('out/main/main.js');
    // electron-builder normalises `files` into filter sets.
    const patterns = JSON.stringify(config.files);
    for (const f of ['out/**/*', 'package.json']) expect(patterns).toContain(JSON.stringify(f));
    const vite = readFileSync(join(root, 'electron.vite.config.ts'), 'utf8');
    for (const p of ['./out/main', './out/preload', './out/renderer']) expect(vite).toContain(p);
  });
});
