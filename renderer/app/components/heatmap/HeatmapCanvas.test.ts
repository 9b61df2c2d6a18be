// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import HeatmapCanvas from './HeatmapCanvas.vue';
import { divergingRgb, unpackRgba } from './colour-scale.js';

function rect(width: number, height: number) {
  return () => ({ left: 0, top: 0, right: width, bottom: height, width, height, x: 0, y: 0, toJSON: () => ({}) }) as DOMRect;
}

describe('HeatmapCanvas', () => {
  const matrix = { rows: 2, cols: 2, data: new Float32Array([-4, 0, 2, 4]) };

  it('paints one pixel per cell on a scale centred at 0', async () => {
    const w = mount(HeatmapCanvas, { props: { matrix, label: 'G_0' } });
    await nextTick();
    const vm = w.vm as unknown as { pixels: Uint32Array; limit: number; paintNow: () => void };
    vm.paintNow();
    expect(vm.limit).toBe(4);
    const px = Array.from(vm.pixels, (p) => unpackRgba(p).slice(0, 3));
    expect(px[0]).toEqual(divergingRgb(-1));
    expect(px[1]).toEqual([247, 247, 247]);
    expect(px[2]).toEqual(divergingRgb(0.5));
    expect(px[3]).toEqual(divergingRgb(1));
    expect(w.text()).toContain('2×2');
  });

  it('shows the exact value and indices on hover and emits the clicked cell', async () => {
    const w = mount(HeatmapCanvas, { props: { matrix, label: 'W_1' } });
    await nextTick();
    const canvas = w.find('canvas');
    canvas.element.getBoundingClientRect = rect(100, 100);
    await canvas.trigger('mousemove', { clientX: 75, clientY: 25 });
    expect(w.find('[role=tooltip]').text()).toBe('W_1[0, 1] = 0');
    await canvas.trigger('mousemove', { clientX: 10, clientY: 90 });
    expect(w.find('[role=tooltip]').text()).toContain('W_1[1, 0] = 2.000000');
    await canvas.trigger('click', { clientX: 90, clientY: 90 });
    expect(w.emitted('select')?.[0]?.[0]).toEqual({ row: 1, col: 1, value: 4 });
    await canvas.trigger('mouseleave');
    expect(w.find('[role=tooltip]').exists()).toBe(false);
  });

  it('shows an empty state without data, flags non-finite cells and outlines marked cells', async () => {
    const empty = mount(HeatmapCanvas, { props: { matrix: null, label: 'A_0' } });
    expect(empty.text()).toContain('No data yet');
    const bad = mount(HeatmapCanvas, {
      props: { matrix: { rows: 1, cols: 3, data: [1, NaN, Infinity] }, label: 'H_0', marked: [1, 2] },
    });
    await nextTick();
    expect(bad.text()).toContain('2 non-finite');
    expect(bad.findAll('.mark')).toHaveLength(2);
  });

  it('names the block of source indices for a decimated matrix and selects in source indices', async () => {
    const decimated = { rows: 2, cols: 2, data: new Float32Array([1, -2, 3, NaN]), blockRows: 4, blockCols: 3, sourceRows: 8, sourceCols: 5 };
    const w = mount(HeatmapCanvas, { props: { matrix: decimated, label: 'W_0' } });
    await nextTick();
    expect(w.text()).toContain('8×5 (shown 2×2)');
    const canvas = w.find('canvas');
    canvas.element.getBoundingClientRect = rect(100, 100);
    await canvas.trigger('mousemove', { clientX: 90, clientY: 10 });
    expect(w.find('[role=tooltip]').text()).toBe('W_0[0–3, 3–4] max|x| = -2.000000');
    await canvas.trigger('click', { clientX: 10, clientY: 90 });
    expect(w.emitted('select')?.[0]?.[0]).toEqual({ row: 4, col: 0, value: 3 });
  });
});
