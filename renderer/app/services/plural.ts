/** Counts in words for the dashboard: "1 target", "3 targets", "1 row(s)" never. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}
