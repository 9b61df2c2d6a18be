import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from './parsers/npy.js';
import { loadDatasetStream, loadTableStream } from './stream.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A web ReadableStream handing out the bytes in small pieces, like a browser File.stream(). */
function webStream(bytes: Uint8Array, piece = 7): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + piece));
        at += piece;
      }
    },
  });
}

describe('loading from streams', () => {
  it('parses text while it streams, from a web ReadableStream in tiny pieces', async () => {
    const text = 'x,label\n' + Array.from({ length: 300 }, (_, i) => `${i},${i % 2 ? 'odd' : 'even'}`).join('\n');
    const bytes = enc(text);
    const progress: number[] = [];
    const ds = await loadDatasetStream(webStream(bytes), bytes.length, {
      fileName: 'p.csv',
      onProgress: (p) => progress.push(p.bytesDone),
    });
    expect(ds.X.rows).toBe(300);
    expect(ds.meta.classNames).toEqual(['even', 'odd']);
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('gathers JSON, .npy and gzipped files, detecting the format after the first bytes', async () => {
    const json = enc('{"X": [[1], [2]], "Y": [[0.5], [0.25]]}');
    expect(Array.from((await loadDatasetStream(webStream(json, 3), null)).Y.data)).toEqual([0.5, 0.25]);
    const gzJson = gzipSync(json);
    expect((await loadTableStream(webStream(gzJson), gzJson.length, { fileName: 'd.json.gz' })).rows).toBe(2);
    const gzCsv = gzipSync(enc('a b\n1 2\n3 4\n'));
    expect((await loadTableStream(webStream(gzCsv), null)).columns.length).toBe(2);
    const npy = encodeNpy([2, 2], [1, 2, 3, 4]);
    expect(Array.from((await loadDatasetStream(webStream(npy, 5), npy.length)).Y.data)).toEqual([2, 4]);
  });

  it('fails cleanly on empty streams and over-limit streams', async () => {
    await expect(loadTableStream(webStream(new Uint8Array()), 0, { fileName: 'e.csv' })).rejects.toMatchObject({
      code: 'empty',
    });
    await expect(
      loadTableStream(webStream(gzipSync(new Uint8Array(10_000))), null, { limits: { maxBytes: 1000 } }),
    ).rejects.toMatchObject({ code: 'too-large' });
    await expect(
      loadTableStream(webStream(enc('1 2\n'.repeat(1000))), null, { limits: { maxBytes: 1000 } }),
    ).rejects.toMatchObject({ code: 'too-large' });
  });
});
