/**
 * Turning the user's arrays into FORMATS' rows layout: which convention (rows, columns, PyTorch
 * names), which first-layer index (0 or 1), and which array is which quantity. Decided from, in
 * order: the flags, the shapes that only fit one orientation, the names, and — for square layers,
 * where neither shape nor name decides — the values against the float64 reference. Every choice
 * that was not forced by a flag or by the shapes is written in the notes: never a silent guess.
 */
import type { Matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { layerWidths } from '../model/spec.js';
import {
  type ArrayKind,
  type NameStyle,
  NAME_FORMS,
  baseName,
  canonicalName,
  parseArrayName,
  parseCanonical,
} from './names.js';
import { CompareInputError, type LayoutEvidence, type LayoutName, type LayoutReport, type NamedArray } from './types.js';

export interface LayoutOptions {
  readonly layout?: LayoutName;
  readonly base?: 0 | 1;
  /** Their name → our rows name (dW0, G1, output, loss...). */
  readonly map?: Readonly<Record<string, string>>;
}

/** One of their arrays, in the rows layout. */
export interface TheirArray {
  readonly name: string;
  readonly theirName: string;
  readonly dtype: string;
  /** In FORMATS' rows orientation; its shape may still differ from `expected` (a bug or a mistake). */
  readonly matrix: Matrix;
  readonly expected: readonly [number, number];
  readonly shapeOk: boolean;
  /** Their shape as given and the one we expected in their layout, for messages. */
  readonly theirShape: readonly number[];
  readonly theirExpected: readonly number[];
}

export interface ReadLayout {
  readonly layout: LayoutReport;
  readonly arrays: ReadonlyMap<string, TheirArray>;
}

interface Candidate {
  readonly array: NamedArray;
  readonly theirName: string;
  readonly kind: ArrayKind;
  /** Index in their numbering (pytorch: module index), or a fixed 0-based layer when mapped. */
  readonly index: number | null;
  readonly style: NameStyle;
  readonly mapped: boolean;
}

type Orientation = { readonly samples: 'rows' | 'columns'; readonly weights: 'in×out' | 'out×in' };
const ORIENT: Record<LayoutName, Orientation> = {
  rows: { samples: 'rows', weights: 'in×out' },
  columns: { samples: 'columns', weights: 'out×in' },
  pytorch: { samples: 'rows', weights: 'out×in' },
};

const SAMPLE_KINDS: ReadonlySet<ArrayKind> = new Set(['A', 'H', 'G', 'dX', 'output', 'X', 'Y', 'dA']);
const LAYER_KINDS: ReadonlySet<ArrayKind> = new Set(['W', 'b', 'H', 'G', 'dW', 'db']);

const fmtShape = (s: readonly number[]): string => (s.length === 0 ? 'a scalar' : s.join('×'));

/** Reads their arrays; `reference(name)` gives our float64 value of a rows name, for the value test. */
export function readLayout(
  arrays: readonly NamedArray[],
  spec: ModelSpec,
  samples: number,
  options: LayoutOptions,
  reference: (name: string) => Matrix | null,
): ReadLayout {
  const L = spec.layers.length;
  const p = layerWidths(spec);
  const notes: string[] = [];
  const candidates = classify(arrays, L, options);
  const torch = candidates.some((c) => c.style === 'pytorch');

  // Which layer does a candidate land on, for a given base?
  const torchLayers = torchModuleLayers(candidates, L);
  const layerOf = (c: Candidate, base: 0 | 1): number | null => {
    if (c.mapped || c.index === null) return c.index;
    if (c.style === 'pytorch') return torchLayers.get(c.index) ?? null;
    if (c.kind === 'A' || c.kind === 'dA') return c.index; // A0 = X in both conventions
    return c.index - base;
  };
  const expectedOf = (c: Candidate, layer: number | null): readonly [number, number] | null => {
    const inRange = (i: number | null, max: number): i is number => i !== null && i >= 0 && i <= max;
    switch (c.kind) {
      case 'H':
      case 'G':
        return inRange(layer, L - 1) ? [samples, p[layer + 1]!] : null;
      case 'W':
      case 'dW':
        return inRange(layer, L - 1) ? [p[layer]!, p[layer + 1]!] : null;
      case 'b':
      case 'db':
        return inRange(layer, L - 1) ? [1, p[layer + 1]!] : null;
      case 'A':
      case 'dA':
        return inRange(layer, L) ? [samples, p[layer]!] : null;
      case 'output':
      case 'Y':
        return [samples, p[L]!];
      case 'X':
      case 'dX':
        return [samples, p[0]!];
      case 'loss':
        return [1, 1];
    }
  };

  // Base: flag, then names (index 0 or L of a layer quantity), then shapes, then the convention's habit.
  let base: 0 | 1;
  let baseFrom: LayoutEvidence;
  const layerIdx = candidates.filter((c) => !c.mapped && c.style !== 'pytorch' && LAYER_KINDS.has(c.kind) && c.index !== null);
  const has0 = layerIdx.some((c) => c.index === 0);
  const hasL = layerIdx.some((c) => c.index === L);
  if (options.base !== undefined) {
    base = options.base;
    baseFrom = 'flag';
  } else if (has0 !== hasL) {
    base = has0 ? 0 : 1;
    baseFrom = 'names';
  } else {
    const fits = (b: 0 | 1): number =>
      layerIdx.filter((c) => {
        const e = expectedOf(c, layerOf(c, b));
        return e !== null && (sameAs(c.array.shape, e) || sameAs(c.array.shape, [e[1], e[0]]) || isVectorOf(c.array.shape, e));
      }).length;
    const f0 = fits(0);
    const f1 = fits(1);
    const columnsStyle = candidates.some((c) => c.style === 'columns');
    if (f0 !== f1) {
      base = f0 > f1 ? 0 : 1;
      baseFrom = 'shapes';
    } else {
      base = columnsStyle ? 1 : 0;
      baseFrom = 'default';
      if (layerIdx.length > 0) notes.push(`layer numbers start at ${base}: assumed (${columnsStyle ? 'the course convention' : 'FORMATS'}; use --base to change)`);
    }
  }
  if (has0 && hasL && options.base === undefined && L > 0) {
    throw new CompareInputError(`your names use both layer 0 and layer ${L}, but the model has ${L} layer(s): rename them or use --map`);
  }

  const placed = candidates.map((c) => {
    const layer = layerOf(c, base);
    const expected = expectedOf(c, layer);
    if (expected === null) {
      const range = c.kind === 'A' ? `0…${L}` : `${base}…${L - 1 + base}`;
      throw new CompareInputError(
        `${c.theirName}: there is no layer ${c.index} in this model (${L} layer(s), numbered ${range} in your names)`,
      );
    }
    return { c, layer, expected };
  });

  // Orientation: flag, PyTorch names, the layouts under which the most shapes fit, then among
  // those the names' style, then the values against the reference (square layers).
  let name: LayoutName;
  let orientationFrom: LayoutEvidence;
  const ORDER: readonly LayoutName[] = ['rows', 'columns', 'pytorch'];
  const fits = (o: Orientation, x: (typeof placed)[number]): boolean => sameAs(orient(x.c, o, x.expected), x.expected);
  const reading = (n: LayoutName): string => placed.map((x) => `${orient(x.c, ORIENT[n], x.expected).join('×')}${transposed(x.c, ORIENT[n])}`).join(',');
  if (options.layout !== undefined) {
    name = options.layout;
    orientationFrom = 'flag';
  } else if (torch) {
    name = 'pytorch';
    orientationFrom = 'names';
  } else {
    const score = new Map(ORDER.map((n) => [n, placed.filter((x) => fits(ORIENT[n], x)).length]));
    const best = Math.max(...score.values());
    const tied = ORDER.filter((n) => score.get(n) === best);
    if (tied.length === 1 || tied.every((n) => reading(n) === reading(tied[0]!))) {
      // One layout fits best, or the tied ones read every array the same way (nothing to guess).
      name = tied[0]!;
      orientationFrom = 'shapes';
      const misfits = placed.length - best;
      if (misfits > 0 && best > 0) notes.push(`${best} array(s) fit the ${name} layout and ${misfits} do not: read as ${name}`);
    } else {
      const tiedText = tied.join(' and ');
      const styles = new Set(candidates.map((c) => c.style).filter((st): st is 'rows' | 'columns' => (st === 'rows' || st === 'columns') && tied.includes(st)));
      if (styles.size === 1) {
        name = [...styles][0]!;
        orientationFrom = 'names';
        notes.push(`every shape fits the ${tiedText} layouts (square layers, as many samples as units): read as ${name} from the names`);
      } else {
        const byValues = orientationByValues(placed, reference, L, tied);
        name = byValues ?? tied[0]!;
        orientationFrom = byValues ? 'values' : 'default';
        notes.push(
          byValues
            ? `every shape fits the ${tiedText} layouts and the names do not say which: read as ${name} because the values match the reference that way (use --layout to change)`
            : `every shape fits the ${tiedText} layouts and neither names nor values decide: read as ${name} (use --layout to change)`,
        );
      }
    }
  }
  const o = ORIENT[name];

  const out = new Map<string, TheirArray>();
  for (const x of placed) {
    const canonical = canonicalName(x.c.kind, x.layer, L);
    if (x.c.kind === 'dA') {
      if (x.layer === 0) {
        // dA0 is ∂L/∂X in the course convention.
      } else {
        notes.push(`${x.c.theirName} (∂L/∂A_${x.layer}) is not compared: it is not one of FORMATS' quantities`);
        continue;
      }
    }
    const target = x.c.kind === 'dA' ? 'dX' : canonical;
    if (out.has(target)) {
      throw new CompareInputError(`${x.c.theirName} and ${out.get(target)!.theirName} are both ${target}: remove one or use --map`);
    }
    const m = toMatrix(x.c, o);
    const shapeOk = m.rows === x.expected[0] && m.cols === x.expected[1];
    out.set(target, {
      name: target,
      theirName: x.c.theirName,
      dtype: x.c.array.dtype,
      matrix: m,
      expected: x.expected,
      shapeOk,
      theirShape: x.c.array.shape,
      theirExpected: theirShapeOf(x.c, o, x.expected),
    });
  }
  const mapping: Record<string, string> = {};
  for (const [k, v] of out) mapping[v.theirName] = k;
  return {
    layout: { name, samples: o.samples, weights: o.weights, base, orientationFrom, baseFrom, mapping, notes },
    arrays: out,
  };
}

/** Parses every name (or takes its --map target); unknown names are an error that lists them all. */
function classify(arrays: readonly NamedArray[], L: number, options: LayoutOptions): Candidate[] {
  const unknown: string[] = [];
  const out: Candidate[] = [];
  const map = options.map ?? {};
  for (const target of Object.keys(map)) {
    if (!arrays.some((a) => a.name === target || baseName(a.name) === target)) {
      throw new CompareInputError(`--map ${target}=${map[target]}: you have no array named ${target}`);
    }
  }
  for (const array of arrays) {
    const theirName = baseName(array.name);
    const target = map[array.name] ?? map[theirName];
    if (target !== undefined) {
      const parsed = parseCanonical(target, L);
      if (!parsed) {
        throw new CompareInputError(
          `--map ${theirName}=${target}: "${target}" is not one of our names (H0…H${L - 1}, A1…A${L - 1}, G0…, dW0…, db0…, W0…, b0…, output, loss, dX, X, Y)`,
        );
      }
      out.push({ array, theirName, kind: parsed.kind, index: parsed.layer, style: 'neutral', mapped: true });
      continue;
    }
    const parsed = parseArrayName(array.name);
    if (!parsed) {
      unknown.push(theirName);
      continue;
    }
    out.push({ array, theirName, kind: parsed.kind, index: parsed.index, style: parsed.style, mapped: false });
  }
  if (unknown.length > 0) {
    throw new CompareInputError(
      `unknown array name${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (known forms: ${NAME_FORMS}; or name them with --map yours=ours)`,
    );
  }
  if (out.length === 0) throw new CompareInputError('no arrays to compare: the file holds none (save at least one of H0 A1 G0 dW0 db0 dX loss output)');
  return out;
}

/** nn.Sequential module indices in order → layers 0…L−1 (Linear modules only carry parameters). */
function torchModuleLayers(candidates: readonly Candidate[], L: number): Map<number, number> {
  const indices = [...new Set(candidates.filter((c) => c.style === 'pytorch').map((c) => c.index!))].sort((a, b) => a - b);
  if (indices.length > 0 && indices.length !== L) {
    throw new CompareInputError(
      `your PyTorch names have ${indices.length} Linear module(s) (${indices.join(', ')}) but the model has ${L} layer(s)`,
    );
  }
  return new Map(indices.map((m, i) => [m, i]));
}

function sameAs(shape: readonly number[], e: readonly [number, number]): boolean {
  return shape.length === 2 && shape[0] === e[0] && shape[1] === e[1];
}

function isVectorOf(shape: readonly number[], e: readonly [number, number]): boolean {
  const size = shape.reduce((a, b) => a * b, 1);
  return e[0] === 1 && size === e[1] && shape.filter((d) => d !== 1).length <= 1;
}

/** The 2-D shape a candidate has once read in orientation o (vectors and scalars: 1×k). */
function orient(c: Candidate, o: Orientation, expected: readonly [number, number]): readonly number[] {
  const s = c.array.shape;
  if (VECTOR_KINDS.has(c.kind) && isVectorOf(s, expected)) return expected;
  if (s.length === 1 && SAMPLE_KINDS.has(c.kind)) return expected[1] === 1 ? [s[0]!, 1] : [1, s[0]!];
  if (s.length !== 2) return s;
  return transposed(c, o) ? [s[1]!, s[0]!] : s;
}

function transposed(c: Candidate, o: Orientation): boolean {
  if (SAMPLE_KINDS.has(c.kind)) return o.samples === 'columns';
  if (c.kind === 'W' || c.kind === 'dW') return o.weights === 'out×in';
  return false;
}

function theirShapeOf(c: Candidate, o: Orientation, e: readonly [number, number]): readonly number[] {
  if (c.kind === 'loss') return [];
  if (c.kind === 'b' || c.kind === 'db') return o.samples === 'columns' ? [e[1], 1] : [e[1]];
  return transposed(c, o) ? [e[1], e[0]] : [e[0], e[1]];
}

const VECTOR_KINDS: ReadonlySet<ArrayKind> = new Set(['b', 'db', 'loss']);

function toMatrix(c: Candidate, o: Orientation): Matrix {
  const s = c.array.shape;
  const d = c.array.data.slice();
  const size = s.reduce((a, b) => a * b, 1);
  if (s.length > 2) throw new CompareInputError(`${c.theirName}: has ${s.length} dimensions (${fmtShape(s)}); expected a matrix`);
  // Biases, their gradients and the loss: any vector (or scalar) shape is read as one row.
  if (VECTOR_KINDS.has(c.kind) && s.filter((x) => x !== 1).length <= 1) return { rows: 1, cols: size, data: d };
  if (s.length === 0) return { rows: 1, cols: 1, data: d };
  // A 1-D sample array is one value per sample (a one-unit layer); a 1-D matrix otherwise a row.
  if (s.length === 1) return SAMPLE_KINDS.has(c.kind) ? { rows: size, cols: 1, data: d } : { rows: 1, cols: size, data: d };
  const m = { rows: s[0]!, cols: s[1]!, data: d };
  return transposed(c, o) ? transpose(m) : m;
}

export function transpose(m: Matrix): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j]!;
  return { rows: m.cols, cols: m.rows, data: out };
}

