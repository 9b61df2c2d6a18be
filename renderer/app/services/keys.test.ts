import { describe, expect, it } from 'vitest';
import { actionForKey } from './keys.js';

const key = (k: string, extra: Partial<KeyboardEvent> & { tag?: string } = {}) =>
  ({ key: k, code: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: extra.tag ?? 'BODY' }, ...extra }) as unknown as KeyboardEvent;

describe('debugger keys', () => {
  it('maps Space, F5, F10 and F11', () => {
    expect(actionForKey(key(' '))).toBe('toggle-run');
    expect(actionForKey(key('F5'))).toBe('continue');
    expect(actionForKey(key('F10'))).toBe('step');
    expect(actionForKey(key('F11'))).toBe('step-op');
    expect(actionForKey(key('a'))).toBeNull();
  });
  it('leaves typing and modifier combos alone', () => {
    expect(actionForKey(key(' ', { tag: 'INPUT' }))).toBeNull();
    expect(actionForKey(key('F5', { ctrlKey: true }))).toBeNull();
    expect(actionForKey(key(' ', { tag: 'BUTTON' }))).toBe('toggle-run');
    expect(actionForKey(key(' ', { target: { tagName: 'TEXTAREA' } } as never))).toBeNull();
    expect(actionForKey(key(' ', { target: { tagName: 'INPUT', type: 'number' } } as never))).toBeNull();
    expect(actionForKey(key('F10', { target: { tagName: 'DIV', isContentEditable: true } } as never))).toBeNull();
  });
  it('a focused checkbox, slider or select does not swallow them', () => {
    expect(actionForKey(key(' ', { target: { tagName: 'INPUT', type: 'checkbox' } } as never))).toBe('toggle-run');
    expect(actionForKey(key(' ', { target: { tagName: 'INPUT', type: 'range' } } as never))).toBe('toggle-run');
    expect(actionForKey(key('F10', { target: { tagName: 'SELECT' } } as never))).toBe('step');
    expect(actionForKey(key('F5', { target: { tagName: 'INPUT', type: 'radio' } } as never))).toBe('continue');
  });
});
