/**
 * Validation messages in plain words: a schema issue (`layers.0.units: Invalid input: expected
 * number, received string`) becomes "Hidden layer 1 units must be a number".
 */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly expected?: unknown;
}

const FIELD_NAMES: Record<string, string> = {
  inputSize: 'The number of inputs',
  loss: 'The loss',
  threshold: 'The threshold',
  fraction: 'The share',
  factor: 'The factor',
  window: 'The window',
  layer: 'The layer',
};

export function fieldName(path: readonly PropertyKey[], layerCount?: number): string {
  const p = path.map(String);
  if (p[0] === 'layers' && p[1] !== undefined) {
    const i = Number(p[1]);
    const which = layerCount !== undefined && i === layerCount - 1 ? 'The output layer' : `Hidden layer ${i + 1}`;
    return p[2] === 'units' ? `${which}'s units` : p[2] === 'activation' ? `${which}'s activation` : which;
  }
  return FIELD_NAMES[p[p.length - 1] ?? ''] ?? (p.join('.') || 'The value');
}

export function plainIssue(issue: SchemaIssue, layerCount?: number): string {
  const field = fieldName(issue.path, layerCount);
  const m = issue.message;
  const small = /Too small: expected number to be >=?(\S+)/.exec(m);
  if (small) return `${field} must be at least ${small[1]}.`;
  const big = /Too big: expected number to be <=?(\S+)/.exec(m);
  if (big) return `${field} must be at most ${big[1]}.`;
  if (/expected int/i.test(m)) return `${field} must be a whole number.`;
  if (issue.code === 'invalid_type' || /expected number/i.test(m)) return `${field} must be a number.`;
  return `${field}: ${m.replace(/^Invalid input: /, '')}`;
}

/** A typed batch size: 'full', or a whole number ≥ 1; anything else is refused with the reason. */
export function parseBatch(text: string): { value: number | 'full' } | { error: string } {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'full') return { value: 'full' };
  const n = Number(t);
  if (!Number.isFinite(n)) return { error: `Batch size "${text}" is not a number: type a whole number of samples, or "full".` };
  if (!Number.isInteger(n) || n < 1) return { error: `Batch size ${text} must be a whole number of at least 1, or "full".` };
  return { value: n };
}
