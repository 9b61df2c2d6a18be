/**
 * The gradients file (`backprop-lens/gradients`, FORMATS.md): what one forward and backward
 * pass produced. It carries no model, so shapes are checked against each other: n from
 * layers[0].A, p_0 from its columns, p_{i+1} from layers[i].H.
 */
import { BACKEND_NAMES, type BackendName } from '../backends/backend.js';
import { type Matrix, toRows } from '../core/matrix.js';
import { FormatError } from './format-error.js';
import {
  type Expected,
  type JsonObject,
  expectArray,
  expectFinite,
  expectMatrix,
  expectObject,
  expectOneOf,
  expectVector,
  requireKey,
  unknownKeys,
} from './decode.js';
import { FORMAT_IDS, LATEST_VERSION, checkEnvelope } from './envelope.js';
import { assertWritable, jsonChunks } from './json-writer.js';
import { decodeText } from './json-text.js';
import { expectFiniteJson } from './metadata.js';

export interface GradientLayer {
  /** A_i, n × p_i (A_0 = X). */
  readonly A: Matrix;
  /** H_i = A_i W_i + 1 b_i, n × p_{i+1}. */
  readonly H: Matrix;
  /** G_i = ∂L/∂H_i, n × p_{i+1}. */
  readonly G: Matrix;
  /** ∂L/∂W_i = A_iᵀ G_i, p_i × p_{i+1}. */
  readonly dW: Matrix;
  /** ∂L/∂b_i = 1ᵀ G_i, 1 × p_{i+1}. */
  readonly db: Matrix;
}

/** Structurally the same as engine/train's ForwardBackwardResult, so a pass can be written directly. */
export interface GradientsFile {
  readonly backend: BackendName;
  readonly loss: number;
  /** F = A_L, n × p_L. */
  readonly output: Matrix;
  readonly layers: readonly GradientLayer[];
  /** ∂L/∂X = G_0 W_0ᵀ, n × p_0. */
  readonly dX: Matrix;
  readonly extra?: JsonObject;
}

const KNOWN_KEYS = ['format', 'version', 'backend', 'loss', 'output', 'layers', 'dX'] as const;

function decodeV1(obj: Record<string, unknown>): GradientsFile {
  const backend = expectOneOf(requireKey(obj, 'backend', []), BACKEND_NAMES, ['backend']);
  const loss = expectFinite(requireKey(obj, 'loss', []), ['loss']);
  const list = expectArray(requireKey(obj, 'layers', []), ['layers']);
  if (list.length === 0) throw new FormatError('expected at least one layer, got an empty array', ['layers']);
  const layers: GradientLayer[] = [];
  let n: Expected | undefined;
  let pIn: Expected | undefined;
  list.forEach((raw, i) => {
    const at = ['layers', i];
    const layer = expectObject(raw, at);
    const A = expectMatrix(requireKey(layer, 'A', at), [...at, 'A'], { rows: n, cols: pIn, minRows: 1 });
    n ??= { n: A.rows, why: 'the batch size, from layers[0].A' };
    pIn ??= { n: A.cols, why: 'the input width, from layers[0].A' };
    const H = expectMatrix(requireKey(layer, 'H', at), [...at, 'H'], { rows: n });
    const pOut = { n: H.cols, why: `the width of layers[${i}].H` };
    const G = expectMatrix(requireKey(layer, 'G', at), [...at, 'G'], { rows: n, cols: pOut });
    const dW = expectMatrix(requireKey(layer, 'dW', at), [...at, 'dW'], {
      rows: { n: pIn.n, why: `the width of layers[${i}].A` },
      cols: pOut,
    });
    const db = expectVector(requireKey(layer, 'db', at), [...at, 'db'], pOut);
    layers.push({ A, H, G, dW, db });
    pIn = { n: H.cols, why: `the width of layers[${i}].H` };
  });
  const output = expectMatrix(requireKey(obj, 'output', []), ['output'], { rows: n, cols: pIn });
  const dX = expectMatrix(requireKey(obj, 'dX', []), ['dX'], {
    rows: n,
    cols: { n: layers[0]!.A.cols, why: 'the width of layers[0].A' },
  });
  const extra = unknownKeys(obj, KNOWN_KEYS);
  if (extra) for (const [k, v] of Object.entries(extra)) expectFiniteJson(v, [k]);
  return { backend, loss, output, layers, dX, ...(extra ? { extra } : {}) };
}

const READERS: Record<number, (obj: Record<string, unknown>) => GradientsFile> = { 1: decodeV1 };

export function decodeGradients(doc: unknown): GradientsFile {
  const { obj, version } = checkEnvelope(doc, 'gradients', Object.keys(READERS).map(Number));
  return READERS[version]!(obj);
}

export function parseGradients(text: string): GradientsFile {
  return decodeText(text, decodeGradients);
}

export function encodeGradients(g: GradientsFile): JsonObject {
  const extra = Object.fromEntries(
    Object.entries(g.extra ?? {}).filter(([k]) => !(KNOWN_KEYS as readonly string[]).includes(k)),
  );
  const doc = {
    format: FORMAT_IDS.gradients,
    version: LATEST_VERSION.gradients,
    backend: g.backend,
    loss: g.loss,
    output: toRows(g.output),
    layers: g.layers.map((l) => ({
      A: toRows(l.A),
      H: toRows(l.H),
      G: toRows(l.G),
      dW: toRows(l.dW),
      db: Array.from(l.db.data),
    })),
    dX: toRows(g.dX),
    ...extra,
  } as JsonObject;
  assertWritable(doc);
  decodeGradients(doc);
  return doc;
}

export function gradientsChunks(g: GradientsFile): Iterable<string> {
  return jsonChunks(encodeGradients(g));
}

export function serializeGradients(g: GradientsFile): string {
  return Array.from(gradientsChunks(g)).join('');
}
