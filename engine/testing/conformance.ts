/**
 * The conformance suite: every backend must agree with `cpu-f64` (the reference) on every op of
 * the Backend interface, every activation × loss, odd shapes, and whole training sequences, within
 * the precision-derived bounds of tolerances.ts. Use it from a `*.test.ts` next to the backend:
 *
 *   describeConformance('cpu-f32', async () => new Cpu32Backend());
 *   describeConformance('webgpu-f32', async () => (await tryWebGpu()) ?? { skip: 'no adapter' }, { maxDim: 64, maxDimReason: '…' });
 *
 * Inputs are generated from a fixed seed and rounded to float32 first, so both backends see the
 * very same numbers and the bounds only need to cover the f32 arithmetic. Exclusions (by case id
 * or id prefix, e.g. 'denseForward/softmax') must give their reason; skipped cases say it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import type { FloatArray, Matrix } from '../core/matrix.js';
import { toFloat64 } from '../core/matrix.js';
import type { Backend, SgdOptions, AdamOptions } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { ACTIVATIONS, type Activation, type LossKind } from '../model/spec.js';
import { assertWithin, relativeFrobenius } from './compare.js';
import {
  adamBounds,
  backpropagateBounds,
  denseForwardBounds,
  lossBounds,
  sgdBounds,
  weightGradientBounds,
} from './reference-bounds.js';
import { denseInputs, f32Matrix, outputInputs, storedForward } from './inputs.js';
import { runTrainingSequence, TRAINING_SEQUENCES } from './training-sequence.js';
import { sequenceRelativeBound } from './tolerances.js';

export type MakeBackend = () => Promise<Backend | { skip: string }>;

export interface ConformanceOptions {
  /** Largest matrix dimension the backend is asked to handle (e.g. SwiftShader is a CPU emulation). */
  readonly maxDim?: number;
  /** Why maxDim is set; shown on every case it skips. */
  readonly maxDimReason?: string;
  /** Case id (or id prefix) → reason. Every exclusion must say why. */
  readonly exclude?: Readonly<Record<string, string>>;
  /** Per-test timeout in ms (GPU emulation is slow). */
  readonly timeout?: number;
}

/** Odd sizes (not multiples of any block or workgroup width) as (n, p, q): A n×p, W p×q. */
export const SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [1, 3, 17],
  [3, 17, 1],
  [17, 33, 3],
  [33, 3, 17],
  [3, 257, 17],
  [257, 17, 3],
  [17, 3, 257],
  [33, 33, 33],
  [257, 33, 17],
  [65, 129, 67],
];

const ELEMENTWISE = ['identity', 'tanh', 'sigmoid', 'relu'] as const;

/** Every activation × loss the model spec allows (softmax ⇔ cross-entropy). */
export const OUTPUT_PAIRS: readonly (readonly [Activation, LossKind])[] = [
  ...ELEMENTWISE.flatMap((a) => [[a, 'sse'] as const, [a, 'mse'] as const]),
  ['softmax', 'cross-entropy'],
];

export interface ConformanceCase {
  /** Stable id, '<op>/<variant>/<shape>': what exclusions and test names use. */
  readonly id: string;
  /** The matrix dimensions the case touches (for maxDim). */
  readonly dims: readonly number[];
  readonly run: (be: Backend) => Promise<void>;
}

