/**
 * What is specific to webgpu-f32 (numerics are the conformance suite's job): batching of a
 * training step into one submission, pipeline / bind group / buffer reuse, non-blocking
 * read-backs, large tiles, error reporting and device loss.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import type { Tensor } from '../backend.js';
import { Cpu64Backend } from '../cpu64/cpu64-backend.js';
import { denseInputs, f32Matrix, storedForward } from '../../testing/inputs.js';
import { assertWithin } from '../../testing/compare.js';
import { backpropagateBounds, denseForwardBounds, weightGradientBounds } from '../../testing/reference-bounds.js';
import { toFloat64, type FloatArray, type Matrix } from '../../core/matrix.js';
import { makeTestBackend } from './node-test-device.js';
import { WebGpuDeviceLostError, type WebGpuBackendError } from './errors.js';
import type { WebGpuBackend } from './webgpu-backend.js';

const errors: WebGpuBackendError[] = [];
let be: WebGpuBackend | null = null;
let skip = '';

beforeAll(async () => {
  const made = await makeTestBackend({ onError: (e) => errors.push(e) });
  if ('skip' in made) skip = made.skip;
  else be = made;
});
afterAll(() => be?.dispose());

function gpu(ctx: TestContext): WebGpuBackend {
  if (!be) ctx.skip(`no WebGPU adapter: ${skip}`);
  return be!;
}

const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** One SGD training step of a 2-8-8-2 tanh/identity/sse net (the benchmark's S workload), all ops enqueued synchronously. */
function trainingStep(b: WebGpuBackend, X: Tensor, Y: Tensor, params: { W: Tensor; b: Tensor }[]): Tensor {
  const acts = ['tanh', 'tanh', 'identity'] as const;
  const A: Tensor[] = [X];
  const H: Tensor[] = [];
  params.forEach((p, i) => {
    const out = b.denseForward(A[i]!, p.W, p.b, acts[i]!);
    H.push(out.H);
    A.push(out.A);
  });
  const { loss, G: gOut } = b.lossAndGradient(H[2]!, A[3]!, Y, 'identity', 'sse');
  let G = gOut;
  for (let i = 2; i >= 0; i--) {
    const { dW, db } = b.weightGradients(A[i]!, G);
    const next = i > 0 ? b.backpropagate(G, params[i]!.W, { H: H[i - 1]!, A: A[i]!, activation: 'tanh' }) : null;
    b.sgdStep(params[i]!.W, dW, null, { lr: 0.01, momentum: 0, weightDecay: 0 });
    b.sgdStep(params[i]!.b, db, null, { lr: 0.01, momentum: 0, weightDecay: 0 });
    for (const t of [dW, db, G]) b.release(t);
    if (next) G = next;
  }
  for (const t of [...H, ...A.slice(1)]) b.release(t);
  return loss;
}

