// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import type { MatrixName, OpRef } from '../../../engine/protocol/index.js';
import StepperView from './StepperView.vue';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { cpuF64, event, matrixPayload, readyEvent, stateEvent } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';

const op = (index: number, kind: OpRef['kind'], layer: number | null, equation: string): OpRef => ({ index, kind, layer, label: `${kind}${layer === null ? '' : ` layer ${layer}`}`, equation });
const OPS = [
  op(0, 'forward', 0, 'H_0 = A_0 W_0 + \\mathbf{1} b_0'),
  op(1, 'loss', null, 'L = \\tfrac{1}{2}\\sum (F - Y)^2'),
  op(2, 'backward', 0, '\\partial L/\\partial W_0 = A_0^\\top G_0'),
  op(3, 'update', null, 'W \\leftarrow W - \\eta\\, \\partial L/\\partial W'),
];
const payload = (name: MatrixName, layer: number, rows: number, cols: number) =>
  matrixPayload(name, layer, rows, cols, Float32Array.from({ length: rows * cols }, (_, k) => k - (rows * cols) / 2));

let link: FakeLink;
beforeEach(() => {
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
  link.emit(readyEvent());
  link.emit(event('configured', { parameterCount: 3, shapes: [{ layer: 0, W: [2, 1], b: [1, 1] }], ops: OPS, trainSize: 4, validationSize: 0, backend: cpuF64, preprocessing: null }));
  link.emit(stateEvent({ state: 'idle', nextOp: OPS[0]!, reason: 'configured' }));
});

describe('StepperView', () => {
  it('lists the ops of a step and typesets the next one', async () => {
    const w = mount(StepperView);
    await nextTick();
    const items = w.findAll('[data-test=op-list] li');
    expect(items.map((li) => li.text())).toEqual(['▶forward layer 0', 'loss', 'backward layer 0', 'update']);
    expect(w.find('[data-test=op-detail] h2').text()).toBe('forward layer 0');
    expect(w.find('[data-test=equation] .katex').exists()).toBe(true);
    expect(w.find('[data-test=equation]').attributes('data-tex')).toContain('H_0 = A_0 W_0');
  });

  it('steps one op, then shows its operands and results with their shapes', async () => {
    const w = mount(StepperView);
    await w.find('[data-test=stepper-step-op]').trigger('click');
    expect(link.sent.at(-1)).toEqual({ type: 'step-op' });
    link.emit(event('op-stepped', { step: 1, op: OPS[0]!, next: OPS[1]!, matrices: [payload('A', 0, 4, 2), payload('W', 0, 2, 1), payload('H', 0, 4, 1)] }));
    link.emit(stateEvent({ nextOp: OPS[1]! }));
    await nextTick();
    expect(w.find('li[data-op="0"]').classes()).toContain('done-last');
    expect(w.find('li[data-op="1"]').classes()).toContain('next');
    const shapes = w.find('.shapes').text();
    expect(shapes).toContain('A_0: 4×2');
    expect(shapes).toContain('W_0: 2×1');
    expect(shapes).toContain('H_0: 4×1');
    const operandLabels = w.findAll('.frame.operand .label').map((l) => l.text());
    const resultLabels = w.findAll('.frame.result .label').map((l) => l.text());
    expect(operandLabels).toEqual(['A_0', 'W_0', 'b_0']);
    expect(resultLabels).toEqual(['H_0', 'A_1']);
    expect(w.findAll('.frame.result.fresh')).toHaveLength(1); // H_0 came with this op; A_1 did not
  });

  it('picks any op from the list to look at again, and says when the step is complete', async () => {
    const w = mount(StepperView);
    for (const [k, o] of OPS.entries()) link.emit(event('op-stepped', { step: 1, op: o, next: OPS[k + 1] ?? null, matrices: [] }));
    link.emit(stateEvent({ step: 1 }));
    await nextTick();
    expect(w.text()).toContain('(complete)');
    await w.find('li[data-op="2"]').trigger('click');
    expect(w.find('[data-test=op-detail] h2').text()).toBe('backward layer 0');
    expect(w.find('[data-test=equation]').attributes('data-tex')).toContain('A_0^\\top G_0');
  });
});
