import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { matrix } from '../core/matrix.js';
import { FormatError } from '../io/format-error.js';
import { readZipEntries } from '../io/arrays/index.js';
import { Session } from '../train/session.js';
import { SessionFileError, captureSession, decodeSession, encodeSession } from './index.js';

async function goodSession(): Promise<Uint8Array> {
  const X = matrix(6, 2, [0, 1, 1, 0, 0.5, 0.5, -1, 0, 0, -1, 2, 2]);
  const Y = matrix(6, 1, [1, 1, 1, 0, 0, 4]);
  const s = await Session.create(
    {
      model: {
        inputSize: 2,
        layers: [
          { units: 3, activation: 'relu' },
          { units: 1, activation: 'identity' },
        ],
        loss: 'mse',
      },
      init: 'he',
      optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 0 },
      batchSize: 4,
      seed: 3,
      validationFraction: 0,
      historySize: 3,
    },
    { X, Y },
    new Cpu64Backend(),
  );
  await s.runSteps(3);
  return encodeSession(await captureSession(s, { dataset: { name: 'tiny', data: { X, Y } } }));
}

function entriesOf(bytes: Uint8Array): Record<string, Uint8Array> {
  return Object.fromEntries(readZipEntries(bytes).map((e) => [e.name, e.data]));
}

function rezip(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries);
}

function withManifest(bytes: Uint8Array, edit: (m: Record<string, unknown>) => void): Uint8Array {
  const entries = entriesOf(bytes);
  const m = JSON.parse(new TextDecoder().decode(entries['manifest.json'])) as Record<string, unknown>;
  edit(m);
  entries['manifest.json'] = new TextEncoder().encode(JSON.stringify(m));
  return rezip(entries);
}

async function errorOf(bytes: Uint8Array, limits?: Parameters<typeof decodeSession>[1]): Promise<SessionFileError> {
  try {
    await decodeSession(bytes, { fileName: 'bad.bplens', ...limits });
  } catch (e) {
    if (e instanceof SessionFileError) return e;
    throw e;
  }
  throw new Error('expected a SessionFileError');
}

describe('malformed session files', () => {
  it('a truncated file', async () => {
    const good = await goodSession();
    const e = await errorOf(good.subarray(0, good.length - 30));
    expect(e.message).toMatch(/^bad\.bplens: /);
  });

  it('not a zip, or a zip without a manifest', async () => {
    // Another of our formats is named as such.
    expect((await errorOf(new TextEncoder().encode('{\n  "format": "backprop-lens/weights",\n  "version": 1'))).message).toBe(
      'bad.bplens: this is a backprop-lens weights file, not a session file (session files are .bplens)',
    );
    expect((await errorOf(new TextEncoder().encode('{"format":"backprop-lens/gradients"}'))).message).toContain(
      'this is a backprop-lens gradients file, not a session file',
    );
    expect(
      (await errorOf(new TextEncoder().encode('{"format":"backprop-lens/attach-recording","version":1}\n'))).message,
    ).toContain('this is a backprop-lens attach recording, not a session file');
    expect((await errorOf(new TextEncoder().encode('x,y\n1,2\n'))).message).toContain('not a zip');
    const e = await errorOf(rezip({ 'readme.txt': new Uint8Array([65]) }));
    expect(e.entry).toBe('manifest.json');
    expect(e.message).toContain('missing');
  });

  it('a zip bomb stops at the size cap, naming the entry', async () => {
    const entries = entriesOf(await goodSession());
    entries['state.safetensors'] = new Uint8Array(8 << 20); // 8 MiB of zeros deflate to a few KiB
    const e = await errorOf(rezip(entries), { limits: { maxEntryBytes: 1 << 20 } });
    expect(e.message).toContain('state.safetensors');
  });

  it('a missing blob, a blob of the wrong size, a hash mismatch', async () => {
    const good = await goodSession();
    const entries = entriesOf(good);
    const { ['state.safetensors']: state, ...rest } = entries;
    expect((await errorOf(rezip(rest))).message).toBe(
      'bad.bplens: state.safetensors: is listed in manifest.json but missing from the file',
    );
    const longer = new Uint8Array(state!.length + 8);
    longer.set(state!);
    expect((await errorOf(rezip({ ...entries, 'state.safetensors': longer }))).message).toMatch(
      /state\.safetensors: has \d+ bytes, manifest\.json says \d+/,
    );
    const flipped = state!.slice();
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect((await errorOf(rezip({ ...entries, 'state.safetensors': flipped }))).message).toContain('SHA-256');
  });

  it('a manifest of another version, or with a bad key, names the key', async () => {
    const good = await goodSession();
    let e = await errorOf(withManifest(good, (m) => (m['version'] = 2)));
    expect(e.message).toBe(
      'bad.bplens: manifest.json: version: 2 was written by a newer Backprop Lens (this one reads version 1); update to open it',
    );
    e = await errorOf(withManifest(good, (m) => ((m['training'] as Record<string, unknown>)['batchSize'] = -1)));
    expect(e.message).toMatch(/^bad\.bplens: manifest\.json: training\.batchSize: /);
    e = await errorOf(withManifest(good, (m) => (m['format'] = 'something-else')));
    expect(e.message).toContain('not a Backprop Lens session');
  });

  it('entry names with ".." are refused, in the zip and in the manifest', async () => {
    const good = await goodSession();
    const entries = entriesOf(good);
    const e1 = await errorOf(rezip({ ...entries, '../evil.safetensors': new Uint8Array(4) }));
    expect(e1.message).toContain('..');
    const e2 = await errorOf(
      withManifest(good, (m) => {
        (m['state'] as Record<string, unknown>)['entry'] = '../state.safetensors';
      }),
    );
    expect(e2.message).toContain('manifest.json: state.entry');
  });

  it('a tensor of the wrong shape names the blob and the tensor', async () => {
    const good = await goodSession();
    const e = await errorOf(
      withManifest(good, (m) => {
        const model = m['model'] as { layers: { units: number }[] };
        model.layers[0]!.units = 4;
      }),
    );
    expect(e.message).toMatch(/\.safetensors: the tensor "W0" has shape \[2, 3\], the model needs \[2, 4\]/);
  });

  it('fuzz: damaged files only ever fail with SessionFileError', async () => {
    const good = await goodSession();
    let seed = 99;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    for (let trial = 0; trial < 300; trial++) {
      const bytes = good.slice(0, trial % 4 === 0 ? rand(good.length) : good.length);
      for (let k = 0; k < 1 + rand(4); k++) if (bytes.length) bytes[rand(bytes.length)] = rand(256);
      try {
        await decodeSession(bytes);
      } catch (e) {
        if (!(e instanceof SessionFileError)) throw new Error(`trial ${trial}: ${String(e)}`);
        expect(e).toBeInstanceOf(FormatError);
      }
    }
  });
});
