/**
 * Reading the names people give their arrays: FORMATS' rows names (H0, G0, dW0...), the course
 * convention (Z1, dZ1, dW1, dA0, cost...) and PyTorch's `0.weight.grad`. A name says what the
 * array is and which layer, in the user's numbering; the layout (base, orientation) is decided
 * afterwards from all names and shapes together (layout.ts).
 */

/** What an array is, before the layer numbering is known. */
export type ArrayKind = 'W' | 'b' | 'H' | 'A' | 'G' | 'dW' | 'db' | 'dA' | 'dX' | 'loss' | 'output' | 'X' | 'Y';

/** Which convention a name hints at; neutral names (A1, dW1, Z1) hint at none. */
export type NameStyle = 'rows' | 'columns' | 'pytorch' | 'neutral';

export interface ParsedName {
  readonly kind: ArrayKind;
  /** The user's index (layer or, for pytorch, the nn.Sequential module index); null for unindexed names. */
  readonly index: number | null;
  readonly style: NameStyle;
}

const INDEXED: readonly [RegExp, ArrayKind, NameStyle][] = [
  [/^(?:dW|dw|grad_W|grad_w)$/, 'dW', 'neutral'],
  [/^(?:db|dB|grad_b)$/, 'db', 'neutral'],
  [/^(?:dZ|dz)$/, 'G', 'neutral'],
  [/^(?:G|g|delta|Delta|dH|dh)$/, 'G', 'rows'],
  [/^(?:dA|da)$/, 'dA', 'columns'],
  [/^(?:Z|z)$/, 'H', 'neutral'],
  [/^(?:H|h)$/, 'H', 'rows'],
  [/^(?:A|a)$/, 'A', 'neutral'],
  [/^(?:W|w)$/, 'W', 'neutral'],
  [/^(?:b|B)$/, 'b', 'neutral'],
];

const PLAIN: Readonly<Record<string, readonly [ArrayKind, NameStyle]>> = {
  loss: ['loss', 'rows'],
  L: ['loss', 'rows'],
  cost: ['loss', 'columns'],
  J: ['loss', 'columns'],
  F: ['output', 'rows'],
  output: ['output', 'rows'],
  out: ['output', 'neutral'],
  AL: ['output', 'columns'],
  A_L: ['output', 'columns'],
  yhat: ['output', 'neutral'],
  y_hat: ['output', 'neutral'],
  Yhat: ['output', 'neutral'],
  Y_hat: ['output', 'neutral'],
  dX: ['dX', 'rows'],
  dx: ['dX', 'rows'],
  X: ['X', 'neutral'],
  x: ['X', 'neutral'],
  Y: ['Y', 'neutral'],
  y: ['Y', 'neutral'],
};

const PYTORCH = /^(?:.*\.)?(\d+)\.(weight|bias)(\.grad)?$/;

/** The recognised forms, for error messages. */
export const NAME_FORMS =
  'rows: H0 (or Z0) A1 G0 (or dZ0, delta0) dW0 db0 dX loss output (or F); columns: Z1 A1 dZ1 dW1 db1 dA0 cost; PyTorch: 0.weight.grad 0.bias.grad';

/** Strips a file extension and a directory, as the .npy-directory and .npz readers leave them. */
export function baseName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? name;
  return last.replace(/\.npy$/i, '');
}

/** null when the name is none of the known forms. */
export function parseArrayName(raw: string): ParsedName | null {
  const name = baseName(raw);
  const torch = PYTORCH.exec(name);
  if (torch) {
    const isWeight = torch[2] === 'weight';
    const kind: ArrayKind = torch[3] ? (isWeight ? 'dW' : 'db') : isWeight ? 'W' : 'b';
    return { kind, index: Number(torch[1]), style: 'pytorch' };
  }
  const plain = PLAIN[name];
  if (plain) return { kind: plain[0], index: null, style: plain[1] };
  const m = /^([A-Za-z_]*?[A-Za-z])_?\[?(\d+)\]?$/.exec(name);
  if (!m) return null;
  const stem = m[1]!;
  const index = Number(m[2]);
  for (const [re, kind, style] of INDEXED) if (re.test(stem)) return { kind, index, style };
  return null;
}

/** FORMATS' rows names, 0-based: what --map targets and what the report calls each array. */
export function canonicalName(kind: ArrayKind, layer: number | null, layers: number): string {
  switch (kind) {
    case 'loss':
    case 'output':
    case 'dX':
    case 'X':
    case 'Y':
      return kind;
    case 'A':
      if (layer === 0) return 'X';
      if (layer === layers) return 'output';
      return `A${layer}`;
    default:
      return `${kind}${layer}`;
  }
}

/** Parses one of our own names (a --map target) into kind and 0-based layer. */
export function parseCanonical(name: string, layers: number): { kind: ArrayKind; layer: number | null } | null {
  if (['loss', 'output', 'dX', 'X', 'Y'].includes(name)) return { kind: name as ArrayKind, layer: null };
  const m = /^(H|A|G|dW|db|W|b)(\d+)$/.exec(name);
  if (!m) return null;
  const layer = Number(m[2]);
  const kind = m[1] as ArrayKind;
  const max = kind === 'A' ? layers : layers - 1;
  if (layer > max) return null;
  if (kind === 'A') return layer === 0 ? { kind: 'X', layer: null } : layer === layers ? { kind: 'output', layer: null } : { kind, layer };
  return { kind, layer };
}
