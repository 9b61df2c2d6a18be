/**
 * The loader options a user chooses (task, delimiter, header, skipLines, encoding) and what the
 * loader infers when they are 'auto', returned in meta.inferred.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from './load.js';
import { loadDatasetStream } from './stream.js';
import { catchDatasetError } from './test-helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Latin-1 bytes of a string whose characters are all below U+0100. */
const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

function irisLike(): string {
  const rows = ['150,4,setosa,versicolor,virginica'];
  for (let i = 0; i < 30; i++) rows.push(`${5 + (i % 7) / 10},${3 + (i % 5) / 10},${1 + (i % 3)},0.${i % 9},${i % 3}`);
  return `${rows.join('\n')}\n`;
}

describe('scikit-learn counts header', () => {
  it('reads `150,4,setosa,versicolor,virginica` as counts + class names: classification, names kept', () => {
    const ds = loadDataset(irisLike(), { fileName: 'iris.csv' });
    expect(ds.meta.task).toBe('classification');
    expect(ds.meta.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.X.cols).toBe(4);
    expect(ds.meta.featureNames).toEqual(['column 1', 'column 2', 'column 3', 'column 4']);
    expect(ds.meta.inferred?.countsHeader).toEqual({
      rows: 150,
      features: 4,
      classes: ['setosa', 'versicolor', 'virginica'],
    });
    expect(ds.meta.inferred?.taskReason).toMatch(/scikit-learn counts header naming 3 classes/);
    // Row 0's label is 0 → setosa → one-hot column 0.
    expect(Array.from(ds.Y.data.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(ds.Y.data.subarray(3, 6))).toEqual([0, 1, 0]);
  });

  it('takes a line of names after a counts line without classes (boston style) as the header, regression', () => {
    const text = '3,2\na,b,price\n1,2,10.5\n3,4,20.25\n5,6,30.125\n';
    const ds = loadDataset(text, { fileName: 'boston.csv' });
    expect(ds.meta.task).toBe('regression');
    expect(ds.meta.featureNames).toEqual(['a', 'b']);
    expect(ds.meta.targetNames).toEqual(['price']);
    expect(ds.X.rows).toBe(3);
  });

  it('takes a counts line padded with empty cells (scikit-learn boston_house_prices.csv) as the counts line', () => {
    const text = '3,2,,\n"a","b","price"\n1,2,10.5\n3,4,20.25\n5,6,30.125\n';
    const ds = loadDataset(text, { fileName: 'boston_house_prices.csv' });
    expect(ds.meta.task).toBe('regression');
    expect(ds.meta.featureNames).toEqual(['a', 'b']);
    expect(ds.meta.targetNames).toEqual(['price']);
    expect(ds.X.rows).toBe(3);
  });

  it('header "no" keeps the counts line as data', () => {
    const ds = loadDataset('2,1\n1,2\n3,4\n', { header: 'no', task: 'regression' });
    expect(ds.X.rows).toBe(3);
  });
});

describe('task', () => {
  const ints = (k: number, n: number): string =>
    `x,y\n${Array.from({ length: n }, (_, i) => `${i / n},${i % k}`).join('\n')}\n`;

  it('auto: few distinct integer labels are classes, with the reason', () => {
    const ds = loadDataset(ints(3, 30));
    expect(ds.meta.task).toBe('classification');
    expect(ds.meta.classNames).toEqual(['0', '1', '2']);
    expect(ds.meta.inferred?.taskReason).toMatch(/"y" holds 3 distinct integers in 30 rows/);
  });

  it('auto: a few rows of integers, or many distinct ones, stay regression', () => {
    expect(loadDataset('x,y\n1,3\n2,6\n').meta.task).toBe('regression');
    expect(loadDataset(ints(25, 200)).meta.task).toBe('regression');
    expect(loadDataset('x,y\n1,0.5\n2,1.5\n').meta.inferred?.taskReason).toBe('the target column "y" holds numbers');
  });

  it('a chosen task wins and says so', () => {
    const ds = loadDataset(ints(3, 30), { task: 'regression' });
    expect(ds.meta.task).toBe('regression');
    expect(ds.meta.inferred?.taskReason).toBe('task "regression" was chosen');
  });

  it('text labels are classes', () => {
    const ds = loadDataset('x,y\n1,cat\n2,dog\n');
    expect(ds.meta.inferred?.taskReason).toBe('the label column "y" holds text labels');
  });
});

describe('identifier-like and too many labels', () => {
  const ids = (n: number): string => `x,id\n${Array.from({ length: n }, (_, i) => `${i},user${i}`).join('\n')}\n`;

  it('refuses a label column with about one distinct value per row, suggesting what to do', () => {
    const e = catchDatasetError(() => loadDataset(ids(200), { fileName: 'users.csv' }));
    expect(e.code).toBe('identifier-labels');
    expect(e.message).toMatch(/users\.csv.*"id" has 200 distinct values in 200 rows: it looks like an identifier/);
  });

  it('counts distinct labels only up to maxClasses, then refuses before one-hot encoding', () => {
    const e = catchDatasetError(() => loadDataset(ids(5000), { task: 'classification', limits: { maxClasses: 100 } }));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/more than 100 distinct values \(the maxClasses limit, --max-classes\)/);
  });

  it('a chosen classification task accepts many classes under the limit', () => {
    expect(loadDataset(ids(200), { task: 'classification' }).Y.cols).toBe(200);
  });
});

