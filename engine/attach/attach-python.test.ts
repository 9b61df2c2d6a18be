/**
 * End to end with a real PyTorch loop (Debian's python3-torch at /usr/bin/python3): the python
 * client (python/backprop_lens_attach) against `backprop-lens serve --headless` run in-process and
 * against the attach server directly. Skipped, with the reason printed, when torch is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import type { CliIo, OutStream } from '../cli/cli-io.js';
import { AttachServer } from './node-attach-server.js';
import type { AttachedRun } from './attached-run.js';
import type { FrameEvent } from '../protocol/events.js';
import { parseRecording } from './recording.js';
import { parseGradients } from '../io/gradients-file.js';
import { readSessionFile } from '../session-file/node-session-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(root, 'engine/attach/fixtures/attached_training.py');
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = probe.status !== 0;
if (torchMissing)
  console.log(`attach-python tests skipped: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

/** Output as it arrives, with a way to wait for a pattern. */
class Watched implements OutStream {
  text = '';
  private waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  write(chunk: string): boolean {
    this.text += chunk;
    this.waiters = this.waiters.filter((w) => {
      const m = this.text.match(w.re);
      if (m) w.resolve(m);
      return !m;
    });
    return true;
  }
  waitFor(re: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
    const m = this.text.match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${this.text}`)), ms);
      this.waiters.push({
        re,
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x);
        },
      });
    });
  }
}

interface Py {
  child: ChildProcess;
  stdout: Watched;
  stderr: Watched;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function python(args: string[], env: Record<string, string>): Py {
  const child = spawn(PYTHON, [SCRIPT, ...args], {
    cwd: root,
    env: { ...process.env, PYTHONPATH: join(root, 'python'), ...env },
  });
  children.push(child);
  const stdout = new Watched();
  const stderr = new Watched();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => stdout.write(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.write(d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout, stderr, exit };
}

function serveCli(args: string[]): {
  io: CliIo;
  stdout: Watched;
  stderr: Watched;
  stdin: PassThrough;
  done: Promise<number>;
} {
  const stdout = new Watched();
  const stderr = new Watched();
  const stdin = new PassThrough();
  const io: CliIo = { stdout, stderr, stdin, cwd: root, env: {}, now: () => performance.now() };
  const done = main(['serve', '--headless', ...args], io);
  return { io, stdout, stderr, stdin, done };
}

function cli(args: string[]): { stdout: Watched; stderr: Watched; done: Promise<number> } {
  const stdout = new Watched();
  const stderr = new Watched();
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), cwd: root, env: {}, now: () => performance.now() };
  return { stdout, stderr, done: main(args, io) };
}

const relClose = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe.skipIf(torchMissing)('attach: a real PyTorch loop', () => {
  it('records G_i, ∂L/∂W_i, ∂L/∂b_i, ∂L/∂X equal to PyTorch’s own H.grad, weight.grad.T, bias.grad, X.grad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const file = join(dir, 'run.jsonl');
    const ref = join(dir, 'reference.json');
    // --break arms hold mode (the client waits for each ack), and the rate asks for every step.
    const serve = serveCli(['--record', file, '--break', 'non-finite', '--rate', '1000000', '--max-size', '0']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--steps', '6', '--input-grad', '--reference', ref], { BACKPROP_LENS_ATTACH: address! });
    expect(await py.exit).toBe(0);
    expect(await serve.done).toBe(0);
    expect(py.stdout.text).toContain('attached True');
    expect(serve.stderr.text).toMatch(/attached to PID \d+ on .* \(nn\.Sequential 4-8-3/);

    const rec = parseRecording(readFileSync(file, 'utf8'), file);
    const reference = JSON.parse(readFileSync(ref, 'utf8')) as {
      steps: Record<string, Record<string, number[][] | number[]>>;
    };
    expect(rec.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    let compared = 0;
    for (const s of rec.steps) {
      const want = reference.steps[String(s.step)]!;
      for (const key of ['G_0', 'G_1', 'dW_0', 'dW_1', 'db_0', 'db_1', 'W_0', 'H_1', 'dX_0']) {
        const got = s.tensors.get(key)!;
        const expected = (want[key] as (number[] | number)[]).flat();
        expect(got.data.length, key).toBe(expected.length);
        expected.forEach((x, k) => {
          if (!relClose(got.data[k]!, x))
            throw new Error(`step ${s.step} ${key}[${k}]: recorded ${got.data[k]}, PyTorch ${x}`);
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(6 * 100);
  });

  it('decimated on the client, the frames still carry exact layer statistics (from the client’s summaries)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const ref = join(dir, 'reference.json');
    const frames: FrameEvent[] = [];
    const server = new AttachServer({
      log: () => {},
      runOptions: () => ({ rate: 1_000_000, maxSize: 4, onFrame: (f) => frames.push(f) }),
    });
    await server.start();
    try {
      const py = python(['--steps', '6', '--sleep', '0.05', '--reference', ref], {
        BACKPROP_LENS_ATTACH: server.address,
      });
      expect(await py.exit).toBe(0);
    } finally {
      await server.close();
    }
    const reference = JSON.parse(readFileSync(ref, 'utf8')) as { steps: Record<string, Record<string, number[][]>> };
    const norm = (m: number[][]): number => Math.sqrt(m.flat().reduce((a, x) => a + x * x, 0));
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) {
      const want = reference.steps[String(f.step)]!;
      const g0 = f.matrices.find((m) => m.name === 'G' && m.layer === 0)!;
      expect([g0.rows, g0.cols, g0.sourceRows, g0.sourceCols]).toEqual([4, 4, 16, 8]); // decimated in Python
      expect(f.layers).toHaveLength(2);
      expect(Math.abs(f.layers[0]!.normG - norm(want['G_0']!)) / norm(want['G_0']!)).toBeLessThan(1e-5);
      expect(Math.abs(f.layers[1]!.normDW - norm(want['dW_1']!)) / norm(want['dW_1']!)).toBeLessThan(1e-5);
      expect(f.layers[0]!.saturatedFraction).not.toBeNull();
    }
  });

  it('records a .bplens session file: the weights of every step, the loss curve, opening without Python', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const file = join(dir, 'run.bplens');
    const ref = join(dir, 'reference.json');
    const serve = serveCli(['--record', file, '--break', 'non-finite', '--rate', '1000000', '--max-size', '0']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--steps', '5', '--reference', ref], { BACKPROP_LENS_ATTACH: address! });
    expect(await py.exit).toBe(0);
    expect(await serve.done).toBe(0);
    const session = await readSessionFile(file);
    const reference = JSON.parse(readFileSync(ref, 'utf8')) as { steps: Record<string, { W_0: number[][] }> };
    expect(session.contents.source.kind).toBe('attached');
    expect(session.contents.model.layers.map((l) => l.activation)).toEqual(['tanh', 'identity']);
    // Weights received with step k are the parameters after k − 1 steps.
    expect(session.contents.history.map((h) => h.step)).toEqual([0, 1, 2, 3, 4]);
    for (const h of session.contents.history) {
      const want = reference.steps[String(h.step + 1)]!.W_0.flat();
      const got = Array.from(h.parameters!.W[0]!.data);
      want.forEach((x, k) => expect(relClose(got[k]!, x), `step ${h.step} W_0[${k}]`).toBe(true));
    }
    const losses = [...py.stdout.text.matchAll(/step (\d+) loss (\S+)/g)].map((m) => Number(m[2]));
    expect(session.contents.lossCurve.map((p) => p.loss)).toEqual(losses);
  });

  it('session export writes a recorded step’s gradients file: PyTorch’s H.grad, weight.grad.T, bias.grad, X.grad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const file = join(dir, 'run.bplens');
    const ref = join(dir, 'reference.json');
    const serve = serveCli(['--record', file, '--break', 'non-finite', '--rate', '1000000', '--max-size', '0']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--steps', '4', '--input-grad', '--reference', ref], { BACKPROP_LENS_ATTACH: address! });
    expect(await py.exit).toBe(0);
    expect(await serve.done).toBe(0);
    const reference = JSON.parse(readFileSync(ref, 'utf8')) as {
      steps: Record<string, Record<string, number[][] | number[] | number>>;
    };
    const info = cli(['session', 'info', file]);
    expect(await info.done).toBe(0);
    expect(info.stdout.text).toContain('attached recording: 4 steps kept with PyTorch');
    expect(info.stdout.text).toContain('exportable (full tensors): 1, 2, 3, 4');
    let compared = 0;
    for (const step of [1, 2, 3, 4]) {
      const out = join(dir, `step${step}.json`);
      const run = cli(['session', 'export', file, '--step', String(step), '--out', out]);
      expect(await run.done, run.stderr.text).toBe(0);
      const g = parseGradients(readFileSync(out, 'utf8'));
      expect(g.extra?.['source']).toBe('pytorch (attached)');
      const want = reference.steps[String(step)]!;
      expect(relClose(g.loss, want['loss'] as number)).toBe(true);
      const pairs: [string, ArrayLike<number>][] = [
        ['A_0', g.layers[0]!.A.data],
        ['H_0', g.layers[0]!.H.data],
        ['H_1', g.output.data], // the last activation is the identity: F = H_1
        ['dX_0', g.dX.data],
        ...[0, 1].flatMap((i): [string, ArrayLike<number>][] => [
          [`G_${i}`, g.layers[i]!.G.data],
          [`dW_${i}`, g.layers[i]!.dW.data],
          [`db_${i}`, g.layers[i]!.db.data],
        ]),
      ];
      for (const [key, got] of pairs) {
        const expected = (want[key] as (number[] | number)[]).flat();
        expect(got.length, key).toBe(expected.length);
        expected.forEach((x, k) => {
          if (!relClose(got[k]!, x)) throw new Error(`step ${step} ${key}[${k}]: exported ${got[k]}, PyTorch ${x}`);
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(4 * 300);
  });

  it('a step recorded decimated is kept but session export refuses it, saying how to record full tensors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const file = join(dir, 'run.bplens');
    // No --break: an armed breakpoint asks the client for full tensors whatever --max-size says.
    const serve = serveCli(['--record', file, '--rate', '1000000', '--max-size', '2']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--steps', '3'], { BACKPROP_LENS_ATTACH: address! });
    expect(await py.exit).toBe(0);
    expect(await serve.done).toBe(0);
    const info = cli(['session', 'info', file]);
    expect(await info.done).toBe(0);
    // Without hold mode the client sends tensors when it can keep up: at least the first step.
    const decimated = info.stdout.text.match(/exportable \(full tensors\): none; decimated \(not exportable\): (\d+)/);
    expect(decimated, info.stdout.text).not.toBeNull();
    const step = decimated![1]!;
    const run = cli(['session', 'export', file, '--step', step, '--out', join(dir, 'g.json')]);
    expect(await run.done).not.toBe(0);
    expect(run.stderr.text).toContain(`step ${step} was recorded decimated`);
    expect(run.stderr.text).toContain('--max-size 0');
    expect(existsSync(join(dir, 'g.json'))).toBe(false);
  });

  it('any other module: per-module statistics every sent step, and a NaN loss still holds the loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const file = join(dir, 'run.jsonl');
    const ref = join(dir, 'reference.json');
    const serve = serveCli(['--record', file, '--break', 'non-finite', '--rate', '1000000']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--modules', '--steps', '5', '--nan-at', '5', '--reference', ref], {
      BACKPROP_LENS_ATTACH: address!,
    });
    await serve.stderr.waitFor(/breakpoint at step 5 \(loss\): loss has 1 non-finite/);
    await new Promise((r) => setTimeout(r, 500));
    expect(py.stdout.text).not.toMatch(/step 5 /);
    serve.stdin.write('continue\n');
    expect(await py.exit).toBe(0);
    expect(await serve.done).toBe(0);
    expect(serve.stderr.text).toMatch(/attached to PID \d+ on .* \(4 modules/);
    const rec = parseRecording(readFileSync(file, 'utf8'), file);
    // The NaN step's reference holds NaN, which JSON has not: read it as null.
    const reference = JSON.parse(readFileSync(ref, 'utf8').replace(/\bNaN\b/g, 'null')) as {
      steps: Record<string, { gradNorm_0: number }>;
    };
    expect(rec.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    for (const s of rec.steps) {
      expect(s.tensors.size).toBe(0);
      const mods = s.modules as {
        name: string;
        type: string;
        gradNorm: number;
        saturated: number | null;
        outNonFinite: number;
      }[];
      expect(mods.map((m) => `${m.name}:${m.type}`)).toEqual(['0:Linear', '1:Tanh', '2:Dropout', '3:Linear']);
      if (s.step < 5) expect(relClose(mods[0]!.gradNorm, reference.steps[String(s.step)]!.gradNorm_0)).toBe(true);
      expect(mods[1]!.saturated).not.toBeNull();
    }
    expect((rec.steps[4]!.modules as { outNonFinite: number }[])[0]!.outNonFinite).toBeGreaterThan(0);
  });

  it('any other module: the app asks for one module’s full tensors and gets PyTorch’s own output, weight and weight.grad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bplens-attach-'));
    const ref = join(dir, 'reference.json');
    const frames: FrameEvent[] = [];
    const server = new AttachServer({
      log: () => {},
      runOptions: () => ({ rate: 1_000_000, maxSize: 0, onFrame: (f) => frames.push(f) }),
      onRun: (run) => expect(run.watchModule('0')).toBeNull(),
    });
    await server.start();
    try {
      const py = python(['--modules', '--steps', '6', '--sleep', '0.05', '--reference', ref], {
        BACKPROP_LENS_ATTACH: server.address,
      });
      expect(await py.exit).toBe(0);
    } finally {
      await server.close();
    }
    const reference = JSON.parse(readFileSync(ref, 'utf8')) as { steps: Record<string, { dW_0: number[][]; W_0: number[][] }> };
    const watched = frames.filter((f) => f.moduleTensors?.length);
    // The needs message reaches the loop within a step or two of attaching; from then on every step has them.
    expect(watched.length).toBeGreaterThanOrEqual(4);
    for (const f of watched) {
      const byLabel = new Map(f.moduleTensors!.map((t) => [t.label, t]));
      expect([...byLabel.keys()].sort()).toEqual(['bias', 'bias.grad', 'output', 'weight', 'weight.grad']);
      expect(f.moduleTensors!.every((t) => t.module === '0')).toBe(true);
      const out = byLabel.get('output')!;
      expect([out.rows, out.cols]).toEqual([16, 8]); // the batch × Linear(4, 8)'s features
      const w = byLabel.get('weight')!;
      const dw = byLabel.get('weight.grad')!;
      expect([w.rows, w.cols, dw.rows, dw.cols]).toEqual([8, 4, 8, 4]); // as PyTorch stores it: out × in
      const want = reference.steps[String(f.step)]!;
      // weight.grad = dW_0ᵀ (FORMATS' W is fan-in × fan-out), both from PyTorch.
      for (let r = 0; r < 8; r++)
        for (let c = 0; c < 4; c++) {
          expect(relClose(dw.data[r * 4 + c]!, want.dW_0[c]![r]!), `step ${f.step} weight.grad[${r}][${c}]`).toBe(true);
          expect(relClose(w.data[r * 4 + c]!, want.W_0[c]![r]!), `step ${f.step} weight[${r}][${c}]`).toBe(true);
        }
    }
  });

  it('paused at a NaN, asking for a module’s tensors gets them for the held step at once (its NaN output row shown)', async () => {
    const frames: FrameEvent[] = [];
    const log: string[] = [];
    let run = null as AttachedRun | null;
    const server = new AttachServer({
      log: (l) => log.push(l),
      runOptions: () => ({ rate: 5, breakpoints: [{ kind: 'non-finite' }], onFrame: (f) => frames.push(f) }),
      onRun: (r) => (run = r),
    });
    await server.start();
    try {
      const py = python(['--modules', '--steps', '8', '--nan-at', '4'], { BACKPROP_LENS_ATTACH: server.address });
      for (let i = 0; i < 300 && run?.state !== 'paused'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(run!.state).toBe('paused');
      expect(run!.lastStep).toBe(4);
      const before = frames.length;
      expect(frames.some((f) => f.moduleTensors)).toBe(false);
      expect(run!.watchModule('0')).toBeNull();
      for (let i = 0; i < 300 && !frames.slice(before).some((f) => f.moduleTensors); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(log.filter((l) => /refused/.test(l))).toEqual([]);
      const held = frames.slice(before).find((f) => f.moduleTensors)!;
      expect(held.step).toBe(4);
      expect(run!.state).toBe('paused'); // still held: the tensors came without a step
      const out = held.moduleTensors!.find((t) => t.label === 'output')!;
      expect(Number.isNaN(out.data[0])).toBe(true); // x[0, 0] = NaN: row 0 of Linear(4, 8)'s output
      expect(held.modules![0]!.outNonFinite).toBeGreaterThan(0);
      expect(Array.from(held.moduleTensors!.find((t) => t.label === 'weight')!.data).every(Number.isFinite)).toBe(true);
      // The NaN goes on into every later loss: disarm, then let the loop finish.
      run!.setBreakpoints([]);
      run!.control('continue');
      expect(await py.exit).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('a NaN breakpoint holds the loop before opt.step() (weights finite) and continue resumes it', async () => {
    const serve = serveCli(['--once', '--break', 'non-finite']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--steps', '8', '--nan-at', '4'], { BACKPROP_LENS_ATTACH: address! });
    await serve.stderr.waitFor(/breakpoint at step 4 \(.*\): .* non-finite/);
    await py.stdout.waitFor(/step 3 loss \S+ finite True/);
    // Held inside lens.step of step 4: the line printed after lens.step (and opt.step) does not come.
    await new Promise((r) => setTimeout(r, 700));
    expect(py.stdout.text).not.toMatch(/step 4 /);
    expect(py.child.exitCode).toBeNull();
    serve.stdin.write('continue\n');
    await py.stdout.waitFor(/step 4 /);
    // The NaN is in the weights from now on, so every later step hits again: keep continuing.
    const keepGoing = setInterval(() => serve.stdin.write('continue\n'), 50);
    const code = await py.exit;
    clearInterval(keepGoing);
    expect(code).toBe(0);
    expect(serve.stderr.text).toMatch(/breakpoint at step 5 /);
    // Paused before the update: weights were still finite; the NaN gradient is applied only after Continue.
    expect(py.stdout.text).toMatch(/step 4 loss nan finite True/);
    expect(py.stdout.text).toMatch(/step 5 loss nan finite False/);
    expect(await serve.done).toBe(0);
  });

  it('pause holds the loop, step runs exactly one more step, continue lets it go', async () => {
    const serve = serveCli(['--once', '--rate', '5']);
    const [, address] = await serve.stdout.waitFor(/BACKPROP_LENS_ATTACH=(\S+)/);
    const py = python(['--steps', '400', '--sleep', '0.01'], { BACKPROP_LENS_ATTACH: address! });
    await py.stdout.waitFor(/step 3 /);
    serve.stdin.write('pause\n');
    await serve.stderr.waitFor(/paused before step \d+'s update/);
    const lines = (): number => (py.stdout.text.match(/^step \d+ /gm) ?? []).length;
    await new Promise((r) => setTimeout(r, 600));
    const held = lines();
    await new Promise((r) => setTimeout(r, 600));
    expect(lines()).toBe(held);
    serve.stdin.write('step\n');
    await py.stdout.waitFor(new RegExp(`step ${held + 1} `));
    await new Promise((r) => setTimeout(r, 600));
    expect(lines()).toBe(held + 1);
    serve.stdin.write('continue\n');
    expect(await py.exit).toBe(0);
    expect(py.stdout.text).toMatch(/step 400 .*\ndone/);
    expect(await serve.done).toBe(0);
  });

  it('training goes on, with one warning line, when the app goes away', async () => {
    const log: string[] = [];
    const server = new AttachServer({ log: (l) => log.push(l), runOptions: () => ({ rate: 50 }) });
    await server.start();
    const py = python(['--steps', '40', '--sleep', '0.02'], { BACKPROP_LENS_ATTACH: server.address });
    await py.stdout.waitFor(/step 5 /);
    await server.close();
    expect(await py.exit).toBe(0);
    expect(py.stdout.text).toMatch(/step 40 .*\ndone/);
    const warnings = py.stderr.text.split('\n').filter((l) => l.includes('backprop-lens'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^backprop-lens: detached \(.*\); training continues without the app$/);
  });

  it('attaches from rank 0 only: another rank gets a lens that does nothing', async () => {
    const log: string[] = [];
    const server = new AttachServer({ log: (l) => log.push(l), runOptions: () => ({}) });
    await server.start();
    try {
      const py = python(['--steps', '3'], { BACKPROP_LENS_ATTACH: server.address, RANK: '1' });
      expect(await py.exit).toBe(0);
      expect(py.stdout.text).toContain('attached False');
      expect(log.filter((l) => l.includes('attached to'))).toEqual([]);
      const rank0 = python(['--steps', '3'], { BACKPROP_LENS_ATTACH: server.address, RANK: '0' });
      expect(await rank0.exit).toBe(0);
      expect(rank0.stdout.text).toContain('attached True');
    } finally {
      await server.close();
    }
  });
});
