import { describe, expect, it } from 'vitest';
import { parseDelimited } from './parsers/delimited.js';
import { parseJsonTable } from './parsers/json.js';
import { checkProbabilityRows, checkTargetsForLoss, prepareDataset } from './prepare.js';
import { catchDatasetError } from './test-helpers.js';

const iris = 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n';

describe('prepareDataset: columns, labels, checks', () => {
  it('turns a text label column into one-hot targets with sorted class names (task auto)', () => {
    const ds = prepareDataset(parseDelimited(iris, { fileName: 'iris.csv' }));
    expect(ds.meta).toMatchObject({
      name: 'iris.csv',
      task: 'classification',
      featureNames: ['sepal', 'petal'],
      classNames: ['setosa', 'versicolor', 'virginica'],
      targetNames: ['setosa', 'versicolor', 'virginica'],
    });
    expect(Array.from(ds.Y.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(ds.X.data.subarray(0, 2))).toEqual([5.1, 1.4]);
  });

  it('chooses features and targets by name (any case) or index, negative from the end', () => {
    const t = parseDelimited('a,b,c,d\n1,2,3,4\n5,6,7,8\n');
    const ds = prepareDataset(t, { features: ['A', 2], targets: [-1] });
    expect(ds.meta.featureNames).toEqual(['a', 'c']);
    expect(ds.meta.targetNames).toEqual(['d']);
    expect(Array.from(ds.X.data)).toEqual([1, 3, 5, 7]);
    expect(Array.from(ds.Y.data)).toEqual([4, 8]);
    const two = prepareDataset(t, { targets: ['c', 'd'] });
    expect(two.Y.cols).toBe(2);
    expect(catchDatasetError(() => prepareDataset(t, { targets: ['zz'] }))).toMatchObject({ code: 'unknown-column' });
    expect(catchDatasetError(() => prepareDataset(t, { targets: [9] })).message).toContain('4 columns');
    expect(catchDatasetError(() => prepareDataset(t, { features: ['a'], targets: ['a'] }))).toMatchObject({
      code: 'bad-param',
    });
  });

  it('makes numeric labels classes when asked, sorted numerically', () => {
    const t = parseDelimited('x,y\n1,10\n2,2\n3,10\n4,2.5\n');
    const ds = prepareDataset(t, { task: 'classification' });
    expect(ds.meta.classNames).toEqual(['2', '2.5', '10']);
    expect(Array.from(ds.Y.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0]);
  });

  it("uses a fixed class list (the training set's) and rejects labels outside it", () => {
    const t = parseDelimited('x,y\n1,b\n2,b\n');
    const ds = prepareDataset(t, { classes: ['a', 'b', 'c'] });
    expect(Array.from(ds.Y.data)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(catchDatasetError(() => prepareDataset(t, { classes: ['a', 'c'] }))).toMatchObject({
      code: 'unknown-class',
      line: 2,
      column: 2,
    });
  });

  it('rejects a label column with one class', () => {
    const e = catchDatasetError(() => prepareDataset(parseDelimited('x,kind\n1,cat\n2,cat\n', { fileName: 'c.csv' })));
    expect(e).toMatchObject({ code: 'one-class', file: 'c.csv', field: '"kind"' });
    expect(e.message).toContain('only one class ("cat")');
  });

  it('says what to do with a text column used as a feature, and with missing values', () => {
    const text = catchDatasetError(() =>
      prepareDataset(parseDelimited('city,t,rain\nSeattle,12,1\nBoston,10,0\nSeattle,8,1\n', { fileName: 'w.csv' })),
    );
    expect(text.message).toBe(
      'w.csv, line 2, column 1 (field "city"): non-numeric cell "Seattle" in feature column "city": a text column is a feature only one-hot encoded (option oneHot, --one-hot COL); or leave it out of the features, or make it the target',
    );
    const empty = catchDatasetError(() => prepareDataset(parseDelimited('a,b\n1,2\n,3\n', { fileName: 'm.csv' })));
    expect(empty.message).toContain(
      ': say what to do with missing values (option missing, --missing COL=HOW: drop, mean, median or a number)',
    );
  });

  it('names the delimiter when a text file reads as one column', () => {
    const e = catchDatasetError(() =>
      prepareDataset(parseDelimited('1,2,0\n3,4,1\n', { fileName: 'c.csv', delimiter: ';' })),
    );
    expect(e.message).toBe(
      'c.csv: no feature columns: the file has only the target column (each line read as one field with the given delimiter ";": is it the file\'s?)',
    );
  });

  it('reports non-numeric, non-finite and empty feature cells at their line and column', () => {
    const nonNum = catchDatasetError(() => prepareDataset(parseDelimited('x,y\n1,2\nabc,3\n', { fileName: 'd.csv' })));
    expect(nonNum).toMatchObject({ code: 'non-numeric', file: 'd.csv', line: 3, column: 1, field: '"x"' });
    expect(nonNum.message).toBe('d.csv, line 3, column 1 (field "x"): non-numeric cell "abc" in feature column "x"');
    expect(catchDatasetError(() => prepareDataset(parseDelimited('1 2\n3 NaN\n4 5\n')))).toMatchObject({
      code: 'non-finite',
      line: 2,
      column: 2,
    });
    expect(catchDatasetError(() => prepareDataset(parseDelimited('1 inf 2\n3 4 5\n')))).toMatchObject({
      code: 'non-finite',
      line: 1,
      column: 2,
    });
    expect(catchDatasetError(() => prepareDataset(parseDelimited('a,b\n1,2\n,3\n')))).toMatchObject({
      code: 'missing-value',
      line: 3,
      column: 1,
    });
    expect(catchDatasetError(() => prepareDataset(parseDelimited('a,b\n1,1e999\n2,3\n')))).toMatchObject({
      code: 'non-finite',
      line: 2,
    });
  });

  it('keeps a numeric target with a stray word as regression and reports the word', () => {
    const e = catchDatasetError(() => prepareDataset(parseDelimited('x,y\n1,2\n3,oops\n')));
    expect(e).toMatchObject({ code: 'non-numeric', line: 3, column: 2 });
    expect(e.message).toContain('choose task "classification"');
  });

  it('reports errors in JSON at their key path and line', () => {
    const t = parseJsonTable('{"X": [[1, 2],\n [3, "x"]], "Y": [0, 1]}', { fileName: 'j.json' });
    expect(catchDatasetError(() => prepareDataset(t))).toMatchObject({
      code: 'non-numeric',
      field: 'X[1][1]',
      line: 2,
      column: 6,
    });
  });

  it('checks cross-entropy targets are probability rows', () => {
    const ok = parseDelimited('x,p,q\n1,0.25,0.75\n2,1,0\n');
    expect(prepareDataset(ok, { targets: ['p', 'q'], loss: 'cross-entropy' }).Y.cols).toBe(2);
    const neg = parseDelimited('x,p,q\n1,0.25,0.75\n2,-0.5,1.5\n');
    expect(catchDatasetError(() => prepareDataset(neg, { targets: ['p', 'q'], loss: 'cross-entropy' }))).toMatchObject({
      code: 'bad-targets',
      line: 3,
    });
    const sum = parseDelimited('x,p,q\n1,0.5,0.6\n');
    expect(
      catchDatasetError(() => prepareDataset(sum, { targets: ['p', 'q'], loss: 'cross-entropy' })).message,
    ).toContain('sums to 1.1');
    expect(
      catchDatasetError(() =>
        checkTargetsForLoss({ Y: { rows: 1, cols: 2, data: Float64Array.of(0.5, 0.4) } }, 'cross-entropy'),
      ),
    ).toMatchObject({ field: 'Y[0]' });
    expect(() =>
      checkProbabilityRows({ rows: 1, cols: 3, data: Float64Array.of(0.1, 0.2, 0.7) }, () => ({})),
    ).not.toThrow();
  });

  it('needs at least one feature column', () => {
    expect(catchDatasetError(() => prepareDataset(parseDelimited('1\n2\n')))).toMatchObject({ code: 'bad-param' });
  });
});
