/** Runs python/tests (the client's own unit tests) with Debian's python3-torch; skipped, with the reason, without it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const torchMissing = spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0;
if (torchMissing) console.log('python client unit tests skipped: /usr/bin/python3 cannot import torch');

describe.skipIf(torchMissing)('python/backprop_lens_attach unit tests', () => {
  it('pass (python -m unittest)', () => {
    const r = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'python/tests', '-v'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: join(root, 'python'), PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Ran \d+ tests/);
  });
});
