/**
 * MNIST-style IDX data comes as two files, images and labels (`train-images-idx3-ubyte.gz` and
 * `train-labels-idx1-ubyte.gz`). These helpers find one from the other, or a pair in a folder's
 * listing, by name only (browser-safe: the CLI lists a folder, the dashboard a dropped set).
 */

/** An IDX images file by name: "images" (or "idx3") in it, gzipped or not. */
export function looksLikeIdxImages(name: string): boolean {
  return /idx3/i.test(name) || (/images/i.test(name) && /(idx\d?|ubyte)(\.gz)?$/i.test(name));
}

/** The names the labels file of `imagesName` may have, most likely first. */
export function labelNamesFor(imagesName: string): string[] {
  const base = imagesName.replace(/images/gi, (m) => (m[0] === 'I' ? 'Labels' : 'labels')).replace(/idx3/gi, 'idx1');
  if (base === imagesName) return [];
  const plain = base.replace(/\.gz$/i, '');
  return [...new Set([base, plain, `${plain}.gz`])];
}

/**
 * The images/labels pairs among `names` (a folder's files), the training pair first: a "train"
 * pair, then any other; each images file is paired with the first of its label names present.
 */
export function findIdxPairs(names: readonly string[]): { images: string; labels: string }[] {
  const present = new Set(names);
  const pairs: { images: string; labels: string }[] = [];
  for (const images of names.filter(looksLikeIdxImages).sort()) {
    const labels = labelNamesFor(images).find((n) => present.has(n));
    if (labels !== undefined) pairs.push({ images, labels });
  }
  return pairs.sort((a, b) => Number(/t10k|test/i.test(a.images)) - Number(/t10k|test/i.test(b.images)));
}
