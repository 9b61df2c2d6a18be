/**
 * Live training data: the loss curves, the latest frame's matrices and per-layer statistics,
 * histograms, and a rolling history of gradient norms for the gradient-flow strip. Everything
 * big is held in shallowRef / markRaw and replaced, never deeply watched: a 20 Hz stream of
 * 256×256 Float32Arrays must not go through Vue's proxies. `version` ticks once per frame for
 * whoever redraws.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { EventOf, LayerStats, MatrixName, MatrixPayload } from '../../../engine/protocol/index.js';
import { decimateSeries } from '../../../engine/index.js';
import { useSessionStore } from './session.js';

export type FrameEvent = EventOf<'frame'>;

/** Columns of the loss history, kept as flat arrays for the chart. */
export interface LossSeries {
  readonly steps: number[];
  readonly train: number[];
  /** NaN where a step had no validation loss. */
  readonly validation: number[];
}

export interface FlowHistory {
  readonly steps: number[];
  /** Per frame, per layer: ‖G_i‖, ‖∂L/∂W_i‖, ‖∂L/∂W_i‖/‖W_i‖. */
  readonly normG: Float64Array[];
  readonly normDW: Float64Array[];
  readonly ratio: Float64Array[];
}

/** Loss points kept per series; past it the history is thinned to half (spikes and non-finite values kept). */
export const MAX_LOSS_POINTS = 100_000;
const FLOW_FRAMES = 300;

export const matrixKey = (name: MatrixName, layer: number | null) => `${name}:${layer ?? '-'}`;

function emptyLoss(): LossSeries {
  return { steps: [], train: [], validation: [] };
}
function emptyFlow(): FlowHistory {
  return { steps: [], normG: [], normDW: [], ratio: [] };
}

/**
 * Halves a series so the history stays bounded but spans all steps, by the engine's series rule
 * (decimateSeries): each bucket keeps its extremes and its NaN, so a spike or a NaN loss stays on
 * the chart however long the run. Training and validation losses are thinned apart (validation
 * over the steps that have one) and the steps either keeps are kept.
 */
function thin(s: LossSeries): void {
  const perSeries = Math.floor(MAX_LOSS_POINTS / 4);
  const keep = new Set<number>(decimateSeries(s.train, perSeries).x);
  const withValidation: number[] = [];
  for (let k = 0; k < s.validation.length; k++) if (!Number.isNaN(s.validation[k]!)) withValidation.push(k);
  const validation = decimateSeries(
    withValidation.map((k) => s.validation[k]!),
    perSeries,
  );
  for (const j of validation.x) keep.add(withValidation[j]!);
  const rows = [...keep].sort((a, b) => a - b);
  for (const arr of [s.steps, s.train, s.validation]) {
    for (let w = 0; w < rows.length; w++) arr[w] = arr[rows[w]!]!;
    arr.length = rows.length;
  }
}

