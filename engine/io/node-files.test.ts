import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FormatError } from './format-error.js';
import {
  FileAccessError,
  readBatchFile,
  readTextFile,
  readWeightsFile,
  writeFileAtomic,
  writeWeightsFile,
} from './node-files.js';
import { serializeWeights } from './weights-file.js';
import { tinyWeights } from './test-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bpl-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic writes', () => {
  it('writes a string, then replaces it, leaving only the target', async () => {
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('streams chunks larger than its buffer', async () => {
    const file = join(dir, 'big.txt');
    const chunk = 'x'.repeat(300_000);
    await writeFileAtomic(
      file,
      (function* () {
        for (let i = 0; i < 10; i++) yield chunk;
      })(),
    );
    expect((await stat(file)).size).toBe(3_000_000);
  });

  it('leaves no file and no temp when serialisation fails part-way', async () => {
    const file = join(dir, 'w.json');
    const failing = (function* () {
      yield '{"partial": ';
      throw new FormatError('cannot write NaN', ['x']);
    })();
    await expect(writeFileAtomic(file, failing)).rejects.toThrow('x: cannot write NaN');
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves the old file untouched and no temp when a write fails', async () => {
    const file = join(dir, 'w.json');
    await writeFile(file, 'old contents');
    const failing = (async function* () {
      yield 'new';
      throw new Error('disk on fire');
    })();
    await expect(writeFileAtomic(file, failing)).rejects.toThrow('disk on fire');
    expect(await readFile(file, 'utf8')).toBe('old contents');
    expect(await readdir(dir)).toEqual(['w.json']);
  });

  it('refuses to write over a folder, cleaning its temp', async () => {
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(FileAccessError);
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow('is a folder, not a file');
  });

  it('says when the folder does not exist', async () => {
    const file = join(dir, 'missing', 'w.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(
      `${file}: cannot write: the folder ${join(dir, 'missing')} does not exist`,
    );
  });

  it('keeps the permissions of the file it replaces', async () => {
    const file = join(dir, 'w.json');
    await writeFile(file, 'old');
    await chmod(file, 0o600);
    await writeFileAtomic(file, 'new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('writes no file when a weights file fails validation, and names the file', async () => {
    const file = join(dir, 'w.json');
    const w = tinyWeights();
    w.parameters.b[0]!.data[1] = NaN;
    await expect(writeWeightsFile(file, w)).rejects.toThrow(`${file}: parameters[0].b[1]: cannot write NaN`);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('reading files', () => {
  it('reads back a weights file written atomically', async () => {
    const file = join(dir, 'w.json');
    await writeWeightsFile(file, tinyWeights());
    expect((await readWeightsFile(file)).model).toEqual(tinyWeights().model);
  });

  it('says a file is missing or a folder', async () => {
    await expect(readTextFile(join(dir, 'nope.json'))).rejects.toThrow(
      `${join(dir, 'nope.json')}: cannot read: no such file`,
    );
    await expect(readTextFile(dir)).rejects.toThrow(`${dir}: cannot read: is a folder, not a file`);
  });

  it('puts the file name, path, line and column into format errors', async () => {
    const file = join(dir, 'w.json');
    await writeFile(file, serializeWeights(tinyWeights()).replace('-0.25', '"abc"'));
    await expect(readWeightsFile(file)).rejects.toThrow(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: parameters\\[1\\]\\.W\\[1\\]\\[0\\]: expected a finite number, got "abc" \\(line \\d+, column \\d+\\)$`,
      ),
    );
  });

  it('names the file on a JSON syntax error', async () => {
    const file = join(dir, 'b.json');
    await writeFile(file, '{"format": "backprop-lens/batch",\n "X": [[1, 2]\n}');
    await expect(readBatchFile(file)).rejects.toThrow(
      `${file}: invalid JSON: expected ',' between items, or a closing ']' or '}' (line 3, column 1)`,
    );
  });
});
