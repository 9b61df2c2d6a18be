import { describe, expect, it } from 'vitest';
import { plural } from './plural.js';

describe('plural', () => {
  it('says 1 target, 0 targets, 3 targets, 1,200 rows; irregular plurals given', () => {
    expect(plural(1, 'target')).toBe('1 target');
    expect(plural(0, 'target')).toBe('0 targets');
    expect(plural(3, 'target')).toBe('3 targets');
    expect(plural(1200, 'row')).toBe('1,200 rows');
    expect(plural(2, 'class', 'classes')).toBe('2 classes');
  });
});
