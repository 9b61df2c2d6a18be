// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { cpuF64, datasetLoaded, errorEvent, event, frameEvent, matrixPayload, opRef, readyEvent, stateEvent } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';
import { useSessionStore } from './session.js';
import { DEFAULT_SPEED, loadPreferences } from '../services/preferences.js';
import { useTelemetryStore } from './telemetry.js';
import { useDataStore } from './data.js';
import { useModelStore } from './model.js';
import { useBreakpointsStore, describeCondition } from './breakpoints.js';
import { useStepperStore, operandsOf } from './stepper.js';
import { useErrorsStore } from './errors.js';
import { useUiStore } from './ui.js';
import { useHistoryStore } from './history.js';
import { useGradcheckStore } from './gradcheck.js';

const op = opRef;
const payload = matrixPayload;
const frame = frameEvent;
const configured = (over: Partial<Omit<EventOf<'configured'>, 'v' | 'type'>> = {}) =>
  event('configured', { parameterCount: 10, shapes: [], ops: [op(0, 'forward', 0)], trainSize: 80, validationSize: 20, backend: cpuF64, preprocessing: null, ...over });
/** Lets the store's awaited request-history reply land. */
const settle = () => new Promise((r) => setTimeout(r, 0));

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});

describe('session store', () => {
  it('says hello, takes the backend from ready and follows the run state', () => {
    const s = useSessionStore();
    expect(link.sent[0]).toEqual({ type: 'hello' });
    link.emit(readyEvent({ commands: ['start', 'pause'] }));
    expect(s.ready).toBe(true);
    expect(s.backend?.name).toBe('cpu-f64');
    link.emit(stateEvent({ step: 3, epoch: 1, nextOp: op(2, 'backward', 0) }));
    expect(s.state).toBe('paused');
    expect(s.midStep).toBe(true);
    s.debugAction('toggle-run');
    // a speed a person can watch unless "max" was chosen
    expect(link.sent.at(-1)).toEqual({ type: 'start', stepsPerSecond: DEFAULT_SPEED });
    s.setSpeed(5);
    s.debugAction('step');
    expect(link.sent.at(-1)).toEqual({ type: 'step', count: 1 });
    s.debugAction('step-op');
    expect(link.sent.at(-1)).toEqual({ type: 'step-op' });
    s.run();
    expect(link.sent.at(-1)).toEqual({ type: 'start', stepsPerSecond: 5 });
  });

  it('the run keys say why they cannot act; the chosen speed and the first run are remembered', () => {
    const s = useSessionStore();
    s.debugAction('toggle-run');
    expect(s.notice).toContain('engine is still starting');
    link.emit(readyEvent());
    s.debugAction('step');
    expect(s.notice).toContain('Nothing to run yet');
    expect(link.sent.some((c) => (c as { type: string }).type === 'step')).toBe(false);
    link.emit(stateEvent({ state: 'running', step: 3, epoch: 1 }));
    s.debugAction('step');
    expect(s.notice).toContain('Pause first');
    expect(loadPreferences()).toEqual({ seen: false, speed: DEFAULT_SPEED });
    s.setSpeed(null);
    s.run();
    expect(loadPreferences()).toEqual({ seen: true, speed: null });
  });

  it('shows engine errors that answer no request, with code and path', () => {
    link.emit(errorEvent({ code: 'config-error', message: 'must be > 0', path: 'config.optimizer.lr', command: 'configure' }));
    const e = useErrorsStore().list[0]!;
    expect(e.message).toBe('must be > 0');
    expect(e.detail).toContain('config.optimizer.lr');
    expect(e.detail).toContain('config-error');
  });
});