describe('webgpu-f32 command batching and caches', () => {
  it('submits a whole training step once, and reuses pipelines, bind groups and buffers once warm', async (ctx) => {
    const b = gpu(ctx);
    const widths = [2, 8, 8, 2];
    const params = widths.slice(1).map((q, i) => ({
      W: b.upload(f32Matrix(`W${i}`, widths[i]!, q, 0.5)),
      b: b.upload(f32Matrix(`b${i}`, 1, q, 0.1)),
    }));
    const X = b.upload(f32Matrix('X', 64, 2));
    const Y = b.upload(f32Matrix('Y', 64, 2));
    // The pool's free lists settle after the second step (the first one allocates fresh buffers).
    for (let s = 0; s < 2; s++) {
      await nextTask();
      b.release(trainingStep(b, X, Y, params));
    }
    await nextTask();
    const before = b.stats();
    const loss = trainingStep(b, X, Y, params);
    await nextTask();
    const after = b.stats();
    expect(after.submits - before.submits).toBe(1);
    // 3 forward + 2 loss + 3×(dW + db) + 2 backprop + 6 updates.
    expect(after.dispatches - before.dispatches).toBe(19);
    expect(after.pipelines).toBe(before.pipelines);
    expect(after.bindGroups).toBe(before.bindGroups);
    expect(after.liveBytes - before.liveBytes).toBe(16); // only the new loss tensor is live
    const l1 = (await b.read(loss)).data[0]!;
    expect(Number.isFinite(l1) && l1 > 0).toBe(true);
    // Training lowers the loss.
    let last = l1;
    for (let s = 0; s < 20; s++) {
      const t = trainingStep(b, X, Y, params);
      if (s === 19) last = (await b.read(t)).data[0]!;
      b.release(t);
    }
    expect(last).toBeLessThan(l1);
    expect(errors).toEqual([]);
  });

  it('keeps training while a read-back is in flight, and recycles staging buffers', async (ctx) => {
    const b = gpu(ctx);
    const t = b.upload(f32Matrix('r', 17, 33));
    const reads = [b.read(t), b.read(t)];
    expect(b.stats().pendingReads).toBe(2);
    const z = b.zeros(17, 33); // enqueue more work before awaiting: nothing blocks
    const [r1, r2] = (await Promise.all(reads)) as [Matrix<FloatArray>, Matrix<FloatArray>];
    expect(Array.from(r1.data)).toEqual(Array.from(r2.data));
    expect(b.stats().pendingReads).toBe(0);
    b.release(t);
    b.release(z);
  });

  it('matches the reference with 64×64 tiles on several tiles with ragged edges', async (ctx) => {
    gpu(ctx);
    const made = await makeTestBackend({ profile: 'gpu', onError: (e) => errors.push(e) });
    if ('skip' in made) return;
    const b = made;
    const ref = new Cpu64Backend();
    // Every product's output has ≥ 4 tiles of 64×64 (so the big tiling is used) and ragged edges.
    const [n, p, q] = [130, 129, 131];
    const A = f32Matrix('bigA', n, p);
    const W = f32Matrix('bigW', p, q, 0.2);
    const bias = f32Matrix('bigb', 1, q, 0.5);
    const f = b.denseForward(b.upload(A), b.upload(W), b.upload(bias), 'sigmoid');
    const r = ref.denseForward(ref.upload(A), ref.upload(W), ref.upload(bias), 'sigmoid');
    const [Href, Aref] = [toFloat64(await ref.read(r.H)), toFloat64(await ref.read(r.A))];
    const bounds = denseForwardBounds(A, W, bias, Href, Aref, 'sigmoid');
    assertWithin('H', await b.read(f.H), Href, bounds.H);
    assertWithin('A', await b.read(f.A), Aref, bounds.A);
    const G = f32Matrix('bigG', n, q, 0.1);
    const wg = b.weightGradients(b.upload(A), b.upload(G));
    const wr = ref.weightGradients(ref.upload(A), ref.upload(G));
    const wb = weightGradientBounds(A, G);
    assertWithin('dW', await b.read(wg.dW), toFloat64(await ref.read(wr.dW)), wb.dW);
    assertWithin('db', await b.read(wg.db), toFloat64(await ref.read(wr.db)), wb.db);
    const G2 = f32Matrix('bigG2', n, p, 0.1);
    const W2 = f32Matrix('bigW2', q, p, 0.2);
    const prev = { H: b.upload(Href), A: b.upload(Aref), activation: 'sigmoid' as const };
    const bp = b.backpropagate(b.upload(G2), b.upload(W2), prev);
    const br = ref.backpropagate(ref.upload(G2), ref.upload(W2), {
      H: ref.upload(Href),
      A: ref.upload(Aref),
      activation: 'sigmoid',
    });
    const f32Href = toFloat64({ rows: n, cols: q, data: Float32Array.from(Href.data) });
    const f32Aref = toFloat64({ rows: n, cols: q, data: Float32Array.from(Aref.data) });
    const brRef = ref.backpropagate(ref.upload(G2), ref.upload(W2), {
      H: ref.upload(f32Href),
      A: ref.upload(f32Aref),
      activation: 'sigmoid',
    });
    void br;
    assertWithin(
      'G_prev',
      await b.read(bp),
      toFloat64(await ref.read(brRef)),
      backpropagateBounds(G2, W2, { H: f32Href, A: f32Aref, activation: 'sigmoid' }),
    );
    expect(errors).toEqual([]);
    b.dispose();
  });
});

