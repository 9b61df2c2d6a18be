import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { gunzipHead, previewJsonRecords, sniffFile } from './file-sniff.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('sniffFile', () => {
  it('names empty, binary, gzip, npy and text files', () => {
    expect(sniffFile('a.csv', new Uint8Array(0))).toBe('empty');
    expect(sniffFile('a.csv', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2]))).toBe('binary'); // a zip (xlsx)
    expect(sniffFile('photo.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe('binary');
    expect(sniffFile('t.csv.gz', gzipSync(bytes('a,b\n1,2\n')))).toBe('gzip');
    expect(sniffFile('x.npy', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]))).toBe('npy');
    expect(sniffFile('train-images-idx3-ubyte', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]))).toBe('idx');
    expect(sniffFile('iris.csv', bytes('150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n'))).toBe('text');
  });

  it('unpacks the head of a gzip stream for the preview', () => {
    expect(new TextDecoder().decode(gunzipHead(gzipSync(bytes('x,y\n1,2\n')))!)).toBe('x,y\n1,2\n');
    expect(gunzipHead(Uint8Array.from([0x1f, 0x8b, 1, 2]))).toBeNull();
  });
});

describe('previewJsonRecords', () => {
  it('lists the keys of JSON records as columns, missing values as blanks', () => {
    const p = previewJsonRecords('[{"Name":"a","Miles_per_Gallon":18,"Origin":"USA"},{"Name":"b","Miles_per_Gallon":null,"Origin":"Japan","Year":"1970-01-01"}]')!;
    expect(p.kind).toBe('json');
    expect(p.columns).toEqual(['Name', 'Miles_per_Gallon', 'Origin', 'Year']);
    expect(p.rows[1]).toEqual(['b', '', 'Japan', '1970-01-01']);
    expect(p.numeric).toEqual([false, false, false, false]);
    expect(previewJsonRecords('{"X": [[1]], "Y": [[2]]}')).toBeNull();
    expect(previewJsonRecords('[{"a": 1}')).toBeNull();
  });
});

describe('previewFile', async () => {
  const { previewFile } = await import('./file-preview.js');
  it('previews gzipped tables and JSON records; refuses empty and binary files by name', () => {
    const gz = previewFile('wine.csv.gz', gzipSync(bytes('alcohol,ash,class\n14.2,2.4,1\n13.2,2.1,2\n')));
    expect(gz.preview?.columns).toEqual(['alcohol', 'ash', 'class']);
    const rec = previewFile('cars.json', bytes('[{"hp": 130, "origin": "USA"}]'));
    expect(rec.preview?.kind).toBe('json');
    expect(previewFile('empty.csv', new Uint8Array(0)).refusal).toBe('empty.csv: the file is empty.');
    expect(previewFile('book.xlsx', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0])).refusal).toContain('this looks like a binary file');
    expect(previewFile('x.json', bytes('{"X": [[1]], "Y": [[1]]}'))).toEqual({ preview: null, refusal: null });
  });
});