describe('telemetry store', () => {
  it('appends loss points and keeps matrices raw', () => {
    const t = useTelemetryStore();
    link.emit(frame(0, 1, 0.9));
    link.emit(frame(1, 2, 0.5));
    expect(t.losses.steps).toEqual([1, 2]);
    expect(t.losses.train).toEqual([0.9, 0.5]);
    expect(t.lastLoss).toBe(0.5);
    expect(t.matrix('W', 0)?.data[0]).toBe(2);
    expect(t.flow.normG.map((a) => a[0])).toEqual([0.5, 0.5]);
    // heavy arrays are not proxied
    expect(t.matrix('W', 0)!.data).toBeInstanceOf(Float32Array);
    expect(useSessionStore().loss).toBe(0.5);
  });
  it('ignores replayed (historical) frames and clears on reset', () => {
    const t = useTelemetryStore();
    link.emit(frame(0, 5, 0.3));
    link.emit(frame(1, 2, 0.9, { historical: true }));
    expect(t.losses.steps).toEqual([5]);
    link.emit(stateEvent({ state: 'idle', reason: 'reset' }));
    expect(t.losses.steps).toEqual([]);
    expect(t.matrix('W', 0)).toBeNull();
  });
});

describe('data and model stores', () => {
  it('loads an IDX images + labels pair given together, and refuses other file sets', async () => {
    const d = useDataStore();
    const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]);
    const done = d.loadFiles([
      { name: 'train-labels-idx1-ubyte.gz', bytes },
      { name: 'train-images-idx3-ubyte.gz', bytes },
    ]);
    expect(link.sent.at(-1)).toMatchObject({
      type: 'load-dataset',
      source: { kind: 'idx-pair', images: { fileName: 'train-images-idx3-ubyte.gz' }, labels: { fileName: 'train-labels-idx1-ubyte.gz' } },
    });
    link.reply('load-dataset', datasetLoaded('mnist', ['x1'], ['0', '1']));
    expect(await done).toBe(true);
    expect(await d.loadFiles([{ name: 'a.csv', bytes }, { name: 'b.csv', bytes }])).toBe(false);
    // A load can be cancelled: a pause, answered with `cancelled`, which is not reported.
    const errorsBefore = useErrorsStore().list.length;
    const again = d.loadFiles([
      { name: 'train-labels-idx1-ubyte.gz', bytes },
      { name: 'train-images-idx3-ubyte.gz', bytes },
    ]);
    d.cancelLoad();
    expect(link.sent.at(-1)).toEqual({ type: 'pause' });
    link.reply('load-dataset', errorEvent({ code: 'cancelled', message: 'loading the data set was cancelled', command: 'load-dataset' }));
    expect(await again).toBe(false);
    expect(useErrorsStore().list.length).toBe(errorsBefore);
    expect(useErrorsStore().list.at(-1)!.message).toMatch(/IDX images file together with its labels file/);
  });

  it('loads a built-in and switches the model to softmax + cross-entropy for classes', async () => {
    const d = useDataStore();
    const m = useModelStore();
    d.select('moons');
    const done = d.loadBuiltin();
    expect(link.sent.at(-1)).toMatchObject({ type: 'load-dataset', source: { kind: 'builtin', name: 'moons' } });
    link.reply('load-dataset', datasetLoaded('moons', ['x', 'y'], ['a', 'b']));
    expect(await done).toBe(true);
    await Promise.resolve();
    expect(d.task).toBe('classification');
    expect(m.outputActivation).toBe('softmax');
    expect(m.loss).toBe('cross-entropy');
    expect(m.spec.layers.at(-1)).toEqual({ units: 2, activation: 'softmax' });
    expect(d.recent[0]).toMatchObject({ kind: 'builtin', name: 'moons' });
  });

  it('previews a CSV, sends the chosen columns and refuses a file without a target', async () => {
    const d = useDataStore();
    d.pick('points.csv', new TextEncoder().encode('a,b,c\n1,2,3\n4,5,6\n'));
    expect(d.pending?.preview?.columns).toEqual(['a', 'b', 'c']);
    d.roles = ['feature', 'ignore', 'target'];
    const done = d.loadPending();
    expect(link.sent.at(-1)).toMatchObject({ type: 'load-dataset', source: { kind: 'file', fileName: 'points.csv', options: { features: ['a'], targets: ['c'], header: 'yes' } } });
    link.reply('load-dataset', errorEvent({ code: 'dataset-error', message: 'points.csv line 3, column c: not a number', command: 'load-dataset' }));
    expect(await done).toBe(false);
    expect(useErrorsStore().list.at(-1)?.message).toContain('line 3');
    d.roles = ['feature', 'feature', 'feature'];
    expect(await d.loadPending()).toBe(false);
    expect(useErrorsStore().list.at(-1)?.message).toContain('target');
    // one error area for loading: the second problem replaced the first
    expect(useErrorsStore().list.filter((e) => e.slot === 'data')).toHaveLength(1);
  });

  it('refuses empty and binary files by name; reading choices go to the loader; JSON records get columns', () => {
    const d = useDataStore();
    d.pick('empty.csv', new Uint8Array(0));
    expect(d.pending).toBeNull();
    expect(useErrorsStore().list.at(-1)?.message).toBe('empty.csv: the file is empty.');
    d.pick('sheet.xlsx', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0]));
    expect(useErrorsStore().list.at(-1)?.message).toContain('this looks like a binary file');
    expect(useErrorsStore().list.filter((e) => e.slot === 'data')).toHaveLength(1);
    d.pick('iris.csv', new TextEncoder().encode('# iris\n5.1;3.5;0\n4.9;3.0;1\n'));
    d.reading.delimiter = ';';
    d.reading.skipLines = 1;
    d.repreview();
    expect(d.pending?.preview?.columns).toEqual(['column 1', 'column 2', 'column 3']);
    expect(d.fileOptions()).toMatchObject({ delimiter: ';', skipLines: 1, header: 'no', features: [0, 1], targets: [2] });
    expect(useErrorsStore().list.filter((e) => e.slot === 'data')).toHaveLength(0);
    d.pick('cars.json', new TextEncoder().encode('[{"hp": 130, "origin": "USA"}, {"hp": null, "origin": "Japan"}]'));
    expect(d.roles).toEqual(['feature', 'target']);
    const o = d.fileOptions();
    expect(o).toMatchObject({ features: ['hp'], targets: ['origin'] });
    expect(o.header).toBeUndefined();
  });

  it('leaves the header to the engine after a scikit-learn counts line (iris.csv), columns by index', () => {
    const d = useDataStore();
    d.pick('iris.csv', new TextEncoder().encode('3,2,setosa,versicolor\n5.1,3.5,0\n4.9,3,1\n4.7,3.2,0\n'));
    expect(d.pending?.preview?.columns).toHaveLength(3);
    const options = d.fileOptions();
    expect(options).toMatchObject({ features: [0, 1], targets: [2] });
    expect(options.header).toBeUndefined();
  });

  it('lists the shape of every matrix and validates the form', () => {
    const m = useModelStore();
    m.hidden = [{ units: 4, activation: 'relu' }];
    const w0 = m.shapes.find((s) => s.name === 'W_0')!;
    expect([w0.rows, w0.cols]).toEqual([2, 4]);
    expect(m.shapes.find((s) => s.name === 'G_1')).toMatchObject({ rows: 'n', cols: 1 });
    expect(m.parameterCount).toBe(2 * 4 + 4 + 4 * 1 + 1);
    expect(m.problem).toBeNull();
    m.loss = 'cross-entropy';
    expect(m.problem).toMatch(/softmax/);
    m.loss = 'mse';
    m.lr = -1;
    expect(m.problem).toMatch(/learning rate/);
  });

  it('estimates the memory of the configuration as it is edited, and flags one that cannot fit', () => {
    const m = useModelStore();
    expect(m.memoryProblem).toBeNull();
    expect(m.memoryText).toMatch(/^about .* for \d+ parameters$/);
    const small = m.memory.totalBytes;
    m.hidden = [
      { units: 30_000, activation: 'tanh' },
      { units: 30_000, activation: 'tanh' },
    ];
    expect(m.memory.totalBytes).toBeGreaterThan(1000 * small);
    expect(m.memoryProblem).toMatch(/too large: one matrix needs/);
  });

  it('applies the configuration and asks for telemetry once configured', async () => {
    const m = useModelStore();
    const done = m.apply();
    expect(link.sent.at(-1)).toMatchObject({ type: 'configure', config: { optimizer: { kind: 'sgd', lr: 0.1 }, init: 'xavier' } });
    link.reply('configure', configured());
    expect(await done).toBe(true);
    expect(m.dirty).toBe(false);
    expect(link.sent.at(-1)).toMatchObject({ type: 'set-telemetry', histograms: true });
    expect(useStepperStore().ops).toHaveLength(1);
  });

  it('while running, streams only what the shown view draws; paused, everything again', async () => {
    const m = useModelStore();
    const done = m.apply();
    link.reply('configure', configured());
    await done;
    const subs = () => link.sent.flatMap((c) => (c.type === 'set-telemetry' ? [c] : []));
    expect(subs().at(-1)!.matrices?.names).toHaveLength(7);
    const ui = useUiStore();
    ui.show('layers', 1);
    link.emit(stateEvent({ state: 'running', step: 3, epoch: 1 }));
    await nextTick();
    expect(subs().at(-1)!.matrices).toEqual({ names: ['A', 'H', 'G', 'W', 'dW', 'db'] });
    ui.layerKinds.H = false;
    ui.layersOnlyFocus = true;
    await nextTick();
    expect(subs().at(-1)!.matrices).toEqual({ names: ['A', 'G', 'W', 'dW', 'db'], layers: [1] });
    ui.show('data');
    await nextTick();
    expect(subs().at(-1)!.matrices).toEqual({ names: [] });
    const n = subs().length;
    ui.show('export');
    await nextTick();
    expect(subs()).toHaveLength(n);
    link.emit(stateEvent({ step: 9, epoch: 1 }));
    await nextTick();
    expect(subs().at(-1)!.matrices?.names).toHaveLength(7);
    expect(link.sent.at(-1)).toMatchObject({ type: 'set-telemetry' });
    // A view opened now that needs what the run did not stream fetches the current step's matrices once.
    ui.show('layers');
    await nextTick();
    expect(link.sent.filter((c) => c.type === 'request-frame')).toHaveLength(1);
    ui.show('train');
    await nextTick();
    expect(link.sent.filter((c) => c.type === 'request-frame')).toHaveLength(1);
  });
});

