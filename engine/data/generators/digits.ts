/**
 * Synthetic handwritten-style digits, 8×8 grey images (the size of scikit-learn's digits set).
 *
 * No well-kept npm package ships digit images, and nothing may be downloaded at run time, so the
 * set is generated: each digit is a hand-made stroke skeleton in the unit square, and every
 * sample draws it with a seeded random affine distortion (rotation, scale, shear, shift), a
 * random pen width, anti-aliased by 4×4 supersampling, plus Gaussian pixel noise. It is NOT real
 * handwriting (no MNIST writers' styles), but it is a real 10-class image task: nearest-centroid
 * gets most of it, a small MLP does better, and more noise makes it harder.
 */
import type { Rng } from '../../core/rng.js';
import type { LabeledDataset } from '../types.js';
import { classification } from './build.js';

export const DIGIT_SIZE = 8;

type Pt = readonly [number, number];
type Stroke = readonly Pt[];

function ellipse(cx: number, cy: number, rx: number, ry: number, from = 0, to = 2 * Math.PI, steps = 16): Stroke {
  const pts: Pt[] = [];
  for (let s = 0; s <= steps; s++) {
    const a = from + ((to - from) * s) / steps;
    pts.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return pts;
}

/** Stroke skeletons, x to the right and y down, inside [0.15, 0.85]². */
const GLYPHS: readonly (readonly Stroke[])[] = [
  [ellipse(0.5, 0.5, 0.27, 0.38)],
  [
    [
      [0.33, 0.27],
      [0.55, 0.12],
      [0.55, 0.88],
    ],
    [
      [0.35, 0.88],
      [0.75, 0.88],
    ],
  ],
  [
    [
      [0.25, 0.3],
      [0.33, 0.16],
      [0.52, 0.11],
      [0.7, 0.2],
      [0.72, 0.38],
      [0.25, 0.88],
      [0.78, 0.88],
    ],
  ],
  [
    [
      [0.25, 0.14],
      [0.72, 0.14],
      [0.45, 0.44],
      [0.68, 0.56],
      [0.7, 0.78],
      [0.52, 0.9],
      [0.25, 0.84],
    ],
  ],
  [
    [
      [0.62, 0.9],
      [0.62, 0.1],
      [0.2, 0.64],
      [0.8, 0.64],
    ],
  ],
  [
    [
      [0.72, 0.12],
      [0.3, 0.12],
      [0.27, 0.46],
      [0.55, 0.4],
      [0.72, 0.55],
      [0.7, 0.8],
      [0.5, 0.9],
      [0.25, 0.84],
    ],
  ],
  [
    [
      [0.68, 0.12],
      [0.45, 0.22],
      [0.3, 0.46],
      [0.28, 0.72],
      [0.4, 0.9],
      [0.6, 0.9],
      [0.72, 0.72],
      [0.6, 0.52],
      [0.4, 0.52],
      [0.29, 0.66],
    ],
  ],
  [
    [
      [0.22, 0.12],
      [0.78, 0.12],
      [0.42, 0.9],
    ],
  ],
  [ellipse(0.5, 0.3, 0.19, 0.18), ellipse(0.5, 0.7, 0.23, 0.2)],
  [
    ellipse(0.5, 0.32, 0.21, 0.2),
    [
      [0.71, 0.32],
      [0.66, 0.6],
      [0.56, 0.9],
    ],
  ],
];

interface Segment {
  ax: number;
  ay: number;
  dx: number;
  dy: number;
  len2: number;
}

function distanceToSegments(x: number, y: number, segs: readonly Segment[]): number {
  let best = Infinity;
  for (const s of segs) {
    let t = s.len2 > 0 ? ((x - s.ax) * s.dx + (y - s.ay) * s.dy) / s.len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = s.ax + t * s.dx - x;
    const ey = s.ay + t * s.dy - y;
    const d = ex * ex + ey * ey;
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}

/** Draws one digit into out[offset … offset+64) with intensities in [0, 1]. */
function render(digit: number, rng: Rng, noise: number, jitter: number, out: Float64Array, offset: number): void {
  const angle = 0.15 * jitter * rng.normal();
  const scale = 1 + 0.08 * jitter * rng.normal();
  const shear = 0.12 * jitter * rng.normal();
  const tx = 0.06 * jitter * rng.normal();
  const ty = 0.06 * jitter * rng.normal();
  const pen = 0.1 + 0.03 * rng.next();
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const map = ([x, y]: Pt): [number, number] => {
    const u = (x - 0.5) * scale + shear * (y - 0.5);
    const v = (y - 0.5) * scale;
    return [0.5 + cos * u - sin * v + tx, 0.5 + sin * u + cos * v + ty];
  };
  const segs: Segment[] = [];
  for (const stroke of GLYPHS[digit]!) {
    for (let k = 0; k + 1 < stroke.length; k++) {
      const [ax, ay] = map(stroke[k]!);
      const [bx, by] = map(stroke[k + 1]!);
      segs.push({ ax, ay, dx: bx - ax, dy: by - ay, len2: (bx - ax) ** 2 + (by - ay) ** 2 });
    }
  }
  const S = 4; // supersamples per pixel side
  for (let r = 0; r < DIGIT_SIZE; r++) {
    for (let c = 0; c < DIGIT_SIZE; c++) {
      let ink = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (c + (sx + 0.5) / S) / DIGIT_SIZE;
          const y = (r + (sy + 0.5) / S) / DIGIT_SIZE;
          if (distanceToSegments(x, y, segs) <= pen / 2) ink++;
        }
      }
      const v = ink / (S * S) + (noise > 0 ? noise * rng.normal() : 0);
      out[offset + r * DIGIT_SIZE + c] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}

/** n images, classes balanced (sample i is digit i mod 10) then shuffled. */
export function digits(rng: Rng, n: number, noise: number, jitter: number): LabeledDataset {
  const p = DIGIT_SIZE * DIGIT_SIZE;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 10;
  rng.shuffle(labels);
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) render(labels[i]!, rng, noise, jitter, X, i * p);
  const features = Array.from({ length: p }, (_, k) => `px${Math.floor(k / DIGIT_SIZE)}_${k % DIGIT_SIZE}`);
  const ds = classification('digits', X, p, labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], features);
  return { ...ds, meta: { ...ds.meta, image: { width: DIGIT_SIZE, height: DIGIT_SIZE } } };
}