/** Every case of the suite, each comparing `be` with the reference `ref`. */
export function conformanceCases(ref: Backend): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const check = (id: string, dims: readonly number[], run: (be: Backend) => Promise<void>): void => {
    cases.push({ id, dims, run });
  };
  check('upload-read/rounds-to-precision', [17], async (be) => {
    const m = {
      rows: 3,
      cols: 17,
      data: Float64Array.from({ length: 51 }, (_, k) => Math.PI * (k - 25) * 1e-3 + 1 / 3),
    };
    const t = be.upload(m, 'pi');
    expect([t.rows, t.cols, t.backend]).toEqual([3, 17, be.name]);
    const back = await be.read(t);
    expect(back.data).toBeInstanceOf(be.precision === 'f32' ? Float32Array : Float64Array);
    const want = be.precision === 'f32' ? Float32Array.from(m.data) : m.data;
    expect(Array.from(back.data)).toEqual(Array.from(want));
    be.release(t);
  });
  check('zeros', [33], async (be) => {
    const t = be.zeros(33, 3, 'z');
    expect([t.rows, t.cols]).toEqual([33, 3]);
    expect(Array.from((await be.read(t)).data).every((x) => x === 0)).toBe(true);
    be.release(t);
  });
  check('write/overwrites-and-checks-shape', [17], async (be) => {
    const t = be.zeros(3, 17, 'w');
    const m = f32Matrix(7, 3, 17);
    be.write(t, m);
    expect(Array.from((await be.read(t)).data)).toEqual(Array.from(m.data));
    expect(() => be.write(t, f32Matrix(8, 17, 3))).toThrow();
    be.release(t);
  });
  check('read/is-a-snapshot', [17], async (be) => {
    // read() must copy what t holds when it is called: telemetry read-backs must not race later ops.
    const first = f32Matrix(11, 17, 3);
    const t = be.upload(first, 'snap');
    const pending = be.read(t);
    be.write(t, f32Matrix(12, 17, 3));
    expect(Array.from((await pending).data)).toEqual(Array.from(first.data));
    be.release(t);
  });
  check('release/then-reuse-memory', [33], async (be) => {
    // Pooled backends reuse released memory: fresh tensors must not see stale contents.
    for (let r = 0; r < 3; r++) {
      const t = be.upload(f32Matrix(20 + r, 33, 33), 'tmp');
      be.release(t);
      const z = be.zeros(33, 33, 'fresh');
      expect(Array.from((await be.read(z)).data).every((x) => x === 0)).toBe(true);
      be.release(z);
    }
  });

  for (const activation of ACTIVATIONS) {
    for (const [n, p, q] of SHAPES) {
      check(`denseForward/${activation}/${n}x${p}x${q}`, [n, p, q], async (be) => {
        const { A, W, b } = denseInputs(`${activation}${n}.${p}.${q}`, n, p, q);
        const [a, w, bb] = [be.upload(A, 'A'), be.upload(W, 'W'), be.upload(b, 'b')];
        const out = be.denseForward(a, w, bb, activation);
        const r = ref.denseForward(ref.upload(A), ref.upload(W), ref.upload(b), activation);
        const [Href, Aref] = [toFloat64(await ref.read(r.H)), toFloat64(await ref.read(r.A))];
        const bounds = denseForwardBounds(A, W, b, Href, Aref, activation);
        assertWithin(`H (${n}×${p} · ${p}×${q})`, await be.read(out.H), Href, bounds.H);
        assertWithin(`${activation}(H)`, await be.read(out.A), Aref, bounds.A);
        // Fused kernels must not write into their inputs.
        await expectUnchanged(be, a, A, 'A');
        await expectUnchanged(be, w, W, 'W');
        await expectUnchanged(be, bb, b, 'b');
        for (const t of [a, w, bb, out.H, out.A]) be.release(t);
      });
    }
  }
  // Pre-activations near 0, measured relative to each element (not to the matrix maximum): an
  // activation built from exponentials, (e^2h − 1)/(e^2h + 1), loses every digit of tanh(1e-6)
  // while its absolute error stays tiny. H = A·I + 0 is exact, so both backends see the same H.
  for (const activation of ['identity', 'tanh', 'sigmoid', 'softmax'] as const) {
    check(`denseForward/tiny-preactivations/${activation}`, [12], async (be) => {
      const row =
        activation === 'softmax'
          ? [1e-6, -2e-7, 3e-8, 0, 5e-5, -1e-3, 1e-2, -20, -10, 0.25, -0.5, 2]
          : [1e-6, -1e-6, 3e-7, -4.5e-8, 1e-9, 2e-5, -7e-4, 3e-3, -0.02, 0.1, -0.3, 0.6];
      const p = row.length;
      const A = { rows: 2, cols: p, data: Float32Array.from([...row, ...row.map((x) => x / 8)]) };
      const W = { rows: p, cols: p, data: Float32Array.from({ length: p * p }, (_, k) => (k % (p + 1) === 0 ? 1 : 0)) };
      const b = { rows: 1, cols: p, data: new Float32Array(p) };
      const out = be.denseForward(be.upload(A, 'A'), be.upload(W, 'W'), be.upload(b, 'b'), activation);
      const r = ref.denseForward(ref.upload(A), ref.upload(W), ref.upload(b), activation);
      const [got, want] = [await be.read(out.A), toFloat64(await ref.read(r.A))];
      // A few float32 ulps of each element (an f64 backend is held to the same: it is exact here).
      const ulps = 8;
      const bound = ulps * 2 ** -24;
      const bad: string[] = [];
      for (let k = 0; k < want.data.length; k++) {
        const [g, w] = [got.data[k]!, want.data[k]!];
        const rel = w === 0 ? Math.abs(g) : Math.abs(g - w) / Math.abs(w);
        if (!(rel <= bound)) bad.push(`[${Math.floor(k / p)}][${k % p}]: H ${A.data[k]} → ${g}, reference ${w} (relative ${rel.toExponential(2)})`);
      }
      expect(bad, `${activation} of tiny pre-activations, relative to each element (bound ${ulps} ulps)`).toEqual([]);
    });
  }
  check('denseForward/rejects-mismatched-shapes', [17], async (be) => {
    const a = be.upload(f32Matrix(1, 3, 17));
    const w = be.upload(f32Matrix(2, 3, 5));
    const b = be.upload(f32Matrix(3, 1, 5));
    expect(() => be.denseForward(a, w, b, 'tanh')).toThrow();
    const w2 = be.upload(f32Matrix(4, 17, 5));
    const b2 = be.upload(f32Matrix(5, 1, 4));
    expect(() => be.denseForward(a, w2, b2, 'tanh')).toThrow();
    for (const t of [a, w, b, w2, b2]) be.release(t);
  });

  const lossShapes = [
    [1, 1],
    [3, 17],
    [17, 3],
    [257, 33],
    [33, 257],
  ] as const;
  for (const [activation, loss] of OUTPUT_PAIRS) {
    for (const [n, p] of lossShapes) {
      check(`lossAndGradient/${activation}+${loss}/${n}x${p}`, [n, p], async (be) => {
        const { H, F, Y } = outputInputs(`${activation}${loss}${n}.${p}`, n, p, activation, loss);
        const [h, f, y] = [be.upload(H, 'H'), be.upload(F, 'F'), be.upload(Y, 'Y')];
        const out = be.lossAndGradient(h, f, y, activation, loss);
        const r = ref.lossAndGradient(ref.upload(H), ref.upload(F), ref.upload(Y), activation, loss);
        const [lossRef, Gref] = [toFloat64(await ref.read(r.loss)), toFloat64(await ref.read(r.G))];
        const bounds = lossBounds(H, F, Y, activation, loss);
        const got = await be.read(out.loss);
        expect([got.rows, got.cols]).toEqual([1, 1]);
        assertWithin(`${loss} value`, got, lossRef, bounds.loss);
        assertWithin(`G = ∂L/∂H (${activation} + ${loss})`, await be.read(out.G), Gref, bounds.G);
        for (const t of [h, f, y, out.loss, out.G]) be.release(t);
      });
    }
  }
  check('lossAndGradient/rejects-softmax-without-cross-entropy', [3], async (be) => {
    const t = be.upload(f32Matrix(1, 3, 3));
    expect(() => be.lossAndGradient(t, t, t, 'softmax', 'sse')).toThrow();
    expect(() => be.lossAndGradient(t, t, t, 'tanh', 'cross-entropy')).toThrow();
    be.release(t);
  });

  for (const [n, p, q] of SHAPES) {
    check(`weightGradients/${n}x${p}x${q}`, [n, p, q], async (be) => {
      const A = f32Matrix(n * 7 + p, n, p);
      const G = f32Matrix(q * 5 + n, n, q, 0.5);
      const out = be.weightGradients(be.upload(A, 'A'), be.upload(G, 'G'));
      const r = ref.weightGradients(ref.upload(A), ref.upload(G));
      const bounds = weightGradientBounds(A, G);
      assertWithin(
        `dW = Aᵀ G (${p}×${n} · ${n}×${q})`,
        await be.read(out.dW),
        toFloat64(await ref.read(r.dW)),
        bounds.dW,
      );
      assertWithin('db = 1ᵀ G', await be.read(out.db), toFloat64(await ref.read(r.db)), bounds.db);
    });
  }

  for (const [n, p, q] of SHAPES) {
    check(`backpropagate/dX/${n}x${p}x${q}`, [n, p, q], async (be) => {
      const G = f32Matrix(n + 3 * q, n, q);
      const W = f32Matrix(p + 5 * q, p, q);
      const out = be.backpropagate(be.upload(G), be.upload(W));
      const r = ref.backpropagate(ref.upload(G), ref.upload(W));
      assertWithin(
        `G Wᵀ (${n}×${q} · ${q}×${p})`,
        await be.read(out),
        toFloat64(await ref.read(r)),
        backpropagateBounds(G, W),
      );
    });
    for (const activation of ELEMENTWISE) {
      check(`backpropagate/${activation}/${n}x${p}x${q}`, [n, p, q], async (be) => {
        const G = f32Matrix(n + 3 * q + 1, n, q);
        const W = f32Matrix(p + 5 * q + 1, p, q);
        const { H, A } = storedForward(`bp${activation}${n}.${p}.${q}`, n, p, activation);
        const g = be.upload(G, 'G');
        const h = be.upload(H, 'H');
        const out = be.backpropagate(g, be.upload(W), { H: h, A: be.upload(A, 'A'), activation });
        const r = ref.backpropagate(ref.upload(G), ref.upload(W), { H: ref.upload(H), A: ref.upload(A), activation });
        const bound = backpropagateBounds(G, W, { H, A, activation });
        assertWithin(`${activation}'(H) ⊙ G Wᵀ`, await be.read(out), toFloat64(await ref.read(r)), bound);
        await expectUnchanged(be, g, G, 'G');
        await expectUnchanged(be, h, H, 'H');
      });
    }
  }

  const sgdCases: readonly [string, SgdOptions, boolean][] = [
    ['plain', { lr: 0.1, momentum: 0, weightDecay: 0 }, false],
    ['momentum', { lr: 0.05, momentum: 0.9, weightDecay: 0 }, true],
    ['momentum+decay', { lr: 0.01, momentum: 0.5, weightDecay: 1e-2 }, true],
    ['decay-no-velocity', { lr: 0.3, momentum: 0, weightDecay: 1e-3 }, false],
  ];
  for (const [label, o, withVelocity] of sgdCases) {
    check(`sgdStep/${label}/33x17`, [33, 17], async (be) => {
      const [W, G, V] = [f32Matrix(1, 33, 17), f32Matrix(2, 33, 17, 0.1), f32Matrix(3, 33, 17, 0.05)];
      const w = be.upload(W);
      const v = withVelocity ? be.upload(V) : null;
      be.sgdStep(w, be.upload(G), v, o);
      const wr = ref.upload(W);
      const vr = withVelocity ? ref.upload(V) : null;
      ref.sgdStep(wr, ref.upload(G), vr, o);
      const bounds = sgdBounds(W, G, withVelocity ? V : null, o);
      assertWithin(`param after SGD (${label})`, await be.read(w), toFloat64(await ref.read(wr)), bounds.param);
      if (v && vr)
        assertWithin(`velocity after SGD (${label})`, await be.read(v), toFloat64(await ref.read(vr)), bounds.velocity);
    });
  }
  check('sgdStep/rejects-momentum-without-velocity', [3], async (be) => {
    const w = be.upload(f32Matrix(1, 3, 3));
    expect(() => be.sgdStep(w, w, null, { lr: 0.1, momentum: 0.9, weightDecay: 0 })).toThrow();
  });
  const adamCases: readonly [string, AdamOptions][] = [
    ['step1', { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1, weightDecay: 0 }],
    ['step2+decay', { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 2, weightDecay: 1e-2 }],
    ['step1000', { lr: 1e-3, beta1: 0.8, beta2: 0.99, eps: 1e-6, step: 1000, weightDecay: 0 }],
  ];
  for (const [label, o] of adamCases) {
    check(`adamStep/${label}/17x33`, [17, 33], async (be) => {
      const [W, G, M] = [f32Matrix(4, 17, 33), f32Matrix(5, 17, 33, 0.1), f32Matrix(6, 17, 33, 0.01)];
      // v is a running mean of squares: non-negative (some exact zeros to exercise eps).
      const V = f32Matrix(7, 17, 33, 1e-3);
      for (let k = 0; k < V.data.length; k++) V.data[k] = k % 11 === 0 ? 0 : Math.abs(V.data[k]!);
      const [w, m, v] = [be.upload(W), be.upload(M), be.upload(V)];
      be.adamStep(w, be.upload(G), m, v, o);
      const [wr, mr, vr] = [ref.upload(W), ref.upload(M), ref.upload(V)];
      ref.adamStep(wr, ref.upload(G), mr, vr, o);
      const bounds = adamBounds(W, G, M, V, o);
      assertWithin(`param after Adam (${label})`, await be.read(w), toFloat64(await ref.read(wr)), bounds.param);
      assertWithin(`m after Adam (${label})`, await be.read(m), toFloat64(await ref.read(mr)), bounds.m);
      assertWithin(`v after Adam (${label})`, await be.read(v), toFloat64(await ref.read(vr)), bounds.v);
    });
  }

  for (const seq of TRAINING_SEQUENCES) {
    const dims = [seq.batch, seq.spec.inputSize, ...seq.spec.layers.map((l) => l.units)];
    check(`training/${seq.name}`, dims, async (be) => {
      const got = await runTrainingSequence(be, seq);
      const want = await runTrainingSequence(ref, seq);
      const kMax = Math.max(...dims);
      const tol = sequenceRelativeBound(seq.steps, kMax);
      got.losses.forEach((l, s) => {
        const rel = Math.abs(l - want.losses[s]!) / Math.max(Math.abs(want.losses[s]!), Number.MIN_VALUE);
        if (!(rel <= tol))
          throw new Error(
            `${seq.name}: loss at step ${s} is ${l}, reference ${want.losses[s]} (relative ${rel.toExponential(2)} > ${tol.toExponential(2)})`,
          );
      });
      const compare = (what: string, a: Matrix<FloatArray>, b: Matrix<FloatArray>, bound: number): void => {
        const rel = relativeFrobenius(a, b);
        if (!(rel <= bound))
          throw new Error(`${seq.name}: ${what} relative error ${rel.toExponential(2)} > ${bound.toExponential(2)}`);
      };
      const oneStep = sequenceRelativeBound(1, kMax);
      got.firstGradients.forEach((g, i) => {
        compare(`step-0 dW_${i}`, g.dW, want.firstGradients[i]!.dW, oneStep);
        compare(`step-0 db_${i}`, g.db, want.firstGradients[i]!.db, oneStep);
      });
      compare('step-0 ∂L/∂X', got.firstDX, want.firstDX, oneStep);
      got.params.forEach((p, i) => {
        compare(`final W_${i}`, p.W, want.params[i]!.W, tol);
        compare(`final b_${i}`, p.b, want.params[i]!.b, tol);
      });
    });
  }

  return cases;
}