describe('breakpoints store', () => {
  it('sends only enabled and valid conditions', () => {
    const b = useBreakpointsStore();
    b.add('exploding');
    b.add('vanishing');
    b.update(b.entries[2]!.id, { kind: 'vanishing', threshold: -1 });
    b.toggle(b.entries[0]!.id, false);
    b.apply();
    expect(link.sent.at(-1)).toEqual({ type: 'set-breakpoints', breakpoints: [{ kind: 'exploding', threshold: 1000 }] });
    expect(b.problems[2]).toMatch(/threshold/);
    expect(describeCondition({ kind: 'dead-relu', layer: 1, fraction: 0.5 })).toBe('Fires when more than 50% of ReLU units are dead in layer 1 (> 50%: exactly 50% does not fire)');
  });
  it('on a hit, records it, marks the cells and jumps to the layer', () => {
    const b = useBreakpointsStore();
    link.emit(event('breakpoint-hit', { hit: { condition: { kind: 'non-finite' }, step: 7, op: op(3, 'backward', 1), layer: 1, matrix: 'G', cells: [0, 5], message: 'NaN in G_1' }, matrices: [] }));
    expect(b.hits).toHaveLength(1);
    expect(b.marks).toEqual({ matrix: 'G', layer: 1, cells: [0, 5] });
    expect(useUiStore().tab).toBe('layers');
    expect(useUiStore().focusLayer).toBe(1);
    expect(useSessionStore().lastHit?.step).toBe(7);
  });
});

