/** Reading a file whose kind is not known in advance (`backprop-lens info`, drag and drop). */
import { FormatError, describeValue } from './format-error.js';
import { FORMAT_IDS, claimedKind } from './envelope.js';
import { type WeightsFile, decodeWeights } from './weights-file.js';
import { type BatchFile, decodeBatch } from './batch-file.js';
import { type GradientsFile, decodeGradients } from './gradients-file.js';
import { decodeText } from './json-text.js';

export type AnyFile =
  | { readonly kind: 'weights'; readonly version: number; readonly file: WeightsFile }
  | { readonly kind: 'batch'; readonly version: number; readonly file: BatchFile }
  | { readonly kind: 'gradients'; readonly version: number; readonly file: GradientsFile };

/** True when parsed JSON claims to be one of our files (by its `format` key). */
export function isBackpropLensDocument(doc: unknown): boolean {
  return claimedKind(doc) !== null;
}

export function decodeAnyFile(doc: unknown): AnyFile {
  const kind = claimedKind(doc);
  const version = (doc as { version?: unknown } | null)?.version as number;
  switch (kind) {
    case 'weights':
      return { kind, version, file: decodeWeights(doc) };
    case 'batch':
      return { kind, version, file: decodeBatch(doc) };
    case 'gradients':
      return { kind, version, file: decodeGradients(doc) };
    case null: {
      const format =
        typeof doc === 'object' && doc !== null && !Array.isArray(doc)
          ? (doc as Record<string, unknown>)['format']
          : undefined;
      const known = Object.values(FORMAT_IDS)
        .map((id) => `"${id}"`)
        .join(', ');
      throw new FormatError(`not a Backprop Lens file: expected one of ${known}, got ${describeValue(format)}`, [
        'format',
      ]);
    }
  }
}

export function parseAnyFile(text: string): AnyFile {
  return decodeText(text, decodeAnyFile);
}