describe('delimiter, header and skipped lines', () => {
  it('sniffs a space-separated .csv and says so', () => {
    const ds = loadDataset('1.0 2.0 3.0\n4.0 5.0 6.0\n', { fileName: 'savetxt.csv' });
    expect(ds.X.cols).toBe(2);
    expect(ds.meta.inferred?.delimiter).toBe('whitespace');
  });

  it('a chosen delimiter is used as given', () => {
    const ds = loadDataset('a;b\n1;2\n3;4\n', { delimiter: ';' });
    expect(ds.meta.inferred).toMatchObject({ delimiter: ';', header: 'yes' });
  });

  it('header yes / no override the guess', () => {
    expect(loadDataset('1,2\n3,4\n5,6\n', { header: 'yes' }).meta.featureNames).toEqual(['1']);
    expect(loadDataset('a,b\n3,4\n', { header: 'auto' }).X.rows).toBe(1);
    expect(loadDataset('1,2\n3,4\n5,6\n', { header: 'no', task: 'regression' }).X.rows).toBe(3);
  });

  it('skips lines at the top and keeps line numbers right in errors', () => {
    const text = 'My export\nGenerated 2024\nx,y\n1,2\n3,oops\n';
    const ds = () => loadDataset(text, { skipLines: 2, task: 'regression' });
    const e = catchDatasetError(ds);
    expect(e.message).toMatch(/line 5/);
    expect(loadDataset('title\nx,y\n1,2\n3,4\n', { skipLines: 1 }).meta.inferred?.skippedLines).toBe(1);
  });
});

describe('encodings', () => {
  const text = 'x,label\n1,café\n2,cafè\n3,café\n4,cafè\n';

  it('auto: Latin-1 bytes are decoded as Windows-1252 with a notice, keeping café and cafè apart', () => {
    const ds = loadDataset(latin1(text), { fileName: 'cafes.csv' });
    expect(ds.meta.classNames).toEqual(['cafè', 'café'].sort());
    expect(ds.meta.inferred?.encoding).toBe('windows-1252');
    expect(ds.meta.inferred?.notices.join()).toMatch(/not valid UTF-8 \(first at byte 13\): read as Windows-1252/);
  });

  it('auto: UTF-8 stays UTF-8 without notices', () => {
    const ds = loadDataset(enc(text));
    expect(ds.meta.classNames).toHaveLength(2);
    expect(ds.meta.inferred).toMatchObject({ encoding: 'utf-8', notices: [] });
  });

  it('utf-8 chosen: invalid bytes are refused with their offset', () => {
    const e = catchDatasetError(() => loadDataset(latin1(text), { encoding: 'utf-8', fileName: 'cafes.csv' }));
    expect(e.code).toBe('bad-encoding');
    expect(e.offset).toBe(13);
    expect(e.message).toMatch(/cafes\.csv.*invalid UTF-8 at byte 13/);
  });

  it('auto: valid UTF-8 then a Latin-1 byte is a mixed file, refused (never merged)', () => {
    const mixed = new Uint8Array([...enc('x,label\n1,café\n'), ...latin1('2,cafè\n')]);
    const e = catchDatasetError(() => loadDataset(mixed));
    expect(e.message).toMatch(/mixes encodings/);
  });

  it('latin1 / windows-1252 chosen decode every byte', () => {
    expect(loadDataset(latin1(text), { encoding: 'latin1' }).meta.classNames).toHaveLength(2);
    expect(
      loadDataset(new Uint8Array([...enc('x,l\n1,'), 0x80, ...enc('\n2,b\n')]), { encoding: 'windows-1252' }).meta
        .classNames,
    ).toEqual(['b', '€']);
  });

  it('streams: the switch works when the bad byte starts a chunk after a held-back lead byte', async () => {
    const bytes = latin1('x,label\n1,caf\xe9\n2,caf\xe8\n');
    const cut = bytes.indexOf(0xe9) + 1; // 0xE9 looks like the lead of a 3-byte sequence
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, cut);
      yield bytes.subarray(cut);
    }
    const ds = await loadDatasetStream(chunks(), bytes.length, { fileName: 'x.csv' });
    expect(ds.meta.classNames).toEqual(['cafè', 'café'].sort());
  });
});
