import { describe, expect, it } from 'vitest';
import { defaultRoles, isDateLike, previewDelimited } from './csv-preview.js';

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
    expect(p.columns).toEqual(['column 1', 'column 2']);
    expect(p.rows).toHaveLength(2);
  });

  it('takes the names after a padded counts line (boston_house_prices.csv: 506,13,,…) as the header', () => {
    const p = previewDelimited('3,2,,\n"a","b","price"\n1,2,10.5\n3,4,20.25\n5,6,30.125\n');
    expect(p.countsLine).toBe(true);
    expect(p.hasHeader).toBe(true);
    expect(p.columns).toEqual(['a', 'b', 'price']);
    // The names are not a data row (else every column would look like text, to be one-hot encoded).
    expect(p.rows).toEqual([
      ['1', '2', '10.5'],
      ['3', '4', '20.25'],
      ['5', '6', '30.125'],
    ]);
    expect(p.numeric).toEqual([true, true, true]);
  });
  it('sniffs whitespace-separated text (linnerud_exercise.csv) as the engine does', () => {
    const p = previewDelimited('Chins Situps Jumps\n5 162 60\n2  110\t60\n');
    expect(p.columns).toEqual(['Chins', 'Situps', 'Jumps']);
    expect(p.hasHeader).toBe(true);
    expect(p.rows).toEqual([
      ['5', '162', '60'],
      ['2', '110', '60'],
    ]);
    expect(p.countsLine).toBeUndefined();
    // One name with a space over a column of numbers stays one column.
    expect(previewDelimited('house price\n100\n200\n').columns).toEqual(['house price']);
  });
});

describe('preview choices and suggestions', () => {
  it('takes the delimiter, header and skipped lines the user chose', () => {
    const p = previewDelimited('# exported 2024\n# by a tool\n1;2;a\n3;4;b\n', { delimiter: ';', header: 'no', skipLines: 2 });
    expect(p.columns).toEqual(['column 1', 'column 2', 'column 3']);
    expect(p.rows).toEqual([['1', '2', 'a'], ['3', '4', 'b']]);
    const ws = previewDelimited('x y  label\n1 2 a\n3  4 b\n', { delimiter: 'whitespace' });
    expect(ws.columns).toEqual(['x', 'y', 'label']);
  });

  it('suggests "ignore" for a date column and keeps the last other column as the target', () => {
    const p = previewDelimited('date,temp,rain,day\n2024-01-01,3.5,0,2024-01-01T10:00\n2024-01-02,4.1,1,2024-01-02T10:00\n');
    expect(defaultRoles(p)).toEqual(['ignore', 'feature', 'target', 'ignore']);
    expect(isDateLike(p, 1)).toBe(false);
  });
});

describe('scikit-learn counts line', () => {
  it('is recognised, its line skipped, the columns numbered', () => {
    const p = previewDelimited('4,2,a,b\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
    expect(p.countsLine).toBe(true);
    expect(p.columns).toEqual(['column 1', 'column 2', 'column 3']);
    expect(p.rows).toHaveLength(4);
    expect(previewDelimited('x,y,label\n1,2,0\n').countsLine).toBeUndefined();
  });
});
