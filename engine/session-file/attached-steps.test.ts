import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZipEntries } from '../io/arrays/index.js';
import { FormatError } from '../io/format-error.js';
import { encodeGradients } from '../io/gradients-file.js';
import { helloFor } from '../attach/attach-test-kit.js';
import { SessionFileRecording } from '../attach/session-recording.js';
import type { ReceivedStep, ReceivedTensor } from '../attach/step-decode.js';
import type { TensorName } from '../attach/messages.js';
import { attachedGradients } from './attached-steps.js';
import { SessionFileError, decodeSession } from './index.js';

const LAYERS = [
  { units: 3, activation: 'tanh' as const },
  { units: 1, activation: 'identity' as const },
];
const N = 2;

/** Step k's tensors of a 2 → 3 → 1 model on 2 samples, full or cut to `keep` cells a side. */
function received(step: number, keep = Infinity): ReceivedStep {
  const shapes: [TensorName, number, number, number][] = [
    ['A', 0, N, 2],
    ['A', 1, N, 3],
    ['A', 2, N, 1],
    ['H', 0, N, 3],
    ['H', 1, N, 1],
    ['G', 0, N, 3],
    ['G', 1, N, 1],
    ['W', 0, 2, 3],
    ['W', 1, 3, 1],
    ['b', 0, 1, 3],
    ['b', 1, 1, 1],
    ['dW', 0, 2, 3],
    ['dW', 1, 3, 1],
    ['db', 0, 1, 3],
    ['db', 1, 1, 1],
  ];
  const tensors = new Map<string, ReceivedTensor>();
  shapes.forEach(([name, index, rows, cols], t) => {
    const r = Math.min(rows, keep);
    const c = Math.min(cols, keep);
    const data = Float32Array.from({ length: r * c }, (_, k) => step + t / 16 + k / 256);
    tensors.set(`${name}_${index}`, {
      name,
      index,
      matrix: { rows: r, cols: c, data },
      sourceRows: rows,
      sourceCols: cols,
      summary: null,
    });
  });
  return { step, loss: 0.5 / step, tensors, modules: [], moduleTensors: [] };
}

async function record(steps: ReceivedStep[], limits?: { steps?: number; bytes?: number }): Promise<Uint8Array> {
  let out: Uint8Array | null = null;
  const rec = new SessionFileRecording(
    [],
    (bytes) => {
      out = bytes;
      return Promise.resolve();
    },
    'test',
    limits,
  );
  rec.begin(helloFor(LAYERS));
  for (const s of steps) {
    rec.loss({ step: s.step, loss: s.loss, validationLoss: null });
    rec.step(s, []);
  }
  await rec.close();
  return out!;
}

function withEntries(bytes: Uint8Array, edit: (e: Record<string, Uint8Array>, m: Record<string, unknown>) => void) {
  const entries = Object.fromEntries(readZipEntries(bytes).map((e) => [e.name, e.data]));
  const m = JSON.parse(new TextDecoder().decode(entries['manifest.json'])) as Record<string, unknown>;
  edit(entries, m);
  entries['manifest.json'] = new TextEncoder().encode(JSON.stringify(m));
  return zipSync(entries);
}

async function errorOf(bytes: Uint8Array): Promise<SessionFileError> {
  try {
    await decodeSession(bytes, { fileName: 'bad.bplens' });
  } catch (e) {
    if (e instanceof SessionFileError) return e;
    throw e;
  }
  throw new Error('expected a SessionFileError');
}

