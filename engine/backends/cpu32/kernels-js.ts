/**
 * Matrix kernels in plain JavaScript on Float32Array (row-major, with element offsets so they can
 * work on views into one WebAssembly memory too). The portable fallback when WebAssembly SIMD is
 * missing, and the second opinion the WASM kernels are tested against.
 *
 * Shapes follow the backward pass: H = A·W (nn), ∂W = Aᵀ·G (tn), ∂A = G·Wᵀ (nt). The transposed
 * forms read their operands in place (no transposed copies): tn walks four samples at a time and
 * adds four rank-1 updates per pass over a row of ∂W; nt is a dot product of two contiguous rows.
 * Loops are blocked so that the block of the right-hand matrix being reused stays in L1/L2, and
 * register-tiled (four rows per pass) so that each loaded value feeds four multiply-adds.
 */

/** Columns per block of the output (a 4-row tile then touches 4 × 512 × 4 B = 8 KiB of C). */
export const JB = 512;
/** Reduction steps per block (a 128 × 512 block of W is 256 KiB: fits L2). */
export const KB = 128;

export interface View {
  readonly data: Float32Array;
  readonly offset: number;
}

/** C (n×q) = A (n×p) · W (p×q) + 1·bias (bias may be null). */
export function gemmNN(n: number, p: number, q: number, A: View, W: View, bias: View | null, C: View): void {
  const a = A.data;
  const w = W.data;
  const c = C.data;
  const ao = A.offset;
  const wo = W.offset;
  const co = C.offset;
  for (let i = 0; i < n; i++) {
    if (bias) c.set(bias.data.subarray(bias.offset, bias.offset + q), co + i * q);
    else c.fill(0, co + i * q, co + (i + 1) * q);
  }
  for (let j0 = 0; j0 < q; j0 += JB) {
    const j1 = Math.min(q, j0 + JB);
    for (let k0 = 0; k0 < p; k0 += KB) {
      const k1 = Math.min(p, k0 + KB);
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const c0 = co + i * q;
        const c1 = c0 + q;
        const c2 = c1 + q;
        const c3 = c2 + q;
        const r0 = ao + i * p;
        for (let k = k0; k < k1; k++) {
          const a0 = a[r0 + k]!;
          const a1 = a[r0 + p + k]!;
          const a2 = a[r0 + 2 * p + k]!;
          const a3 = a[r0 + 3 * p + k]!;
          const wk = wo + k * q;
          for (let j = j0; j < j1; j++) {
            const x = w[wk + j]!;
            c[c0 + j] = c[c0 + j]! + a0 * x;
            c[c1 + j] = c[c1 + j]! + a1 * x;
            c[c2 + j] = c[c2 + j]! + a2 * x;
            c[c3 + j] = c[c3 + j]! + a3 * x;
          }
        }
      }
      for (; i < n; i++) {
        const c0 = co + i * q;
        const r0 = ao + i * p;
        for (let k = k0; k < k1; k++) {
          const a0 = a[r0 + k]!;
          const wk = wo + k * q;
          for (let j = j0; j < j1; j++) c[c0 + j] = c[c0 + j]! + a0 * w[wk + j]!;
        }
      }
    }
  }
}

/** D (p×q) = Aᵀ · G for A (n×p), G (n×q); also db (1×q) = 1ᵀ G when db is given. */
export function gemmTN(n: number, p: number, q: number, A: View, G: View, D: View, db: View | null): void {
  const a = A.data;
  const g = G.data;
  const d = D.data;
  const ao = A.offset;
  const go = G.offset;
  const dO = D.offset;
  d.fill(0, dO, dO + p * q);
  for (let j0 = 0; j0 < q; j0 += JB) {
    const j1 = Math.min(q, j0 + JB);
    // Samples are the reduction: take them 4 at a time so each row of D is loaded/stored n/4 times.
    for (let i0 = 0; i0 < n; i0 += KB) {
      const i1 = Math.min(n, i0 + KB);
      for (let k = 0; k < p; k++) {
        const dk = dO + k * q;
        let i = i0;
        for (; i + 4 <= i1; i += 4) {
          const a0 = a[ao + i * p + k]!;
          const a1 = a[ao + (i + 1) * p + k]!;
          const a2 = a[ao + (i + 2) * p + k]!;
          const a3 = a[ao + (i + 3) * p + k]!;
          const g0 = go + i * q;
          const g1 = g0 + q;
          const g2 = g1 + q;
          const g3 = g2 + q;
          for (let j = j0; j < j1; j++)
            d[dk + j] = d[dk + j]! + a0 * g[g0 + j]! + a1 * g[g1 + j]! + a2 * g[g2 + j]! + a3 * g[g3 + j]!;
        }
        for (; i < i1; i++) {
          const a0 = a[ao + i * p + k]!;
          const g0 = go + i * q;
          for (let j = j0; j < j1; j++) d[dk + j] = d[dk + j]! + a0 * g[g0 + j]!;
        }
      }
    }
  }
  if (db) columnSums(n, q, G, db);
}

/** db (1×q) = 1ᵀ G. */
export function columnSums(n: number, q: number, G: View, db: View): void {
  const g = G.data;
  const s = db.data;
  const so = db.offset;
  s.fill(0, so, so + q);
  for (let i = 0; i < n; i++) {
    const gi = G.offset + i * q;
    for (let j = 0; j < q; j++) s[so + j] = s[so + j]! + g[gi + j]!;
  }
}

/** X (n×p) = G (n×q) · Wᵀ for W (p×q): each output is a dot product of two contiguous rows. */
export function gemmNT(n: number, q: number, p: number, G: View, W: View, X: View): void {
  const g = G.data;
  const w = W.data;
  const x = X.data;
  const go = G.offset;
  const wo = W.offset;
  const xo = X.offset;
  // Block over rows of W so that a block of W (KB rows × q) is reused by every sample from cache.
  const rowsPerBlock = Math.max(4, Math.floor((64 * 1024) / Math.max(1, q)) & ~3);
  for (let k0 = 0; k0 < p; k0 += rowsPerBlock) {
    const k1 = Math.min(p, k0 + rowsPerBlock);
    for (let i = 0; i < n; i++) {
      const gi = go + i * q;
      const xi = xo + i * p;
      let k = k0;
      for (; k + 4 <= k1; k += 4) {
        const w0 = wo + k * q;
        const w1 = w0 + q;
        const w2 = w1 + q;
        const w3 = w2 + q;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < q; j++) {
          const v = g[gi + j]!;
          s0 += v * w[w0 + j]!;
          s1 += v * w[w1 + j]!;
          s2 += v * w[w2 + j]!;
          s3 += v * w[w3 + j]!;
        }
        x[xi + k] = s0;
        x[xi + k + 1] = s1;
        x[xi + k + 2] = s2;
        x[xi + k + 3] = s3;
      }
      for (; k < k1; k++) {
        const w0 = wo + k * q;
        let s0 = 0;
        for (let j = 0; j < q; j++) s0 += g[gi + j]! * w[w0 + j]!;
        x[xi + k] = s0;
      }
    }
  }
}
