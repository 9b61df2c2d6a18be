import { describe, expect, it } from 'vitest';
import { fmt, fmtError, subscript } from './format.js';

describe('graph-mode number formatting', () => {
  it('six significant digits with a real minus sign', () => {
    expect(fmt(0.603597241992418)).toBe('0.603597');
    expect(fmt(-0.524316690390902)).toBe('−0.524317');
    expect(fmt(9)).toBe('9');
    expect(fmt(0.2)).toBe('0.2');
    expect(fmt(1.5e-7)).toBe('1.5e-7');
    expect(fmt(Number.NaN)).toBe('NaN');
    expect(fmt(null)).toBe('—');
    expect(fmtError(2.2e-16)).toBe('2.2e-16');
    expect(subscript(0, 1)).toBe('₁₂');
  });
});