describe('stepper store', () => {
  it('tracks the ops of a step and what each stepped op computed', () => {
    const s = useStepperStore();
    link.emit(configured({ shapes: [{ layer: 0, W: [2, 1], b: [1, 1] }], ops: [op(0, 'forward', 0), op(1, 'loss', null), op(2, 'backward', 0), op(3, 'update', null)], trainSize: 4, validationSize: 0 }));
    s.stepOp();
    expect(link.sent.at(-1)).toEqual({ type: 'step-op' });
    link.emit(event('op-stepped', { step: 1, op: op(0, 'forward', 0), next: op(1, 'loss', null), matrices: [payload('H', 0, 4, 1, 0.5)] }));
    expect(s.shown?.index).toBe(0);
    expect(s.shownMatrices[0]?.name).toBe('H');
    expect(useTelemetryStore().matrix('H', 0)?.data[0]).toBe(0.5);
    link.emit(event('op-stepped', { step: 1, op: op(3, 'update', null), next: null, matrices: [] }));
    expect(s.stepComplete).toBe(true);
    expect(s.trail).toHaveLength(2);
    expect(operandsOf(op(2, 'backward', 1), 2).filter((o) => o.role === 'result').map((o) => `${o.name}${o.layer}`)).toEqual(['dW1', 'db1', 'G0']);
  });
});

