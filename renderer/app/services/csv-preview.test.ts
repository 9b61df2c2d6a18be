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

  it('reads a scikit-learn counts line (iris.csv: 150,4,setosa,…) as no header, like the engine', () => {
    const p = previewDelimited('3,2,cat,dog\n5.1,3.5,0\n4.9,3,1\n4.7,3.2,0\n');
    expect(p.countsLine).toBe(true);
    expect(p.hasHeader).toBe(false);
    expect(p.columns).toHaveLength(3);
    expect(p.rows).toEqual([
      ['5.1', '3.5', '0'],
      ['4.9', '3', '1'],
      ['4.7', '3.2', '0'],
    ]);
    expect(p.numeric).toEqual([true, true, true]);
  });
  it('takes the names after a padded counts line (boston_house_prices.csv: 506,13,,…) as the header', () => {
    const p = previewDelimited('3,2,,\n"a","b","price"\n1,2,10.5\n3,4,20.25\n5,6,30.125\n');
    expect(p.countsLine).toBe(true);
    expect(p.hasHeader).toBe(true);
    expect(p.columns).toEqual(['a', 'b', 'price']);
    expect(p.rows).toHaveLength(3);
  });
  it('splits whitespace-separated text (linnerud_exercise.csv) into columns', () => {
    const p = previewDelimited('Chins Situps Jumps\n5 162 60\n2  110\t60\n');
    expect(p.columns).toEqual(['Chins', 'Situps', 'Jumps']);
    expect(p.hasHeader).toBe(true);
    expect(p.rows).toEqual([
      ['5', '162', '60'],
      ['2', '110', '60'],
    ]);
    expect(p.countsLine).toBe(false);
  });
});
