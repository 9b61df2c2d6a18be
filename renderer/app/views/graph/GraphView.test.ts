// @vitest-environment happy-dom
import { describe, expect, it, beforeEach } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import GraphView from './GraphView.vue';

// Hand-derived in engine/graph/tutorial.test.ts: ∂f/∂x = 1/d − 2x·b/d², ∂f/∂y = σ'(y)/d − b/d² at (3, −4).
const DELTA_X = -0.524316690390901974;
const DELTA_Y = -0.117186907155825442;

const num = (w: VueWrapper, testid: string, attr = 'data-value'): number => Number(w.get(`[data-testid="${testid}"]`).attributes(attr));
const click = (w: VueWrapper, testid: string) => w.get(`[data-testid="${testid}"]`).trigger('click');

function mountView(): VueWrapper {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(GraphView, { global: { plugins: [pinia] }, attachTo: document.body });
}

describe('GraphView', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('opens on the tutorial example with every forward value drawn', () => {
    const w = mountView();
    for (const name of ['x', 'y', 'a', 'b', 'c', 'd', 'e', 'f']) expect(w.find(`[data-testid="graph-node-${name}"]`).exists()).toBe(true);
    expect(num(w, 'graph-node-d')).toBe(5);
    expect(num(w, 'graph-node-f')).toBeCloseTo(0.603597241992418, 14);
    expect(num(w, 'graph-output')).toBeCloseTo(0.603597241992418, 14);
    expect(w.get('[data-testid="graph-step-position"]').text()).toBe('step 0 / 6');
    expect(num(w, 'graph-delta-f')).toBe(1);
    expect(num(w, 'graph-delta-x')).toBe(0);
    w.unmount();
  });

  it('steps the backward pass, highlighting the op and showing its accumulations', async () => {
    const w = mountView();
    await click(w, 'graph-step-next');
    expect(w.get('[data-testid="graph-step-equation"]').text()).toBe('f = b · e');
    expect(w.get('[data-testid="graph-node-f"]').classes()).toContain('current');
    expect(w.get('[data-testid="graph-node-b"]').classes()).toContain('target');
    expect(w.get('[data-testid="graph-step-acc-0"]').text()).toContain('0 → 0.2');
    expect(w.get('[data-testid="graph-delta-row-b"]').classes()).toContain('target');
    for (let k = 0; k < 5; k++) await click(w, 'graph-step-next');
    expect(w.find('[data-testid="graph-step-done"]').exists()).toBe(true);
    expect(num(w, 'graph-delta-x')).toBeCloseTo(DELTA_X, 14);
    expect(num(w, 'graph-delta-y')).toBeCloseTo(DELTA_Y, 14);
    expect(w.get('[data-testid="graph-step-next"]').attributes('disabled')).toBeDefined();
    await click(w, 'graph-step-prev');
    // Undoing a = σ(y) takes back its contribution to δ_y only.
    expect(num(w, 'graph-delta-y')).toBeCloseTo(-0.120719448398483662, 14);
    expect(num(w, 'graph-delta-x')).toBeCloseTo(DELTA_X, 14);
    await click(w, 'graph-step-reset');
    expect(num(w, 'graph-delta-x')).toBe(0);
    await click(w, 'graph-step-run-all');
    expect(num(w, 'graph-delta-x')).toBeCloseTo(DELTA_X, 14);
    w.unmount();
  });

  it('steps with the arrow keys', async () => {
    const w = mountView();
    await w.get('[data-testid="graph-view"]').trigger('keydown', { key: 'End' });
    expect(w.get('[data-testid="graph-step-position"]').text()).toBe('step 6 / 6');
    await w.get('[data-testid="graph-view"]').trigger('keydown', { key: 'ArrowLeft' });
    expect(w.get('[data-testid="graph-step-position"]').text()).toBe('step 5 / 6');
    w.unmount();
  });

  it('checks every input against finite differences', async () => {
    const w = mountView();
    await click(w, 'graph-fd-check');
    expect(w.get('[data-testid="graph-fd-summary"]').text()).toContain('all inputs agree');
    expect(w.get('[data-testid="graph-fd-row-x"]').attributes('data-ok')).toBe('true');
    expect(w.get('[data-testid="graph-fd-row-y"]').attributes('data-ok')).toBe('true');
    w.unmount();
  });

  it('shows a caret under the column of a parse error, and applies a suggestion', async () => {
    const w = mountView();
    await w.get('[data-testid="graph-expression"]').setValue('x + sigmod(y)');
    const error = w.get('[data-testid="graph-parse-error"]');
    expect(error.attributes('data-column')).toBe('5');
    expect(w.get('[data-testid="graph-parse-caret"]').text()).toBe('^^^^^^');
    expect(w.get('[data-testid="graph-parse-caret"]').element.textContent).toBe('    ^^^^^^');
    expect(error.text()).toContain('did you mean "sigmoid"');
    // The last good graph stays on screen, dimmed.
    expect(w.find('[data-testid="graph-node-f"]').exists()).toBe(true);
    await click(w, 'graph-suggestion-sigmoid');
    expect(w.find('[data-testid="graph-parse-error"]').exists()).toBe(false);
    expect((w.get('[data-testid="graph-expression"]').element as HTMLTextAreaElement).value).toBe('x + sigmoid(y)');
    expect(num(w, 'graph-output')).toBeCloseTo(3 + 1 / (1 + Math.exp(4)), 14);
    w.unmount();
  });

  it('reports a domain error at its node and recovers when the value changes', async () => {
    const w = mountView();
    await w.get('[data-testid="graph-expression"]').setValue('log(x - y)');
    const x = w.get('[data-testid="graph-var-x"]');
    await x.setValue('-5');
    await x.trigger('change');
    expect(w.get('[data-testid="graph-eval-error"]').text()).toMatch(/log of a non-positive number \(-1\)/);
    expect(w.get('[data-testid="graph-node-f"]').classes()).toContain('error');
    await x.setValue('2');
    await x.trigger('change');
    expect(w.find('[data-testid="graph-eval-error"]').exists()).toBe(false);
    expect(num(w, 'graph-output')).toBeCloseTo(Math.log(6), 14);
    w.unmount();
  });

  it('shows the dense layer’s accumulators next to the matrix formulas', async () => {
    const w = mountView();
    await w.get('[data-testid="graph-preset"]').setValue('dense');
    await flushPromises();
    expect(w.find('[data-testid="graph-expression"]').exists()).toBe(false);
    expect(w.find('[data-testid="graph-var-W12"]').exists()).toBe(true);
    expect(num(w, 'graph-dense-max-diff')).toBeLessThan(1e-14);
    const row = () => w.get('[data-testid="graph-dense-dW-12"]');
    expect(Number(row().attributes('data-accumulator'))).toBe(0);
    await click(w, 'graph-step-run-all');
    expect(Number(row().attributes('data-accumulator'))).toBeCloseTo(Number(row().attributes('data-matrix')), 14);
    for (const q of ['G', 'dW', 'db', 'dA']) expect(w.get(`[data-testid="graph-dense-${q}"]`).text()).toContain('✓');
    expect(w.get('[data-testid="graph-dense"]').text()).not.toContain('✗');
    w.unmount();
  });
});