describe('history and gradient check stores', () => {
  it('fetches a past frame and diffs two steps', async () => {
    const h = useHistoryStore();
    link.emit(stateEvent({ step: 10 }));
    link.reply('request-history', event('history', { steps: [2, 4, 6, 8, 10], restorable: [], step: 10 }));
    await settle();
    const a = h.show(4);
    link.reply('request-frame', frame(9, 4, 0.4, { historical: true, matrices: [payload('W', 0, 1, 2, 3)] }));
    await a;
    const b = h.compareWith(2);
    link.reply('request-frame', frame(10, 2, 0.6, { historical: true, matrices: [payload('W', 0, 1, 2, 1)] }));
    await b;
    expect(h.travelling).toBe(true);
    expect(Array.from(h.diff('W', 0)!.data)).toEqual([2, 2]);
    expect(useTelemetryStore().losses.steps).toEqual([]); // a replay is not live data
  });
  it('refuses steps that have left the history instead of showing an empty past', async () => {
    const h = useHistoryStore();
    useModelStore().historySize = 5;
    link.emit(stateEvent({ step: 100 }));
    expect([h.oldest, h.newest, h.count]).toEqual([0, 0, 0]); // nothing is offered before the engine lists its steps
    link.reply('request-history', event('history', { steps: [96, 97, 98, 99, 100], restorable: [100], step: 100 }));
    await settle();
    expect([h.oldest, h.newest]).toEqual([96, 100]);
    expect(await h.show(3)).toBe(false);
    expect(h.travelling).toBe(false);
    expect(link.pending()).toEqual([]); // nothing asked of the engine
    expect(h.kept(96)).toBe(true);
    // the engine may still say no (e.g. it was restarted): the view goes back to live
    const shown = h.show(97);
    link.reply('request-frame', errorEvent({ code: 'not-found', message: 'step 97 is not in the history', command: 'request-frame' }));
    expect(await shown).toBe(false);
    expect(h.travelling).toBe(false);
    useModelStore().historySize = 0;
    expect(h.enabled).toBe(false);
    expect(h.kept(100)).toBe(false);
  });
  it('moves over exactly the steps the engine lists with request-history (a free run keeps only some)', async () => {
    const h = useHistoryStore();
    useModelStore().historySize = 50;
    link.emit(stateEvent({ step: 40 }));
    expect(link.sent.at(-1)).toEqual({ type: 'request-history' });
    link.reply('request-history', event('history', { steps: [0, 7, 19, 31, 40], restorable: [], step: 40 }));
    await settle();
    expect([h.oldest, h.newest, h.count]).toEqual([7, 40, 4]);
    expect([0, 1, 2, 3, 9].map((i) => h.stepAt(i))).toEqual([7, 19, 31, 40, 40]);
    expect([7, 20, 40, 3].map((s) => h.indexOf(s))).toEqual([0, 1, 3, 0]);
    expect(h.kept(19)).toBe(true);
    expect(h.kept(20)).toBe(false); // inside the range but never recorded: not offered, not asked for
    expect(await h.show(20)).toBe(false);
    expect(link.pending()).toEqual([]);
    const shown = h.show(h.stepAt(1));
    link.reply('request-frame', frame(3, 19, 0.3, { historical: true }));
    expect(await shown).toBe(true);
    expect(h.stepA).toBe(19);
    // a new model forgets the list until the engine is asked again
    link.emit(stateEvent({ state: 'idle', reason: 'configured' }));
    expect(h.listed).toEqual([]);
  });
  it('resumes from a step that keeps its state (rewind), not from one kept for viewing only; the loss curve ends there', async () => {
    const h = useHistoryStore();
    const t = useTelemetryStore();
    useModelStore().historySize = 50;
    for (let s = 1; s <= 6; s++) link.emit(frame(s, s, 1 / s));
    link.emit(stateEvent({ step: 6 }));
    link.reply('request-history', event('history', { steps: [0, 1, 2, 3, 4, 5, 6], restorable: [4, 5, 6], step: 6 }));
    await settle();
    expect(h.canRewind(5)).toBe(true);
    expect(h.canRewind(2)).toBe(false); // kept for viewing only
    // After a breakpoint in step 7: the newest resumable step at least two before it.
    expect(h.beforeHit(7)).toBe(5);
    expect(h.beforeHit(5)).toBe(null);
    expect(await h.rewind(2)).toBe(false);
    expect(link.pending()).toEqual([]);
    const done = h.rewind(4);
    expect(link.sent.at(-1)).toEqual({ type: 'rewind', step: 4 });
    link.emit(frame(7, 4, 0.25));
    link.reply('rewind', stateEvent({ step: 4, reason: 'rewound' }));
    expect(await done).toBe(true);
    expect(t.losses.steps).toEqual([1, 2, 3, 4]);
    expect(t.flow.steps.at(-1)).toBe(4);
    expect(h.listed).toEqual([]); // asked again
    // training on appends after the rewound step
    link.emit(frame(8, 5, 0.2));
    expect(t.losses.steps).toEqual([1, 2, 3, 4, 5]);
  });
  it('sets the run’s learning rate without re-applying the model', async () => {
    const m = useModelStore();
    m.lr = 0.3;
    const applied = m.apply();
    link.reply('configure', configured({ parameterCount: 1, ops: [], trainSize: 1, validationSize: 0 }));
    expect(await applied).toBe(true);
    expect(m.runLearningRate).toBe(0.3);
    const set = m.setRunLearningRate(0.01);
    expect(link.sent.at(-1)).toEqual({ type: 'set-learning-rate', lr: 0.01 });
    link.reply('set-learning-rate', event('accepted', { command: 'set-learning-rate' }));
    expect(await set).toBe(true);
    expect([m.runLearningRate, m.lr]).toEqual([0.01, 0.3]); // the form keeps its own for the next Apply
    // A reset starts afresh from the configuration, with its learning rate.
    link.emit(stateEvent({ state: 'idle', reason: 'reset' }));
    expect(m.runLearningRate).toBe(0.3);
    expect(await m.setRunLearningRate(-1)).toBe(false);
    expect(useErrorsStore().list.at(-1)!.message).toMatch(/positive/);
  });
  it('runs a gradient check with the chosen settings', async () => {
    const g = useGradcheckStore();
    g.tolerance = 1e-4;
    const done = g.run();
    expect(link.sent.at(-1)).toMatchObject({ type: 'gradcheck', tolerance: 1e-4, eps: 1e-6 });
    link.reply('gradcheck', event('gradcheck-result', { backend: 'cpu-f64', eps: 1e-6, tolerance: 1e-4, loss: 0.5, batchRows: 8, passed: true, sampled: false, maxRelError: 1e-9, layers: [], reference: null }));
    expect(await done).toBe(true);
    expect(g.result?.passed).toBe(true);
  });
  it('cancels a running gradient check with a pause, without reporting an error', async () => {
    const g = useGradcheckStore();
    const errors = useErrorsStore().list.length;
    const done = g.run();
    expect(g.running).toBe(true);
    g.cancel();
    expect(link.sent.at(-1)).toEqual({ type: 'pause' });
    link.reply('gradcheck', errorEvent({ code: 'cancelled', message: 'the gradient check was cancelled', command: 'gradcheck' }));
    expect(await done).toBe(false);
    expect(g.running).toBe(false);
    expect(useErrorsStore().list.length).toBe(errors);
  });
});

