/** The compare report as text for a person (the CLI prints it; the file holds the JSON). */
import type { CompareReport, Diagnosis, QuantityReport } from './types.js';

const MARK: Record<QuantityReport['status'], string> = {
  ok: 'ok         ',
  inherited: 'inherited  ',
  'new-error': 'NEW ERROR  ',
  missing: 'missing    ',
};

const g = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toPrecision(4) : x.toExponential(2));

export function describeLayout(r: CompareReport): string {
  const l = r.layout;
  const how = (e: string): string => (e === 'flag' ? 'as given' : e === 'default' ? 'assumed' : `from the ${e}`);
  return (
    `${l.name} (one sample per ${l.samples === 'rows' ? 'row' : 'column'}, W ${l.weights}, layers numbered from ${l.base}; ` +
    `orientation ${how(l.orientationFrom)}, numbering ${how(l.baseFrom)})`
  );
}

export function formatCompareReport(r: CompareReport): string {
  const lines: string[] = [];
  lines.push(`layout: ${describeLayout(r)}`);
  for (const n of r.layout.notes) lines.push(`  note: ${n}`);
  const given = r.quantities.length - r.missing.length;
  lines.push(
    `arrays: ${given} of ${r.quantities.length} quantities given${r.dtypes.length ? ` (${r.dtypes.join(', ')})` : ''}` +
      (r.missing.length ? `; missing (taken from their equations on your arrays): ${r.missing.join(', ')}` : ''),
  );
  lines.push('');
  const width = Math.max(...r.quantities.map((q) => q.equation.length));
  for (const q of r.quantities) {
    const yours = q.theirName && q.theirName !== q.name ? ` [${q.theirName}]` : '';
    const err =
      q.status === 'missing'
        ? ''
        : q.maxAbsError === null
          ? ' wrong shape'
          : ` max |Δ| ${g(q.maxAbsError)}${q.relativeError !== null && q.maxAbsError > 0 ? ` (${g(100 * q.relativeError)} %)` : ''}`;
    lines.push(`  ${MARK[q.status]}${q.equation.padEnd(width)}${err}${yours}`.trimEnd());
  }
  lines.push('');
  if (r.firstError) {
    const first = r.quantities.find((q) => q.layer === r.firstError!.layer && q.quantity === r.firstError!.quantity && q.status === 'new-error')!;
    lines.push(`first wrong equation: ${first.equation}   (layer ${first.layer}, ${first.quantity}; your ${first.theirName ?? first.name})`);
    for (const d of r.diagnoses) lines.push(...formatDiagnosis(d));
  }
  if (r.rounding) {
    const x = r.rounding;
    lines.push(
      `float32 rounding: every equation within ${g(x.worstLocalRatio)}× its float32 bound` +
        `${x.worstLocalQuantity ? ` (worst: ${x.worstLocalQuantity})` : ''}; ∂L/∂W, ∂L/∂b off the float64 reference by up to ${g(x.worstGradientSigmas)} σ (allowed ${x.allowedSigmas} σ)`,
    );
  }
  const say = {
    match: 'match: your backprop agrees with the float64 reference',
    rounding: 'rounding: your backprop is right; it differs from float64 only by float32 rounding',
    diverges: `diverges: ${r.diagnoses.length} equation(s) wrong on your own inputs`,
  }[r.verdict];
  lines.push(`verdict: ${say}`);
  return `${lines.join('\n')}\n`;
}

function formatDiagnosis(d: Diagnosis): string[] {
  const e = d.evidence;
  const out = [
    `diagnosis ${d.code}${d.factor !== undefined ? ` (factor ${g(d.factor)})` : ''} at layer ${d.layer}, ${d.quantity} [${d.theirName}]: ${d.explanation}`,
    `  your ${d.theirName} satisfies ${d.theirEquation}`,
  ];
  if (d.code === 'unknown') {
    out.push(`  max |yours − right on your inputs| = ${g(e.errorBefore ?? Number.NaN)} (float32 rounding allows ${g(e.tolerance)}); largest differences:`);
    for (const w of e.worst ?? []) out.push(`    [${w.index[0]}, ${w.index[1]}] yours ${g(w.theirs)}, expected ${g(w.expected)}`);
  } else {
    out.push(
      `  evidence: max |yours − right| = ${e.errorBefore === null ? '(the shapes differ)' : g(e.errorBefore)}; with the substitution ${g(e.errorAfter)} (float32 rounding allows ${g(e.tolerance)})`,
    );
  }
  return out;
}
