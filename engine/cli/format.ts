/** Number and table formatting for terminal output. */

/** Compact scientific-or-fixed formatting that keeps 4 significant digits. */
export function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return Number(x.toPrecision(digits)).toString();
  // 1.000e-6 → 1e-6, 9.900e-3 → 9.9e-3
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${(s - m * 60).toFixed(0)} s`;
}

/** Two spaces between columns; by default the first column is left-aligned and the others right-aligned (numbers). */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, j) =>
        (align?.[j] ?? (j === 0 ? 'l' : 'r')) === 'l' ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "1 → 10×[10 tanh] → 1 identity": runs of identical layers collapsed, as the tutorial writes them. */
export function architecture(model: {
  inputSize: number;
  layers: readonly { units: number; activation: string }[];
}): string {
  const parts = [String(model.inputSize)];
  for (let i = 0; i < model.layers.length;) {
    const l = model.layers[i]!;
    let j = i + 1;
    while (
      j < model.layers.length &&
      model.layers[j]!.units === l.units &&
      model.layers[j]!.activation === l.activation
    )
      j++;
    parts.push(j - i > 1 ? `${j - i}×[${l.units} ${l.activation}]` : `${l.units} ${l.activation}`);
    i = j;
  }
  return parts.join(' → ');
}

/**
 * Text taken from a file (column names, labels, keys), made safe to print: control characters
 * (terminal escape sequences, carriage returns, line breaks), DEL, C1 controls and bidirectional
 * overrides are written as visible escapes (\x1b, \u202e) so a data file cannot drive the terminal.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** The same for a whole block of output, keeping its own line breaks. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
