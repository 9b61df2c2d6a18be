import { describe, expect, it } from 'vitest';
import { defaultRoles, previewDelimited } from './csv-preview.js';

describe('previewDelimited', () => {
  it('detects a header and numeric columns', () => {
    const p = previewDelimited('x1,x2,label\n0.5,1,red\n-1,2,blue\n');
    expect(p.hasHeader).toBe(true);
    expect(p.columns).toEqual(['x1', 'x2', 'label']);
    expect(p.rows).toHaveLength(2);
    expect(p.numeric).toEqual([true, true, false]);
    expect(defaultRoles(p)).toEqual(['feature', 'feature', 'target']);
  });
  it('treats an all-numeric first row as data', () => {
    const p = previewDelimited('1,2\n3,4\n');
    expect(p.hasHeader).toBe(false);
    expect(p.columns).toEqual(['column 0', 'column 1']);
    expect(p.rows).toHaveLength(2);
  });
});