/** For square arrays: which orientation brings them closer to the reference, if that is clear. */
function orientationByValues(
  placed: readonly { c: Candidate; layer: number | null; expected: readonly [number, number] }[],
  reference: (name: string) => Matrix | null,
  L: number,
  tied: readonly LayoutName[],
): LayoutName | null {
  const err = new Map<LayoutName, number>(tied.map((n) => [n, 0]));
  let tested = 0;
  for (const x of placed) {
    if (!(SAMPLE_KINDS.has(x.c.kind) || x.c.kind === 'W' || x.c.kind === 'dW')) continue;
    const ref = reference(x.c.kind === 'dA' ? 'dX' : canonicalName(x.c.kind, x.layer, L));
    if (!ref) continue;
    const read = tied.map((n) => toMatrix(x.c, ORIENT[n]));
    if (read.some((m) => m.rows !== ref.rows || m.cols !== ref.cols)) continue;
    const scale = Math.max(1e-300, ...Array.from(ref.data, Math.abs));
    tied.forEach((n, k) => err.set(n, err.get(n)! + maxAbs(read[k]!, ref) / scale));
    tested++;
  }
  if (tested === 0) return null;
  const sorted = [...err.entries()].sort((a, b) => a[1] - b[1]);
  const [first, second] = sorted;
  if (!first || !second || Math.abs(second[1] - first[1]) <= 1e-6 * second[1]) return null;
  return first[0];
}

function maxAbs(a: Matrix, b: Matrix): number {
  let m = 0;
  for (let k = 0; k < a.data.length; k++) m = Math.max(m, Math.abs(a.data[k]! - b.data[k]!));
  return m;
}
