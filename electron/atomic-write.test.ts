import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'lens-atomic-'));

describe('writeFileAtomic', () => {
  it('writes text and bytes and leaves no temporary file', async () => {
    const d = dir();
    await writeFileAtomic(join(d, 'a.json'), '{"x":1}');
    await writeFileAtomic(join(d, 'b.png'), new Uint8Array([137, 80, 78, 71]));
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('{"x":1}');
    expect([...readFileSync(join(d, 'b.png'))]).toEqual([137, 80, 78, 71]);
    expect(readdirSync(d).sort()).toEqual(['a.json', 'b.png']);
  });

  it('replaces an existing file whole', async () => {
    const d = dir();
    const target = join(d, 'w.json');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new contents');
    expect(readFileSync(target, 'utf8')).toBe('new contents');
  });

  it('on failure keeps what was there and removes its temporary file', async () => {
    const d = dir();
    const target = join(d, 'taken');
    mkdirSync(target); // renaming a file over a directory fails
    writeFileSync(join(target, 'keep'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(readdirSync(d)).toEqual(['taken']);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('x');
  });

  it('fails cleanly when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(dir(), 'missing', 'x.json'), '{}')).rejects.toThrow(/ENOENT/);
  });
});

describe('writeFileAtomic in the main process (the engine’s shared implementation)', () => {
  it('writes through a link to /dev/null without replacing the device', async () => {
    const { lstatSync, statSync, symlinkSync } = await import('node:fs');
    const d = dir();
    const link = join(d, 'export.json');
    symlinkSync('/dev/null', link);
    const before = statSync('/dev/null');
    await writeFileAtomic(link, '{"exported": true}');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(statSync('/dev/null').rdev).toBe(before.rdev);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(d)).toEqual(['export.json']);
  });

  it('replaces the file a link points to, keeping the link', async () => {
    const { readlinkSync, symlinkSync } = await import('node:fs');
    const d = dir();
    writeFileSync(join(d, 'recent.json'), 'old');
    symlinkSync('recent.json', join(d, 'alias.json'));
    await writeFileAtomic(join(d, 'alias.json'), 'new');
    expect(readFileSync(join(d, 'recent.json'), 'utf8')).toBe('new');
    expect(readlinkSync(join(d, 'alias.json'))).toBe('recent.json');
  });
});