describe('webgpu-f32 vec4 kernels (cpu-emulation profile, dimensions that are multiples of 4)', () => {
  // The conformance suite's odd shapes never take this path: check it here against the reference.
  const shapes = [
    [1, 4, 4],
    [6, 8, 12],
    [33, 64, 20],
    [33, 17, 20], // forward and ∂W fall back (p odd); G Wᵀ (q = 20) stays vec4
  ] as const;
  it('match cpu-f64 for every op that has a vec4 variant', async (ctx) => {
    gpu(ctx);
    const made = await makeTestBackend({ profile: 'cpu-emulation', onError: (e) => errors.push(e) });
    if ('skip' in made) return;
    const ref = new Cpu64Backend();
    for (const [n, p, q] of shapes) {
      for (const act of ['identity', 'tanh', 'sigmoid', 'relu', 'softmax'] as const) {
        const { A, W, b } = denseInputs(`v4${act}${n}.${p}.${q}`, n, p, q);
        const f = made.denseForward(made.upload(A), made.upload(W), made.upload(b), act);
        const r = ref.denseForward(ref.upload(A), ref.upload(W), ref.upload(b), act);
        const [Href, Aref] = [toFloat64(await ref.read(r.H)), toFloat64(await ref.read(r.A))];
        const bounds = denseForwardBounds(A, W, b, Href, Aref, act);
        assertWithin(`H ${n}×${p}×${q}`, await made.read(f.H), Href, bounds.H);
        assertWithin(`${act}(H) ${n}×${p}×${q}`, await made.read(f.A), Aref, bounds.A);
      }
      const A = f32Matrix(`v4A${n}`, n, p);
      const G = f32Matrix(`v4G${n}`, n, q, 0.5);
      const wg = made.weightGradients(made.upload(A), made.upload(G));
      const wr = ref.weightGradients(ref.upload(A), ref.upload(G));
      const wb = weightGradientBounds(A, G);
      assertWithin(`dW ${n}×${p}×${q}`, await made.read(wg.dW), toFloat64(await ref.read(wr.dW)), wb.dW);
      assertWithin(`db ${n}×${q}`, await made.read(wg.db), toFloat64(await ref.read(wr.db)), wb.db);
      const W = f32Matrix(`v4W${n}`, p, q);
      for (const act of ['tanh', 'relu'] as const) {
        const { H, A: Ap } = storedForward(`v4bp${act}${n}`, n, p, act);
        const o = made.backpropagate(made.upload(G), made.upload(W), {
          H: made.upload(H),
          A: made.upload(Ap),
          activation: act,
        });
        const r = ref.backpropagate(ref.upload(G), ref.upload(W), {
          H: ref.upload(H),
          A: ref.upload(Ap),
          activation: act,
        });
        assertWithin(
          `${act}' ⊙ G Wᵀ ${n}×${p}×${q}`,
          await made.read(o),
          toFloat64(await ref.read(r)),
          backpropagateBounds(G, W, { H, A: Ap, activation: act }),
        );
      }
      const dx = made.backpropagate(made.upload(G), made.upload(W));
      const dxr = ref.backpropagate(ref.upload(G), ref.upload(W));
      assertWithin(
        `G Wᵀ ${n}×${p}×${q}`,
        await made.read(dx),
        toFloat64(await ref.read(dxr)),
        backpropagateBounds(G, W),
      );
    }
    expect(made.stats().pipelines).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    made.dispose();
  });
});

describe('webgpu-f32 misuse and failures', () => {
  it('rejects released tensors and tensors of other backends, synchronously and by name', (ctx) => {
    const b = gpu(ctx);
    const t = b.upload(f32Matrix('x', 3, 3), 'weights');
    b.release(t);
    expect(() => b.read(t)).toThrow('tensor "weights" was released');
    const cpu = new Cpu64Backend().upload(f32Matrix('y', 3, 3), 'cpuX');
    expect(() => b.release(cpu)).toThrow('tensor "cpuX" belongs to cpu-f64');
  });

  it('rejects an optimizer step whose outputs alias its inputs', (ctx) => {
    const b = gpu(ctx);
    const w = b.upload(f32Matrix('a', 3, 3), 'W0');
    expect(() => b.sgdStep(w, w, null, { lr: 0.1, momentum: 0, weightDecay: 0 })).toThrow(
      'sgdStep: param and grad are the same tensor "W0"',
    );
    const m = b.zeros(3, 3);
    expect(() =>
      b.adamStep(w, m, m, b.zeros(3, 3), { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1, weightDecay: 0 }),
    ).toThrow('adamStep: grad and m are the same tensor');
  });

  it('reports validation errors as error events, naming the pipeline', async (ctx) => {
    gpu(ctx);
    const got: WebGpuBackendError[] = [];
    // 32×32 = 1024 invocations per workgroup is over WebGPU's default limit of 256.
    const made = await makeTestBackend({
      profile: 'gpu',
      tiling: { small: { WG_X: 32, WG_Y: 32, TILE_K: 16 } },
      onError: (e) => got.push(e),
    });
    if ('skip' in made) return;
    const t = made.upload(f32Matrix('v', 3, 3));
    made.denseForward(t, t, made.upload(f32Matrix('vb', 1, 3)), 'relu');
    await made.finish();
    await nextTask();
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]!.message).toContain('matmul-forward');
    made.dispose();
  });

  it('tells the host when the device is lost, then refuses ops with a clear error', async (ctx) => {
    gpu(ctx);
    const made = await makeTestBackend();
    if ('skip' in made) return;
    const lost = new Promise<{ reason: string }>((resolve) => made.onDeviceLost(resolve));
    const t = made.upload(f32Matrix('l', 2, 2));
    made.device.destroy();
    expect((await lost).reason).toBe('destroyed');
    expect(made.isLost).toBe(true);
    expect(() => made.zeros(2, 2)).toThrow(WebGpuDeviceLostError);
    expect(() => made.denseForward(t, t, t, 'tanh')).toThrow(/device was lost.*CPU backend/);
    made.dispose();
  });
});
