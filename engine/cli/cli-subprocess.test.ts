/** True subprocess runs: the bin and the npm script entry start, exit with the right codes, print no stack. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function spawn(command: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the backprop-lens executable', () => {
  it('bin/backprop-lens.js prints its version', () => {
    const r = spawn(process.execPath, ['bin/backprop-lens.js', '--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^backprop-lens \d+\.\d+\.\d+\n$/);
    expect(r.code).toBe(0);
  });

  it('exits 2 on a bad command line and 1 on a missing file, one line each, no stack', () => {
    const usage = spawn(process.execPath, ['bin/backprop-lens.js', 'grad', '--weights']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      "backprop-lens: --weights needs a value (FILE)\nRun 'backprop-lens grad --help' for usage.\n",
    );
    const missing = spawn(process.execPath, ['bin/backprop-lens.js', 'info', 'no-such-file.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('backprop-lens: error: no-such-file.json: cannot read: no such file\n');
  });

  it('runs as a script through tsx (npm run cli)', () => {
    const r = spawn(process.execPath, [
      'node_modules/tsx/dist/cli.mjs',
      'engine/cli/main.ts',
      'train',
      'xsin',
      '--hidden',
      '3',
      '--steps',
      '3',
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^trained 3 steps/);
  });
});
