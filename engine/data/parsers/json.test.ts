import { describe, expect, it } from 'vitest';
import { catchDatasetError } from '../test-helpers.js';
import { parseJsonTable } from './json.js';

describe('JSON datasets', () => {
  it('reads an array of objects, keeping string labels', () => {
    const t = parseJsonTable('[{"x1": 1, "x2": 2.5, "label": "cat"}, {"x1": -1, "x2": 0, "label": "dog"}]');
    expect(t.columns.map((c) => c.name)).toEqual(['x1', 'x2', 'label']);
    expect(Array.from(t.columns[1]!.values)).toEqual([2.5, 0]);
    expect(t.columns[2]!.text).toEqual(['cat', 'dog']);
    expect(t.defaultTargets).toEqual([2]);
  });

  it('reads an array of numeric rows', () => {
    const t = parseJsonTable('[[1, 2, 3], [4, 5, 6]]');
    expect(t.columns.length).toBe(3);
    expect(Array.from(t.columns[2]!.values)).toEqual([3, 6]);
  });

  it('reads {X, Y} with names, Y as rows, numbers or labels', () => {
    const t = parseJsonTable(
      '{"featureNames": ["a", "b"], "targetNames": ["out"], "X": [[1, 2], [3, 4]], "Y": [[0.5], [0.25]]}',
    );
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b', 'out']);
    expect(t.defaultTargets).toEqual([2]);
    const vec = parseJsonTable('{"X": [1, 2, 3], "Y": ["a", "b", "a"]}');
    expect(vec.columns.map((c) => c.name)).toEqual(['x1', 'y']);
    expect(vec.columns[1]!.text).toEqual(['a', 'b', 'a']);
  });

  it('reads the backprop-lens/batch file of FORMATS.md', () => {
    const t = parseJsonTable(
      '{ "format": "backprop-lens/batch", "version": 1, "X": [[0.5, -1.0], [0.1, 0.2]], "Y": [[1.0], [0.0]] }',
    );
    expect(t.rows).toBe(2);
    expect(Array.from(t.columns[1]!.values)).toEqual([-1, 0.2]);
    expect(t.defaultTargets).toEqual([2]);
  });

  it('locates syntax errors by line and column', () => {
    const e = catchDatasetError(() =>
      parseJsonTable('{"X": [[1, 2],\n  [3, 4],]\n, "Y": [1, 2]}', { fileName: 'b.json' }),
    );
    expect(e).toMatchObject({ code: 'bad-json', file: 'b.json', line: 2, column: 10 });
    expect(e.message).toContain('JSON allows no comma before a closing bracket');
    expect(catchDatasetError(() => parseJsonTable('[1, NaN]'))).toMatchObject({ code: 'bad-json', line: 1, column: 5 });
  });

  it('reports mismatched X/Y lengths, ragged rows and bad values at their key path', () => {
    const text = '{\n "X": [[1, 2], [3, 4], [5, 6]],\n "Y": [[1], [2]]\n}';
    expect(catchDatasetError(() => parseJsonTable(text))).toMatchObject({
      code: 'length-mismatch',
      field: 'Y',
      line: 3,
      column: 7,
    });
    expect(catchDatasetError(() => parseJsonTable('{"X": [[1, 2], [3]], "Y": [1, 2]}'))).toMatchObject({
      code: 'ragged-row',
      field: 'X[1]',
    });
    expect(catchDatasetError(() => parseJsonTable('{"X": [[1, {"a": 1}]], "Y": [1]}'))).toMatchObject({
      code: 'bad-structure',
      field: 'X[0][1]',
      column: 12,
    });
    expect(catchDatasetError(() => parseJsonTable('[[1, 2], [3, 4, 5]]'))).toMatchObject({
      code: 'ragged-row',
      field: '[1]',
    });
    expect(catchDatasetError(() => parseJsonTable('[{"a": 1, "b": 2}, {"a": 3}]'))).toMatchObject({
      code: 'bad-structure',
      field: '[1].b',
    });
    expect(catchDatasetError(() => parseJsonTable('[{"a": 1}, {"a": 3, "c": 4}]'))).toMatchObject({
      code: 'bad-structure',
      field: '[1].c',
    });
  });

  it('rejects empty input, other file kinds and unknown batch versions', () => {
    expect(catchDatasetError(() => parseJsonTable('  '))).toMatchObject({ code: 'empty' });
    expect(catchDatasetError(() => parseJsonTable('[]'))).toMatchObject({ code: 'empty' });
    expect(catchDatasetError(() => parseJsonTable('{"X": [], "Y": []}'))).toMatchObject({ code: 'empty' });
    expect(catchDatasetError(() => parseJsonTable('{"format": "backprop-lens/weights", "version": 1}'))).toMatchObject({
      code: 'bad-structure',
      field: 'format',
    });
    expect(
      catchDatasetError(() =>
        parseJsonTable('{"format": "backprop-lens/batch", "version": 9, "X": [[1]], "Y": [[1]]}'),
      ),
    ).toMatchObject({ field: 'version' });
    expect(catchDatasetError(() => parseJsonTable('{"X": [[1]]}'))).toMatchObject({
      code: 'bad-structure',
      field: 'Y',
    });
    expect(catchDatasetError(() => parseJsonTable('42'))).toMatchObject({ code: 'bad-structure' });
  });

  it('enforces the cell limit before building columns', () => {
    const rows = JSON.stringify(Array.from({ length: 100 }, (_, i) => [i, i]));
    expect(catchDatasetError(() => parseJsonTable(rows, { limits: { maxCells: 150 } }))).toMatchObject({
      code: 'too-large',
    });
    // Far over the limit, it fails before JSON.parse builds anything.
    expect(catchDatasetError(() => parseJsonTable(rows, { limits: { maxCells: 50 } })).message).toContain(
      'about 199 values',
    );
  });
});
