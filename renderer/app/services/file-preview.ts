/**
 * The page-side look at a picked file: refuses empty and binary files by name, unpacks gzip, and
 * previews the columns of delimited text and JSON records (with the loader choices the user made),
 * so every table format gets the column-role chooser. The engine parses the whole file on load.
 */
import { previewDelimited, type CsvPreview, type PreviewOptions } from './csv-preview.js';
import { binaryMessage, gunzipHead, PREVIEW_BYTES, previewJsonRecords, sniffFile } from './file-sniff.js';

export interface FilePreview {
  /** Null for formats without named columns (JSON {X, Y}, .npy, IDX) or a text we could not preview. */
  readonly preview: CsvPreview | null;
  /** Why the file cannot be loaded at all (empty, binary), in plain words; null when it can be tried. */
  readonly refusal: string | null;
}

const DELIMITED = /\.(csv|tsv|txt|data|dat|tab)$/i;
const JSON_NAME = /\.json$/i;

export function previewFile(name: string, bytes: Uint8Array, options: PreviewOptions = {}): FilePreview {
  const kind = sniffFile(name, bytes);
  if (kind === 'empty') return { preview: null, refusal: `${name}: the file is empty.` };
  if (kind === 'binary') return { preview: null, refusal: binaryMessage(name) };
  if (kind === 'npy' || kind === 'idx') return { preview: null, refusal: null };
  let inner = name;
  let head = bytes.subarray(0, PREVIEW_BYTES);
  if (kind === 'gzip') {
    const unpacked = gunzipHead(bytes);
    if (!unpacked) return { preview: null, refusal: null }; // the engine names the broken stream
    if (unpacked.length === 0) return { preview: null, refusal: `${name}: the file is empty (an empty gzip stream).` };
    inner = name.replace(/\.gz$/i, '');
    const innerKind = sniffFile(inner, unpacked);
    if (innerKind === 'binary') return { preview: null, refusal: binaryMessage(name) };
    if (innerKind !== 'text') return { preview: null, refusal: null };
    head = unpacked;
  }
  const text = new TextDecoder().decode(head);
  if (JSON_NAME.test(inner) || /^\s*[[{]/.test(text)) return { preview: previewJsonRecords(text), refusal: null };
  if (DELIMITED.test(inner) || !/\.[a-z0-9]+$/i.test(inner)) {
    const p = previewDelimited(text, options);
    return { preview: p.columns.length > 0 ? p : null, refusal: null };
  }
  return { preview: null, refusal: null };
}
