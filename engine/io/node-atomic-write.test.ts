import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import {
  link,
  lstat,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planOutput, removeStaleTemps, sameFile, tempNameFor, writeFileAtomic } from './node-atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bpl-out-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('output paths', () => {
  it('writes through a link to /dev/null: /dev/null stays a character device, the link stays a link', async () => {
    const devNull = await stat('/dev/null');
    const viaLink = join(dir, 'null-link');
    await symlink('/dev/null', viaLink);
    expect((await planOutput(viaLink)).kind).toBe('stream');
    await writeFileAtomic(viaLink, '{"not": "a device"}');
    const after = await stat('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(devNull.rdev);
    expect((await lstat(viaLink)).isSymbolicLink()).toBe(true);
    expect(await readdir(dir)).toEqual(['null-link']);
  });

  it('writes /dev/null itself straight through (never renamed over)', async () => {
    expect(await planOutput('/dev/null')).toEqual({ kind: 'stream', path: '/dev/null' });
  });

  it('writes into a FIFO instead of replacing it', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const received = new Promise<string>((done, fail) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (c) => (text += c))
        .on('end', () => done(text))
        .on('error', fail);
    });
    await writeFileAtomic(
      fifo,
      (function* () {
        yield 'one ';
        yield 'two';
      })(),
    );
    expect(await received).toBe('one two');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('replaces the file a symbolic link points to and keeps the link', async () => {
    const real = join(dir, 'real.json');
    const viaLink = join(dir, 'link.json');
    await writeFile(real, 'old');
    await symlink('real.json', viaLink);
    await writeFileAtomic(viaLink, 'new');
    expect(await readFile(real, 'utf8')).toBe('new');
    expect(await readlink(viaLink)).toBe('real.json');
    expect((await readdir(dir)).sort()).toEqual(['link.json', 'real.json']);
  });

  it('creates the missing file a dangling link names', async () => {
    const viaLink = join(dir, 'link.json');
    await symlink('made.json', viaLink);
    await writeFileAtomic(viaLink, 'fresh');
    expect(await readFile(join(dir, 'made.json'), 'utf8')).toBe('fresh');
    expect((await lstat(viaLink)).isSymbolicLink()).toBe(true);
  });

  it('refuses a link loop', async () => {
    await symlink('b', join(dir, 'a'));
    await symlink('a', join(dir, 'b'));
    await expect(writeFileAtomic(join(dir, 'a'), 'x')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('refuses a socket and leaves it alone', async () => {
    const path = join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((done) => server.listen(path, done));
    try {
      await expect(writeFileAtomic(path, 'x')).rejects.toMatchObject({ code: 'EINVAL' });
      expect((await lstat(path)).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('temp files', () => {
  it('are named obviously ours', () => {
    expect(tempNameFor('/x/w.json')).toMatch(
      new RegExp(`^\\.backprop-lens-${process.pid}-[0-9a-f]{12}\\.w\\.json\\.tmp$`),
    );
  });

  it('left by a killed process are removed on the next write to the folder; others are kept', async () => {
    const deadPid = 4_194_304 + 7; // above Linux's largest pid: never a live process
    const dead = `.backprop-lens-${deadPid}-0123456789ab.w.json.tmp`;
    const liveFresh = `.backprop-lens-1-0123456789ab.w.json.tmp`;
    const liveOld = `.backprop-lens-1-ba9876543210.w.json.tmp`;
    const notOurs = '.w.json.12345.abcdef.tmp';
    for (const name of [dead, liveFresh, liveOld, notOurs]) await writeFile(join(dir, name), 'partial');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(join(dir, liveOld), twoDaysAgo, twoDaysAgo);
    await writeFileAtomic(join(dir, 'w.json'), 'done');
    expect((await readdir(dir)).sort()).toEqual([liveFresh, notOurs, 'w.json'].sort());
    expect(await removeStaleTemps(dir)).toEqual([]);
  });
});

describe('sameFile', () => {
  it('sees through symbolic and hard links', async () => {
    const a = join(dir, 'a.json');
    await writeFile(a, 'x');
    await writeFile(join(dir, 'b.json'), 'x');
    await symlink('a.json', join(dir, 'soft'));
    await link(a, join(dir, 'hard'));
    expect(await sameFile(a, join(dir, 'soft'))).toBe(true);
    expect(await sameFile(join(dir, 'hard'), join(dir, 'soft'))).toBe(true);
    expect(await sameFile(a, join(dir, 'b.json'))).toBe(false);
    expect(await sameFile(a, join(dir, 'missing'))).toBe(false);
    expect(await sameFile('/dev/null', '/dev/null')).toBe(false);
  });
});
