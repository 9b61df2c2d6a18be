/**
 * Weights in every format Backprop Lens exchanges, chosen by file extension: `.json` (the
 * weights file of FORMATS.md), `.npz`, `.safetensors` (PyTorch nn.Sequential names) and `.onnx`.
 * PyTorch's `.pt`/`.pth` (pickle: code that runs when loaded) are refused with the two lines
 * that convert them. Pure TypeScript: bytes in, bytes out; every rejection is a FormatError.
 */
import { FormatError } from '../format-error.js';
import { decodeText } from '../json-text.js';
import { decodeWeights, encodeWeights, serializeWeights, type WeightsFile } from '../weights-file.js';
import {
  type WeightsHint,
  decodeWeightsNpz,
  decodeWeightsSafetensors,
  encodeWeightsNpz,
  encodeWeightsSafetensors,
} from './array-weights.js';
import { decodeOnnx } from './onnx-read.js';
import { encodeOnnx } from './onnx-write.js';
import { PICKLE_CONVERSION } from './pytorch-snippet.js';

export const WEIGHT_FORMATS = ['json', 'npz', 'safetensors', 'onnx'] as const;
export type WeightFormat = (typeof WEIGHT_FORMATS)[number];

const EXTENSIONS: Readonly<Record<string, WeightFormat>> = {
  '.json': 'json',
  '.npz': 'npz',
  '.safetensors': 'safetensors',
  '.onnx': 'onnx',
};
const PICKLE_EXTENSIONS = ['.pt', '.pth', '.ckpt', '.pkl', '.pickle', '.bin'];

export class PickleRefusedError extends FormatError {}

function pickleRefusal(): PickleRefusedError {
  return new PickleRefusedError(
    `PyTorch .pt/.pth files are pickles (they run code when loaded), so Backprop Lens does not open them. Convert the model's weights to safetensors in Python first:\n${PICKLE_CONVERSION}`,
  );
}

function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/** The format a file name asks for; throws FormatError for pickles and unknown extensions. */
export function weightFormatOf(fileName: string): WeightFormat {
  const ext = extensionOf(fileName);
  const format = EXTENSIONS[ext];
  if (format) return format;
  if (PICKLE_EXTENSIONS.includes(ext)) throw pickleRefusal();
  throw new FormatError(
    `cannot tell the weights format from the extension "${ext || '(none)'}": use .json, .npz, .safetensors or .onnx`,
  );
}

/** Pickle protocol 2+ starts with 0x80 n; torch.save writes a zip holding `…/data.pkl`. */
function looksLikePickle(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5) return true;
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
    return /data\.pkl/.test(head);
  }
  return false;
}

export interface WeightsImport {
  readonly weights: WeightsFile;
  /** What the reader assumed (missing model description, missing loss). */
  readonly notes: readonly string[];
}

/** Reads weights of any supported format; the model is checked against the parameters. */
export function decodeWeightsAs(bytes: Uint8Array, format: WeightFormat, hint: WeightsHint = {}): WeightsImport {
  if (looksLikePickle(bytes)) throw pickleRefusal();
  let result: WeightsImport;
  switch (format) {
    case 'json':
      return { weights: decodeText(new TextDecoder().decode(bytes), decodeWeights), notes: [] };
    case 'npz':
      result = decodeWeightsNpz(bytes, hint);
      break;
    case 'safetensors':
      result = decodeWeightsSafetensors(bytes, hint);
      break;
    case 'onnx':
      result = decodeOnnx(bytes);
      break;
  }
  // The model and the arrays must agree (shapes, finite values): the weights file's own checks.
  encodeWeights(result.weights);
  return result;
}

export interface EncodeOptions {
  /** Name of the written file (the PyTorch snippet loads it by name). */
  readonly fileName?: string;
  readonly producerVersion?: string;
}

export function encodeWeightsAs(w: WeightsFile, format: WeightFormat, options: EncodeOptions = {}): Uint8Array {
  encodeWeights(w); // shapes and finiteness, with key paths
  switch (format) {
    case 'json':
      return new TextEncoder().encode(serializeWeights(w));
    case 'npz':
      return encodeWeightsNpz(w);
    case 'safetensors':
      return encodeWeightsSafetensors(w, options.fileName?.split(/[\\/]/).pop() ?? 'weights.safetensors');
    case 'onnx':
      return encodeOnnx(w, options.producerVersion ?? '');
  }
}
