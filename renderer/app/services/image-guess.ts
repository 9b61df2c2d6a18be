/**
 * Whether a table's features are the pixels of square images (scikit-learn's digits as a CSV:
 * 64 columns of 0…16; MNIST as a CSV: 784 columns of 0…255), so the Data view draws a pixel grid
 * instead of a scatter of two pixels.
 */
export function looksLikeImages(inputs: number, featureStats: readonly { readonly min?: number | null; readonly max?: number | null }[]): { width: number; height: number } | null {
  const side = Math.round(Math.sqrt(inputs));
  if (inputs < 64 || side * side !== inputs || featureStats.length !== inputs) return null;
  const bounded = featureStats.every((c) => (c.min ?? 0) >= 0 && (c.max ?? 0) <= 255);
  return bounded ? { width: side, height: side } : null;
}
