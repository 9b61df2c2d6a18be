/**
 * The built-in data sets the Data view offers, with their parameters. The engine generates them
 * (engine/data); this list only describes the choices for the form. Kept in step with the
 * engine's registry: an unknown name or parameter comes back as a `dataset-error` naming it.
 */
export interface BuiltinParam {
  readonly key: string;
  readonly label: string;
  readonly default: number | string | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly choices?: readonly string[];
  readonly tip?: string;
}

export interface BuiltinInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly task: 'regression' | 'classification';
  readonly params: readonly BuiltinParam[];
}

const samples: BuiltinParam = { key: 'samples', label: 'Samples', default: 400, min: 10, max: 100_000, step: 10 };
const noise: BuiltinParam = { key: 'noise', label: 'Noise', default: 0.1, min: 0, max: 2, step: 0.01, tip: 'Standard deviation of the added Gaussian noise' };
const seed: BuiltinParam = { key: 'seed', label: 'Seed', default: 1, min: 0, max: 0xffffffff, step: 1, tip: 'Same seed, same data' };

export const FALLBACK_BUILTINS: readonly BuiltinInfo[] = [
  { name: 'xor', title: 'XOR', description: 'Four Gaussian blobs in the XOR pattern (2-D, 2 classes)', task: 'classification', params: [samples, noise, seed] },
  { name: 'moons', title: 'Two moons', description: 'Two interleaved half circles (2-D, 2 classes)', task: 'classification', params: [samples, noise, seed] },
  { name: 'circles', title: 'Circles', description: 'A disc inside a ring (2-D, 2 classes)', task: 'classification', params: [samples, noise, seed] },
  { name: 'spiral', title: 'Spiral', description: 'Interleaved spiral arms (2-D)', task: 'classification', params: [samples, noise, seed, { key: 'classes', label: 'Classes', default: 3, min: 2, max: 10, step: 1 }] },
  { name: 'gaussians', title: 'Gaussian blobs', description: 'Separable Gaussian clusters (2-D)', task: 'classification', params: [samples, noise, seed] },
  { name: 'sine', title: 'Sine', description: 'y = sin(x) with noise (1-D regression)', task: 'regression', params: [samples, noise, seed] },
  { name: 'linear', title: 'Linear', description: 'A noisy linear function (regression)', task: 'regression', params: [samples, noise, seed] },
  { name: 'digits', title: 'Digits', description: 'Small images of handwritten-style digits (image grid)', task: 'classification', params: [samples, seed] },
];

/** The catalog, from the engine's registry when the engine exports one, else the list above. */
export function builtinCatalog(fromEngine?: readonly BuiltinInfo[] | null): readonly BuiltinInfo[] {
  return fromEngine && fromEngine.length > 0 ? fromEngine : FALLBACK_BUILTINS;
}

export function defaultParams(b: BuiltinInfo): Record<string, number | string | boolean> {
  return Object.fromEntries(b.params.map((p) => [p.key, p.default]));
}
