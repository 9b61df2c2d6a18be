/**
 * The diverging colour scale of every heatmap: blue (negative) → white (0) → red (positive),
 * always centred at 0 so that a sign is readable at a glance. Colours are packed once into a
 * lookup table of RGBA words (ImageData's byte order on little-endian machines) so painting a
 * 256×256 matrix is one table read per cell.
 */

/** Odd so that index LUT_CENTER is exactly 0. */
export const LUT_SIZE = 511;
export const LUT_CENTER = (LUT_SIZE - 1) / 2;

export type Rgb = readonly [number, number, number];

/** Colour stops from -1 to +1 (a ColorBrewer-like RdBu, reversed so that red is positive). */
const STOPS: readonly (readonly [number, Rgb])[] = [
  [-1, [5, 48, 97]],
  [-0.66, [33, 102, 172]],
  [-0.33, [146, 197, 222]],
  [0, [247, 247, 247]],
  [0.33, [244, 165, 130]],
  [0.66, [178, 24, 43]],
  [1, [103, 0, 31]],
];

/** Non-finite cells get colours that the scale never produces, so NaN and ±Inf stand out. */
export const NAN_RGB: Rgb = [255, 0, 255];
export const POS_INF_RGB: Rgb = [255, 214, 0];
export const NEG_INF_RGB: Rgb = [0, 230, 118];

/** The colour of t ∈ [-1, 1] (clamped), by linear interpolation between the stops. */
export function divergingRgb(t: number): Rgb {
  const x = Math.max(-1, Math.min(1, t));
  for (let k = 1; k < STOPS.length; k++) {
    const [t1, c1] = STOPS[k]!;
    if (x <= t1) {
      const [t0, c0] = STOPS[k - 1]!;
      const f = (x - t0) / (t1 - t0);
      return [
        Math.round(c0[0] + f * (c1[0] - c0[0])),
        Math.round(c0[1] + f * (c1[1] - c0[1])),
        Math.round(c0[2] + f * (c1[2] - c0[2])),
      ];
    }
  }
  return STOPS[STOPS.length - 1]![1];
}

/** Packs an opaque colour as a little-endian RGBA word (bytes R, G, B, A in memory). */
export function packRgba(rgb: Rgb): number {
  return ((255 << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
}

export function unpackRgba(word: number): [number, number, number, number] {
  return [word & 255, (word >>> 8) & 255, (word >>> 16) & 255, (word >>> 24) & 255];
}

export interface ColourLut {
  readonly words: Uint32Array;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

let shared: ColourLut | null = null;

/** The one shared lookup table (built lazily: tests and workers need no DOM for it). */
export function divergingLut(): ColourLut {
  if (shared) return shared;
  const words = new Uint32Array(LUT_SIZE);
  for (let k = 0; k < LUT_SIZE; k++) words[k] = packRgba(divergingRgb((k - LUT_CENTER) / LUT_CENTER));
  shared = { words, nan: packRgba(NAN_RGB), posInf: packRgba(POS_INF_RGB), negInf: packRgba(NEG_INF_RGB) };
  return shared;
}

/** The CSS colour of value v on a scale of ±limit (for legends and tooltips). */
export function cssColour(v: number, limit: number): string {
  if (Number.isNaN(v)) return `rgb(${NAN_RGB.join(',')})`;
  if (v === Infinity) return `rgb(${POS_INF_RGB.join(',')})`;
  if (v === -Infinity) return `rgb(${NEG_INF_RGB.join(',')})`;
  const rgb = divergingRgb(limit > 0 ? v / limit : 0);
  return `rgb(${rgb.join(',')})`;
}