export function describeConformance(name: string, makeBackend: MakeBackend, opts: ConformanceOptions = {}): void {
  const maxDim = opts.maxDim ?? Infinity;
  const exclusions = Object.entries(opts.exclude ?? {});
  for (const [id, reason] of exclusions) {
    if (!reason.trim()) throw new Error(`conformance ${name}: exclusion "${id}" must give its reason`);
  }

  describe(`conformance: ${name} vs cpu-f64`, () => {
    const ref = new Cpu64Backend();
    let backend: Backend | null = null;
    let skipReason = '';

    beforeAll(async () => {
      const made = await makeBackend();
      if ('skip' in made) skipReason = made.skip;
      else backend = made;
    }, opts.timeout ?? 60_000);

    afterAll(() => {
      backend?.dispose();
      ref.dispose();
    });

    const groups = new Map<string, ConformanceCase[]>();
    for (const c of conformanceCases(ref)) {
      const op = c.id.split('/')[0]!;
      if (!groups.has(op)) groups.set(op, []);
      groups.get(op)!.push(c);
    }
    for (const [op, list] of groups) {
      describe(op, () => {
        for (const c of list) {
          // Each case is skipped, with its reason, when excluded, over the size cap, or the backend is unavailable.
          const excluded = exclusions.find(([prefix]) => c.id === prefix || c.id.startsWith(`${prefix}/`));
          if (excluded) {
            it.skip(`${c.id} — excluded: ${excluded[1]}`, () => {});
          } else if (Math.max(0, ...c.dims) > maxDim) {
            it.skip(`${c.id} — over maxDim ${maxDim}: ${opts.maxDimReason ?? 'capped by the backend'}`, () => {});
          } else {
            it(
              c.id,
              async (ctx: TestContext) => {
                if (!backend) ctx.skip(`backend unavailable: ${skipReason}`);
                await c.run(backend!);
              },
              opts.timeout,
            );
          }
        }
      });
    }
  });
}

async function expectUnchanged(
  be: Backend,
  t: ReturnType<Backend['upload']>,
  original: Matrix,
  what: string,
): Promise<void> {
  const now = await be.read(t);
  const want = be.precision === 'f32' ? Float32Array.from(original.data) : original.data;
  for (let k = 0; k < want.length; k++) {
    if (now.data[k] !== want[k])
      throw new Error(`${what} was modified by the op at element ${k}: ${now.data[k]} ≠ ${want[k]}`);
  }
}