export const useTelemetryStore = defineStore('telemetry', () => {
  const losses = shallowRef<LossSeries>(markRaw(emptyLoss()));
  const flow = shallowRef<FlowHistory>(markRaw(emptyFlow()));
  const frame = shallowRef<FrameEvent | null>(null);
  const matrices = shallowRef<ReadonlyMap<string, MatrixPayload>>(new Map());
  const layers = shallowRef<readonly LayerStats[]>([]);
  const version = ref(0);
  const framesReceived = ref(0);
  const framesDropped = ref(0);
  /** Client-side frame rate (frames applied per second), for the status bar. */
  const fps = ref(0);
  let fpsCount = 0;
  let fpsSince = 0;

  const lastLoss = computed(() => {
    void version.value;
    const t = losses.value.train;
    return t.length ? t[t.length - 1]! : null;
  });

  function matrix(name: MatrixName, layer: number | null): MatrixPayload | null {
    return matrices.value.get(matrixKey(name, layer)) ?? null;
  }

  function appendLosses(e: FrameEvent): void {
    const s = losses.value;
    const lastStep = s.steps.length ? s.steps[s.steps.length - 1]! : -1;
    const points = e.losses.length ? e.losses : [{ step: e.step, loss: e.loss, validationLoss: e.validationLoss }];
    for (const p of points) {
      if (p.step <= lastStep && s.steps.length) continue; // already have it (or a replay)
      s.steps.push(p.step);
      s.train.push(p.loss);
      s.validation.push(p.validationLoss ?? NaN);
    }
    if (s.steps.length > MAX_LOSS_POINTS) thin(s);
  }

  function appendFlow(e: FrameEvent): void {
    const f = flow.value;
    if (e.layers.length === 0) return;
    f.steps.push(e.step);
    f.normG.push(Float64Array.from(e.layers, (l) => l.normG));
    f.normDW.push(Float64Array.from(e.layers, (l) => l.normDW));
    f.ratio.push(Float64Array.from(e.layers, (l) => l.gradToWeight));
    if (f.steps.length > FLOW_FRAMES) {
      f.steps.shift();
      f.normG.shift();
      f.normDW.shift();
      f.ratio.shift();
    }
  }

  /** Applies one live frame (historical replays go to the history store instead). */
  function ingest(e: FrameEvent): void {
    frame.value = markRaw(e);
    const map = new Map<string, MatrixPayload>();
    for (const m of e.matrices) map.set(matrixKey(m.name, m.layer), markRaw(m));
    // Matrices not in this frame (e.g. a frame without G before the first backward) keep their last value.
    for (const [k, v] of matrices.value) if (!map.has(k)) map.set(k, v);
    matrices.value = map;
    // A frame of a step the engine did not record (e.g. the step before a breakpoint hit) has no stats: keep the last.
    if (e.layers.length > 0) layers.value = e.layers;
    appendLosses(e);
    appendFlow(e);
    framesReceived.value++;
    framesDropped.value += e.dropped;
    version.value++;
    const now = typeof performance !== 'undefined' ? performance.now() : Date.now();
    fpsCount++;
    if (now - fpsSince >= 1000) {
      fps.value = (fpsCount * 1000) / (now - fpsSince || 1);
      fpsCount = 0;
      fpsSince = now;
    }
  }

  /** The step's ops also update matrices (op-stepped carries operands and results). */
  function ingestMatrices(list: readonly MatrixPayload[]): void {
    if (list.length === 0) return;
    const map = new Map(matrices.value);
    for (const m of list) map.set(matrixKey(m.name, m.layer), markRaw(m));
    matrices.value = map;
    version.value++;
  }

  /** The current step's matrices of the present subscription (a view opened after a run that streamed only part). */
  async function refreshMatrices(): Promise<void> {
    try {
      const e = await useSessionStore().engine().request({ type: 'request-frame' }, 'frame');
      ingestMatrices(e.matrices);
    } catch {
      // No step has completed yet (or the engine went away): nothing newer to show.
    }
  }

  function clear(): void {
    losses.value = markRaw(emptyLoss());
    flow.value = markRaw(emptyFlow());
    frame.value = null;
    matrices.value = new Map();
    layers.value = [];
    version.value++;
  }

  /** After a rewind: the curves end at `step` (the engine dropped the steps after it). */
  function truncateAfter(step: number): void {
    const cut = <T extends { steps: number[] }>(series: T, columns: unknown[][]): T => {
      const keep = series.steps.findIndex((s) => s > step);
      if (keep >= 0) for (const col of [series.steps, ...columns]) col.length = keep;
      return series;
    };
    const l = losses.value;
    losses.value = markRaw({ ...cut(l, [l.train, l.validation]) });
    const f = flow.value;
    flow.value = markRaw({ ...cut(f, [f.normG, f.normDW, f.ratio]) });
    version.value++;
  }

  function connect(): void {
    const session = useSessionStore();
    const link = session.engine();
    link.on('frame', (e) => {
      if (e.historical) return;
      // The transport client acknowledges the frame (returns its credit) after the handlers ran.
      ingest(e);
    });
    link.on('op-stepped', (e) => ingestMatrices(e.matrices));
    link.on('state', (e) => {
      if (e.reason === 'configured' || e.reason === 'reset' || e.reason === 'restored') clear();
      // Back to step 0 (the initial parameters) nothing was computed yet: as after a reset.
      if (e.reason === 'rewound' && e.step === 0) clear();
      else if (e.reason === 'rewound') truncateAfter(e.step);
    });
  }

  return { losses, flow, frame, matrices, layers, version, framesReceived, framesDropped, fps, lastLoss, matrix, ingest, ingestMatrices, refreshMatrices, clear, truncateAfter, connect };
});
