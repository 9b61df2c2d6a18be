// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import ErrorBoundary from './ErrorBoundary.vue';

const Broken = defineComponent({
  setup() {
    return () => {
      throw new Error('matrix 3×4 cannot multiply 5×2');
    };
  },
});

describe('ErrorBoundary', () => {
  it('shows a failing view its error with detail instead of a blank screen', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const w = mount(ErrorBoundary, { props: { name: 'Layers' }, slots: { default: () => h(Broken) } });
    await w.vm.$nextTick();
    const alert = w.find('[role=alert]');
    expect(alert.exists()).toBe(true);
    expect(alert.text()).toContain('The Layers view failed');
    expect(alert.text()).toContain('matrix 3×4 cannot multiply 5×2');
    expect(w.find('details').exists()).toBe(true);
  });
});