describe('attached recordings keep the newest steps’ tensors (manifest version 2)', () => {
  it('keeps them as sent and turns a full step into the gradients file of FORMATS', async () => {
    const { manifest, attachedSteps } = await decodeSession(await record([1, 2, 3].map((k) => received(k))));
    expect(manifest.version).toBe(2);
    expect(manifest.attachedSteps!.map((a) => [a.step, a.decimated])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    const step2 = attachedSteps[1]!;
    const g = attachedGradients(step2, manifest.model as never);
    const sent = received(2);
    expect(g.loss).toBe(0.25);
    expect(Array.from(g.layers[1]!.dW.data)).toEqual(Array.from(sent.tensors.get('dW_1')!.matrix.data));
    expect(Array.from(g.output.data)).toEqual(Array.from(sent.tensors.get('A_2')!.matrix.data));
    // No X.grad sent: ∂L/∂X = G_0 W_0ᵀ from the sent G_0 and W_0.
    const G = sent.tensors.get('G_0')!.matrix.data;
    const W = sent.tensors.get('W_0')!.matrix.data;
    expect(g.dX.data[1]).toBeCloseTo(G[0]! * W[3]! + G[1]! * W[4]! + G[2]! * W[5]!, 12);
    expect(encodeGradients(g)['source']).toBe('pytorch (attached)');
  });

  it('is bounded by a step count and a byte budget (the oldest go first)', async () => {
    const steps = [1, 2, 3, 4, 5].map((k) => received(k));
    const byCount = await decodeSession(await record(steps, { steps: 2 }));
    expect(byCount.attachedSteps.map((s) => s.step)).toEqual([4, 5]);
    const oneStepBytes = [...received(1).tensors.values()].reduce((a, t) => a + t.matrix.data.length * 4, 0);
    const byBytes = await decodeSession(await record(steps, { bytes: 3 * oneStepBytes }));
    expect(byBytes.attachedSteps.map((s) => s.step)).toEqual([3, 4, 5]);
    const none = await decodeSession(await record(steps, { steps: 0 }));
    expect(none.manifest.attachedSteps).toEqual([]);
  });

  it('a decimated step is kept as sent and refused for export, saying how to record full tensors', async () => {
    const { manifest, attachedSteps } = await decodeSession(await record([received(1, 1), received(2)]));
    expect(manifest.attachedSteps!.map((a) => a.decimated)).toEqual([true, false]);
    expect(attachedSteps[0]!.tensors.find((t) => t.name === 'W_0')!.shape).toEqual([1, 1]);
    expect(() => attachedGradients(attachedSteps[0]!, manifest.model as never)).toThrow(
      /step 1 was recorded decimated .*--max-size 0/,
    );
  });

  it('a file without attached steps is still written as version 1; version 1 may not hold them', async () => {
    const good = await record([received(1)]);
    const v1 = withEntries(good, (_e, m) => {
      m['version'] = 1;
    });
    expect((await errorOf(v1)).message).toMatch(/manifest\.json.*attachedSteps/);
  });

  it('malformed attached steps fail cleanly, naming the entry', async () => {
    const good = await record([received(1), received(2)]);
    const entry = 'attached/step-00000001.safetensors';
    const unlisted = withEntries(good, (_e, m) => {
      (m['attachedSteps'] as { entry: string }[])[0]!.entry = 'attached/other.safetensors';
    });
    expect((await errorOf(unlisted)).message).toMatch(/attachedSteps\.0\.entry|attachedSteps\[0\]\.entry/);
    const order = withEntries(good, (_e, m) => {
      (m['attachedSteps'] as { step: number }[])[1]!.step = 1;
    });
    expect((await errorOf(order)).message).toMatch(/steps must increase/);
    // A blob swapped for one of another model (hash fixed up): its tensor shapes are refused.
    const other = (await decodeSession(good)).attachedSteps[0]!;
    const { encodeTensors, sha256Hex } = await import('./container.js');
    const wrong = encodeTensors(
      other.tensors.map((t) => (t.name === 'dW_0' ? { ...t, shape: [3, 2] } : t)),
      {},
    );
    const sha = await sha256Hex(wrong);
    const swapped = withEntries(good, (e, m) => {
      e[entry] = wrong;
      (m['blobs'] as Record<string, { bytes: number; sha256: string }>)[entry] = { bytes: wrong.length, sha256: sha };
    });
    expect((await errorOf(swapped)).message).toBe(
      `bad.bplens: ${entry}: the tensor "dW_0" has shape [3, 2], the model says [2, 3]`,
    );
    const renamed = encodeTensors(
      other.tensors.map((t) => (t.name === 'H_1' ? { ...t, name: 'H_7' } : t)),
      {},
    );
    const sha2 = await sha256Hex(renamed);
    const unknown = withEntries(good, (e, m) => {
      e[entry] = renamed;
      (m['blobs'] as Record<string, { bytes: number; sha256: string }>)[entry] = {
        bytes: renamed.length,
        sha256: sha2,
      };
    });
    expect((await errorOf(unknown)).message).toMatch(/the tensor "H_7" is not a tensor of the 2-layer model/);
  });

  it('fuzz: damaged attached recordings only ever fail with SessionFileError', async () => {
    const good = await record([received(1), received(2, 1), received(3)]);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    for (let trial = 0; trial < 200; trial++) {
      const bytes = good.slice(0, trial % 4 === 0 ? rand(good.length) : good.length);
      for (let k = 0; k < 1 + rand(4); k++) if (bytes.length) bytes[rand(bytes.length)] = rand(256);
      try {
        await decodeSession(bytes, { limits: { maxTotalBytes: 1 << 20 } });
      } catch (e) {
        if (!(e instanceof SessionFileError)) throw new Error(`trial ${trial}: ${String(e)}`);
        expect(e).toBeInstanceOf(FormatError);
      }
    }
  });

  it('an oversized recording is refused by the zip limits, not read', async () => {
    const good = await record([received(1), received(2)]);
    expect((await decodeSession(good)).attachedSteps).toHaveLength(2);
    await expect(decodeSession(good, { limits: { maxTotalBytes: 512 } })).rejects.toBeInstanceOf(SessionFileError);
  });
});
