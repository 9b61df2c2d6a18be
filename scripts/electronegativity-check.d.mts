/** Types of electronegativity-check.mjs (imported by its test). */
export interface Finding {
  check: string;
  serious: boolean;
  level: string;
  file: string;
  line: number;
  message: string;
  window?: string | null;
}
export interface AllowEntry {
  check: string;
  file: string;
  window?: string;
  reason: string;
}
export function findingsOf(sarif: unknown): Finding[];
export function windowAt(source: string, line: number): string | null;
export function allowListProblem(allow: { entries?: unknown }): string | null;
export function explain(
  findings: Finding[],
  allow: { entries: AllowEntry[] },
  sourceOf: (file: string) => string,
): { used: Set<number>; unexplained: Finding[] };
