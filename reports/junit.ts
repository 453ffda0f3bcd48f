/**
 * JUnit XML for CI: one testsuite per model, one testcase per model × variant × memory
 * model × property. A verdict that differs from the expected one is a failure, carrying
 * the property and the first lines of the counterexample (or, when a violation was
 * expected, the search that found none); an incomplete or unchecked cell is skipped; an
 * agreeing or unstated cell passes.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { VerifyRow, VerifyRun } from '../checker/verify.ts';
import { cellKey } from './summary.ts';
import { num, renderTrace } from './text.ts';

/** How much of the trace a failure carries: enough to see the bug start, the rest is in the report. */
const TRACE_LINES = 15;

function failureText(run: VerifyRun, row: VerifyRow, report: string | undefined): string {
  const p = run.result.properties.find((x) => x.id === row.property);
  const head = `${row.property}: ${p?.description ?? ''}\nexpected ${row.expected}, got ${row.verdict} (${row.model} ${row.variant} under ${row.mm})`;
  if (p?.trace) {
    const lines = renderTrace(p.trace).split('\n');
    const shown = lines.slice(0, TRACE_LINES).join('\n');
    const more = lines.length > TRACE_LINES ? `\n  … ${lines.length - TRACE_LINES} more lines` : '';
    return `${head}\ncounterexample, ${p.trace.steps.length} steps:\n${shown}${more}${report ? `\nreport: ${report}` : ''}`;
  }
  return `${head}\nno counterexample: the search of ${num(run.result.states)} states found none`;
}

export function verifyJunit(runs: readonly VerifyRun[], reports: ReadonlyMap<string, string>): string {
  const models = [...new Set(runs.map((r) => r.model.name))];
  const all = runs.flatMap((r) => r.rows);
  const count = (rows: readonly VerifyRow[], c: VerifyRow['comparison'][]): number => rows.filter((r) => c.includes(r.comparison)).length;
  const seconds = (rs: readonly VerifyRun[]): string => rs.reduce((s, r) => s + r.result.seconds, 0).toFixed(3);
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'xenmc verify', '@_tests': all.length, '@_failures': count(all, ['differ']), '@_errors': 0,
      '@_skipped': count(all, ['incomplete', 'unchecked']), '@_time': seconds(runs),
      testsuite: models.map((m) => {
        const mine = runs.filter((r) => r.model.name === m);
        const rows = mine.flatMap((r) => r.rows);
        return {
          '@_name': m, '@_tests': rows.length, '@_failures': count(rows, ['differ']), '@_errors': 0,
          '@_skipped': count(rows, ['incomplete', 'unchecked']), '@_time': seconds(mine),
          testcase: mine.flatMap((run) => run.rows.map((row) => {
            const report = reports.get(cellKey(row));
            const base = {
              '@_classname': `xenmc.${row.model}.${row.variant}.${row.mm}`, '@_name': row.property,
              '@_time': (run.result.seconds / Math.max(run.rows.length, 1)).toFixed(3),
            };
            if (row.comparison === 'differ') {
              return { ...base, failure: { '@_message': `${row.property}: expected ${row.expected}, got ${row.verdict}`, '@_type': 'verdict', '#text': failureText(run, row, report) } };
            }
            if (row.comparison === 'incomplete' || row.comparison === 'unchecked') {
              return { ...base, skipped: { '@_message': row.comparison === 'incomplete' ? `incomplete: a bound cut the search short (${run.result.stopReason})` : 'unchecked: the checker cannot decide this property yet' } };
            }
            const note = `${row.verdict}${row.expected === 'unstated' ? ' (no expected verdict stated)' : ' as expected'}${report ? `; report: ${report}` : ''}`;
            return { ...base, 'system-out': note };
          })),
        };
      }),
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', format: true, suppressEmptyNode: true }).build(doc);
}
