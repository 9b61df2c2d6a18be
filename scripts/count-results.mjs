// Prints "passed failed skipped" from a vitest or Playwright JSON report, for scripts/test-all.sh.
// A missing or unreadable report counts as one failure: a runner that crashed must not look green.
import { readFileSync } from 'node:fs';

const [kind, file] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 1 0');
  process.exit(0);
}
if (kind === 'vitest') {
  const failedSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && r.assertionResults?.length === 0).length;
  console.log(`${report.numPassedTests ?? 0} ${(report.numFailedTests ?? 0) + failedSuites} ${(report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)}`);
} else {
  const s = report.stats ?? {};
  const errors = (report.errors ?? []).length;
  console.log(`${s.expected ?? 0} ${(s.unexpected ?? 0) + (s.flaky ?? 0) + errors} ${s.skipped ?? 0}`);
}
