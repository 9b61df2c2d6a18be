import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { catchDatasetError } from '../test-helpers.js';
import type { Table } from '../table.js';
import { isNumericCell } from './number.js';
import { DelimitedTextParser, parseDelimited, parseDelimitedStream, sniffDelimiter } from './delimited.js';

function cells(t: Table): string[][] {
  return Array.from({ length: t.rows }, (_, i) => t.columns.map((c) => (c.text ? c.text[i]! : String(c.values[i]))));
}

describe('delimited text', () => {
  it("reads the tutorial's whitespace-separated `x y` files without a header", () => {
    const t = parseDelimited('0.1 0.5\n  0.2\t-0.25  \n0.3 1e-3\n', { fileName: 'train.txt' });
    expect(t.hasHeader).toBe(false);
    expect(t.columns.map((c) => c.name)).toEqual(['column 1', 'column 2']);
    expect(Array.from(t.columns[0]!.values)).toEqual([0.1, 0.2, 0.3]);
    expect(Array.from(t.columns[1]!.values)).toEqual([0.5, -0.25, 0.001]);
  });

  it('detects a header when a text cell sits above a number, and can be overridden', () => {
    expect(parseDelimited('x,y\n1,2\n').hasHeader).toBe(true);
    expect(parseDelimited('1,2\n3,4\n').hasHeader).toBe(false);
    const forced = parseDelimited('1,2\n3,4\n', { header: true });
    expect(forced.columns.map((c) => c.name)).toEqual(['1', '2']);
    expect(forced.rows).toBe(1);
    // A label column without a header is not mistaken for one.
    expect(parseDelimited('1.5,cat\n2.5,dog\n').hasHeader).toBe(false);
  });

  it('sniffs comma, tab, semicolon, pipe and whitespace', () => {
    expect(sniffDelimiter('a,b\n1,2\n', undefined, '#')).toBe(',');
    expect(sniffDelimiter('a\tb\n1\t2\n', undefined, '#')).toBe('\t');
    expect(sniffDelimiter('a;b\n1,5;2,5\n', undefined, '#')).toBe(';');
    expect(sniffDelimiter('a|b\n1|2\n', undefined, '#')).toBe('|');
    expect(sniffDelimiter('1 2\n3 4\n', undefined, '#')).toBe('whitespace');
    expect(sniffDelimiter('1\n2\n', 'one.tsv', '#')).toBe('\t');
    expect(parseDelimited('x;y\n1.5;2\n').columns[0]!.values[0]).toBe(1.5);
  });

  it('handles quotes (delimiters, doubled quotes and line breaks inside), CRLF, BOM, comments and blank lines', () => {
    const text = '\uFEFF# a comment\r\nname,x\r\n"a, b",1\r\n\r\n"say ""hi""",2\r\n"two\r\nlines",3\r\n';
    const t = parseDelimited(text);
    expect(t.columns[0]!.name).toBe('name');
    expect(t.columns[0]!.text).toEqual(['a, b', 'say "hi"', 'two\r\nlines']);
    expect(Array.from(t.columns[1]!.values)).toEqual([1, 2, 3]);
    // Line numbers stay exact after a quoted line break.
    expect(t.rowLocation(2).line).toBe(6);
    expect(t.cellLocation(1, 1)).toMatchObject({ line: 5, column: 2, field: '"x"' });
  });

  it('gives the same table whatever the chunk boundaries', () => {
    const text = 'a,b,c\r\n1,"x\r\ny",3\r\n4,"q""",6\r\n# c\r\n7 , 8,9';
    const whole = parseDelimited(text);
    for (let cut = 0; cut <= text.length; cut++) {
      for (const delimiter of [',', 'auto'] as const) {
        // With a given delimiter the text is scanned as it arrives (no sniffing buffer).
        const p = new DelimitedTextParser({ delimiter });
        p.push(text.slice(0, cut));
        p.push(text.slice(cut));
        const t = p.finish();
        expect(cells(t)).toEqual(cells(whole));
        expect(t.rowLocation(2).line).toBe(whole.rowLocation(2).line);
      }
    }
    // Empty chunks between a \r and its \n change nothing.
    const q = new DelimitedTextParser({ delimiter: ',' });
    for (const piece of ['a,b\r', '', '\n1,2\r', '', '', '\n3,4']) q.push(piece);
    const t = q.finish();
    expect(t.rows).toBe(2);
    expect(t.rowLocation(1).line).toBe(3);
    // And one character at a time (sniffing waits for enough text).
    const p = new DelimitedTextParser();
    for (const ch of text) p.push(ch);
    expect(cells(p.finish())).toEqual(cells(whole));
  });

  it('agrees with Papa Parse on random well-formed CSV', () => {
    const rng = createRng(7);
    const pieces = ['1', '-2.5', 'abc', 'x y', 'a,b', 'he said "no"', 'two\nlines', '3e4', ''];
    for (let trial = 0; trial < 200; trial++) {
      const cols = 1 + rng.int(4);
      const rows = 2 + rng.int(5);
      const lines: string[] = [];
      const want: string[][] = [];
      for (let i = 0; i < rows; i++) {
        const row: string[] = Array.from({ length: cols }, () => pieces[rng.int(pieces.length)]!);
        if (!row.some((c) => c.length > 0)) row[0] = '0';
        want.push(row);
        lines.push(
          row.map((c) => (/[",\n ]/.test(c) || rng.next() < 0.2 ? `"${c.replace(/"/g, '""')}"` : c)).join(','),
        );
      }
      const text = lines.join(rng.next() < 0.5 ? '\n' : '\r\n');
      const papa = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
      const ours = parseDelimited(text, { delimiter: ',', header: false, comment: null });
      const norm = (c: string): string =>
        c.trim() === '' || c === 'NaN' ? '' : isNumericCell(c) ? String(Number(c)) : c.trim();
      expect(cells(ours).map((r) => r.map(norm))).toEqual(papa.map((r) => r.map(norm)));
      expect(ours.rows).toBe(want.length);
    }
  });

  it('reports ragged rows with line and column', () => {
    const e = catchDatasetError(() => parseDelimited('x,y\n1,2\n3\n', { fileName: 'a.csv' }));
    expect(e).toMatchObject({ code: 'ragged-row', file: 'a.csv', line: 3, column: 2 });
    expect(e.message).toBe('a.csv, line 3, column 2: row has 1 field, expected 2 as in the header (line 1)');
    const extra = catchDatasetError(() => parseDelimited('1 2\n3 4\n5 6 7\n'));
    expect(extra).toMatchObject({ code: 'ragged-row', line: 3, column: 3 });
    expect(extra.message).toContain('as in the first row (line 1)');
  });

  it('reports an unterminated quote where it opened, and junk after a closing quote', () => {
    expect(catchDatasetError(() => parseDelimited('x,y\n1,"2\n3,4\n'))).toMatchObject({
      code: 'unterminated-quote',
      line: 2,
      column: 2,
    });
    expect(catchDatasetError(() => parseDelimited('x,y\n1,"2"z\n'))).toMatchObject({
      code: 'bad-structure',
      line: 2,
      column: 2,
    });
  });

  it('rejects empty files and header-only files', () => {
    expect(catchDatasetError(() => parseDelimited('', { fileName: 'e.csv' }))).toMatchObject({
      code: 'empty',
      file: 'e.csv',
    });
    expect(catchDatasetError(() => parseDelimited('\n  \n# only comments\n'))).toMatchObject({ code: 'empty' });
    expect(catchDatasetError(() => parseDelimited('x,y\n'))).toMatchObject({ code: 'empty', line: 1 });
  });

  it('enforces the byte and cell limits with a message', () => {
    const text = '1,2\n'.repeat(100);
    const cellsErr = catchDatasetError(() => parseDelimited(text, { limits: { maxCells: 50 } }));
    expect(cellsErr).toMatchObject({ code: 'too-large', line: 26 });
    expect(cellsErr.message).toContain('50 cells');
    expect(
      catchDatasetError(() => parseDelimited(new TextEncoder().encode(text), { limits: { maxBytes: 100 } })),
    ).toMatchObject({ code: 'too-large' });
  });

  it('streams async chunks with progress and can be cancelled', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${i} ${i * 2}`).join('\n');
    const bytes = new TextEncoder().encode(text);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += 777) yield bytes.subarray(at, at + 777);
    }
    const progress: number[] = [];
    const t = await parseDelimitedStream(chunks(), bytes.length, { onProgress: (p) => progress.push(p.bytesDone) });
    expect(t.rows).toBe(5000);
    expect(t.columns[1]!.values[4999]).toBe(9998);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(progress.every((v, i) => i === 0 || v > progress[i - 1]!)).toBe(true);

    const controller = new AbortController();
    controller.abort();
    await expect(parseDelimitedStream(chunks(), bytes.length, { signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    await expect(parseDelimitedStream(chunks(), null, { limits: { maxBytes: 1000 } })).rejects.toMatchObject({
      code: 'too-large',
    });
  });

  it('records the first bad cell of each column without failing (the use decides)', () => {
    const t = parseDelimited('a,b,c\n1,x,\n2,NaN,3\n');
    expect(t.columns[0]!.firstIssue).toBeNull();
    expect(t.columns[1]!.firstIssue).toMatchObject({ kind: 'text', raw: 'x', row: 0 });
    expect(t.columns[2]!.firstIssue).toMatchObject({ kind: 'empty', row: 0 });
    expect(t.columns[1]!.text).toEqual(['x', 'NaN']);
  });
});
