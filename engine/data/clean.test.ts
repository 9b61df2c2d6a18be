import { describe, expect, it } from 'vitest';
import { loadDataset } from './load.js';
import { isDatasetError } from './errors.js';

const enc = (s: string) => new TextEncoder().encode(s);
// The shape of vega-datasets' cars.json: text names, missing numbers (null), a text category.
const cars = JSON.stringify([
  { Name: 'chevrolet chevelle', Miles_per_Gallon: 18, Horsepower: 130, Origin: 'USA', Year: '1970-01-01' },
  { Name: 'citroen ds-21', Miles_per_Gallon: null, Horsepower: 115, Origin: 'Europe', Year: '1970-01-01' },
  { Name: 'toyota corona', Miles_per_Gallon: 24, Horsepower: null, Origin: 'Japan', Year: '1970-01-01' },
  { Name: 'ford pinto', Miles_per_Gallon: 25, Horsepower: 95, Origin: 'USA', Year: '1971-01-01' },
  { Name: 'datsun 510', Miles_per_Gallon: 27, Horsepower: 88, Origin: 'Japan', Year: '1971-01-01' },
]);

describe('missing values and one-hot text features', () => {
  it('without a choice, a missing cell in a used column is an error that names it', () => {
    const e = (() => {
      try {
        loadDataset(enc(cars), { fileName: 'cars.json', features: ['Horsepower'], targets: ['Miles_per_Gallon'] });
      } catch (err) {
        return err;
      }
    })();
    expect(isDatasetError(e) && e.message).toMatch(/empty cell in .* column "(Horsepower|Miles_per_Gallon)"/);
  });

  it('drops rows, fills with the mean / median / a constant, and counts both in the summary', () => {
    const ds = loadDataset(enc(cars), {
      fileName: 'cars.json',
      features: ['Horsepower'],
      targets: ['Miles_per_Gallon'],
      task: 'regression',
      missing: { Miles_per_Gallon: 'drop', Horsepower: 'mean' },
    });
    expect(ds.X.rows).toBe(4); // the citroen (no mpg) is dropped
    const mean = (130 + 95 + 88) / 3; // over the rows kept
    expect(Array.from(ds.X.data)).toEqual([130, mean, 95, 88]);
    expect(ds.meta.inferred?.cleaning).toEqual({ droppedRows: 1, filled: [{ column: 'Horsepower', count: 1, value: mean, how: 'mean' }], encoded: [] });
    const med = loadDataset(enc(cars), { fileName: 'cars.json', features: ['Horsepower'], targets: ['Miles_per_Gallon'], task: 'regression', missing: { Miles_per_Gallon: { constant: 0 }, Horsepower: 'median' } });
    expect(Array.from(med.X.data)).toEqual([130, 115, 105, 95, 88]);
    expect(Array.from(med.Y.data)).toEqual([18, 0, 24, 25, 27]);
  });

  it('one-hot encodes a text feature into name=value columns; a column over the cap is refused with a clear message', () => {
    const ds = loadDataset(enc(cars), {
      fileName: 'cars.json',
      features: ['Origin', 'Horsepower'],
      targets: ['Miles_per_Gallon'],
      task: 'regression',
      missing: { Miles_per_Gallon: 'drop', Horsepower: 'median' },
      oneHot: ['Origin'],
    });
    // the only European car had no mpg and was dropped: its category goes with it
    expect(ds.meta.featureNames).toEqual(['Origin=Japan', 'Origin=USA', 'Horsepower']);
    expect(Array.from(ds.X.data.subarray(0, 6))).toEqual([0, 1, 130, 1, 0, 95]); // toyota's horsepower: the median of 130, 95, 88
    expect(ds.meta.inferred?.cleaning?.encoded).toEqual([{ column: 'Origin', categories: ['Japan', 'USA'] }]);
    expect(() =>
      loadDataset(enc(cars), { fileName: 'cars.json', features: ['Name'], targets: ['Origin'], oneHot: ['Name'], oneHotCap: 3 }),
    ).toThrow('cars.json (field "Name"): column "Name" has 5 distinct values, more than the one-hot cap of 3');
  });

  it('errors after dropping rows still name the line of the file', () => {
    const csv = 'x,y\n1,2\n,3\n4,oops\n';
    expect(() => loadDataset(enc(csv), { fileName: 'd.csv', task: 'regression', missing: { x: 'drop' } })).toThrow(/d\.csv, line 4/);
  });

  it('one-hot with given categories (a test set): the training set\'s columns, an unknown value named with its line', () => {
    const csv = 'x,color,y\n1,red,2\n2,red,3\n3,blue,4\n';
    const ds = loadDataset(enc(csv), {
      fileName: 'te.csv',
      task: 'regression',
      targets: ['y'],
      oneHot: ['color'],
      oneHotCategories: { color: ['blue', 'green', 'red'] },
    });
    expect(ds.meta.featureNames).toEqual(['x', 'color=blue', 'color=green', 'color=red']);
    expect(Array.from(ds.X.data)).toEqual([1, 0, 0, 1, 2, 0, 0, 1, 3, 1, 0, 0]);
    expect(() =>
      loadDataset(enc(csv), {
        fileName: 'te.csv',
        task: 'regression',
        targets: ['y'],
        oneHot: ['color'],
        oneHotCategories: { color: ['green', 'red'] },
      }),
    ).toThrow(/te\.csv, line 4.*"blue" is not one of the categories of "color" in the training data \(green, red\)/);
  });
});