describe('exports store', () => {
  const weights = {
    format: 'backprop-lens/weights',
    version: 1,
    model: { inputSize: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'identity' }], loss: 'mse' },
    parameters: [
      { W: [[0.1, 0.2, 0.3], [-0.1, -0.2, -0.3]], b: [0, 0, 0] },
      { W: [[1], [2], [3]], b: [0.5] },
    ],
  };

  it('imports a weights file into the model form and starts the engine from its parameters', async () => {
    const { useExportsStore } = await import('./exports.js');
    const x = useExportsStore();
    const m = useModelStore();
    expect(x.importWeights('w.json', JSON.stringify(weights))).toBe(true);
    expect(m.hidden).toEqual([{ units: 3, activation: 'tanh' }]);
    expect(m.spec.inputSize).toBe(2);
    expect(m.problem).toBeNull();
    void m.apply();
    const cmd = link.sent.at(-1);
    if (cmd?.type !== 'configure') throw new Error(`expected configure, sent ${cmd?.type}`);
    const init = cmd.config.init;
    if (typeof init !== 'object' || !('parameters' in init)) throw new Error('expected the imported parameters');
    expect(init.parameters.W[0]).toMatchObject({ rows: 2, cols: 3 });
    expect(Array.from(init.parameters.W[1]!.data)).toEqual([1, 2, 3]);
    m.hidden = [{ units: 4, activation: 'tanh' }];
    expect(m.problem).toMatch(/no longer match/);
  });

  it('reports a bad weights file with the key path', async () => {
    const { useExportsStore } = await import('./exports.js');
    const bad = { ...weights, parameters: [{ W: [[0.1, 0.2, 0.3]], b: [0, 0, 0] }, weights.parameters[1]] };
    expect(useExportsStore().importWeights('bad.json', JSON.stringify(bad))).toBe(false);
    const e = useErrorsStore().list.at(-1)!;
    expect(e.title).toContain('bad.json');
    expect(e.message).toMatch(/parameters\[0\]\.W/);
  });

  it('saves what the engine exported', async () => {
    const { useExportsStore } = await import('./exports.js');
    const x = useExportsStore();
    URL.createObjectURL = () => 'blob:x';
    URL.revokeObjectURL = () => undefined;
    const done = x.exportFile('loss-history');
    expect(link.sent.at(-1)).toEqual({ type: 'export', what: 'loss-history' });
    link.reply('export', event('export', { what: 'loss-history', fileName: 'loss.csv', mimeType: 'text/csv', contents: 'step,loss\n1,0.5\n' }));
    expect(await done).toBe(true);
    expect(x.lastContents?.contents).toContain('1,0.5');
    expect(x.lastSaved).toBe('loss.csv');
  });
});
