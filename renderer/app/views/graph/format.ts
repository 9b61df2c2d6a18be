/**
 * Number formatting for graph mode: six significant digits (enough to follow the tutorial's
 * arithmetic by hand), a real minus sign, and exponents only for very large or small magnitudes.
 * Full precision always goes in data-value attributes, never lost to rounding in the page.
 */
export function fmt(v: number | null | undefined, digits = 6): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const text = abs >= 1e6 || abs < 1e-4 ? v.toExponential(digits - 1).replace(/\.?0+e/, 'e') : trimZeros(v.toPrecision(digits));
  return text.replace(/^-/, '−');
}

function trimZeros(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Short form for crowded places (node boxes): four significant digits. */
export const fmtShort = (v: number | null | undefined): string => fmt(v, 4);

/** An error size: 1.2e-11, or 0. */
export function fmtError(v: number): string {
  return v === 0 ? '0' : v.toExponential(1);
}

/** 0-based matrix indices as the 1-based subscripts of written math. */
export function subscript(row: number, col: number): string {
  const digits = '₀₁₂₃₄₅₆₇₈₉';
  return `${row + 1}${col + 1}`.replace(/[0-9]/g, (d) => digits[Number(d)]!);
}
