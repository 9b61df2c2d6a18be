import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Debian's Chromium (and many Linux desktops) has no colour-emoji font: a character from the
// supplementary emoji planes (📄, 📁, 🔍 …) renders as a missing-glyph box. The dashboard uses text,
// BMP symbols that DejaVu has (◆ ▶ ◀ ☀) or inline SVG instead.
const rendererDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sources(p);
    return /\.(ts|vue|html|css)$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

describe('renderer glyphs', () => {
  it('uses no emoji from the supplementary planes (U+1F000 and up)', () => {
    const found = sources(rendererDir).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/[\u{1F000}-\u{1FFFF}]/gu)].map(
        (m) => `${relative(rendererDir, f)}: ${m[0]} (U+${m[0].codePointAt(0)!.toString(16).toUpperCase()})`,
      ),
    );
    expect(found).toEqual([]);
  });
});
