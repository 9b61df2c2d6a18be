// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import BreakpointEditor from './BreakpointEditor.vue';

describe('BreakpointEditor', () => {
  it('edits the threshold and layer of a vanishing-gradient breakpoint', async () => {
    const w = mount(BreakpointEditor, { props: { condition: { kind: 'vanishing', threshold: 1e-7 }, enabled: true, layerCount: 3 } });
    expect(w.text()).toContain('Fires when ‖G_i‖ < 1e-7 in any layer (strictly below)');
    await w.find('[data-test=bp-threshold]').setValue('0.001');
    expect(w.emitted('update')?.[0]?.[0]).toEqual({ kind: 'vanishing', threshold: 0.001 });
    await w.find('[data-test=bp-layer]').setValue('2');
    expect(w.emitted('update')?.[1]?.[0]).toEqual({ kind: 'vanishing', threshold: 1e-7, layer: 2 });
    expect(w.findAll('[data-test=bp-layer] option')).toHaveLength(4);
  });

  it('shows fractions as percent and emits them as fractions', async () => {
    const w = mount(BreakpointEditor, { props: { condition: { kind: 'dead-relu', fraction: 0.5, layer: 1 }, enabled: true, layerCount: 2 } });
    expect((w.find('[data-test=bp-fraction]').element as HTMLInputElement).value).toBe('50');
    await w.find('[data-test=bp-fraction]').setValue('75');
    expect(w.emitted('update')?.[0]?.[0]).toEqual({ kind: 'dead-relu', fraction: 0.75, layer: 1 });
    await w.find('[data-test=bp-layer]').setValue('any');
    expect(w.emitted('update')?.[1]?.[0]).toEqual({ kind: 'dead-relu', fraction: 0.5 });
  });

  it('flags an invalid value and emits toggle and remove', async () => {
    const w = mount(BreakpointEditor, { props: { condition: { kind: 'loss-spike', factor: 0.5 }, enabled: true, layerCount: 2 } });
    expect(w.find('[data-test=bp-problem]').text()).toMatch(/factor.*> 1/);
    expect(w.find('[data-test=bp-layer]').exists()).toBe(false);
    await w.find('[data-test=bp-enabled]').setValue(false);
    expect(w.emitted('toggle')?.[0]).toEqual([false]);
    await w.find('[data-test=bp-remove]').trigger('click');
    expect(w.emitted('remove')).toHaveLength(1);
  });
});
