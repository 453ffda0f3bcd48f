/**
 * summary.json, the machine-readable face of a report folder: for one violation, what it
 * violates and why; for a check run, every property's verdict and where its report is;
 * for a verify run, the verdict matrix cell by cell against the expected verdicts.
 */
import type { Result } from '../checker/result.ts';
import type { VerifyRun } from '../checker/verify.ts';
import type { TraceGraphs } from './graph.ts';
import type { Subject } from './subject.ts';
import { summarize } from './text.ts';

export const SUMMARY_VERSION = 1;

export function violationSummary(s: Subject, tg: TraceGraphs, files: readonly string[]): object {
  return {
    summaryVersion: SUMMARY_VERSION,
    kind: s.kind,
    model: s.model, variant: s.variant, mm: s.mm, params: s.params,
    property: s.property.id, description: s.property.description, verdict: s.property.verdict,
    violation: tg.trace.violation,
    steps: tg.trace.steps.length,
    events: tg.trace.events.length,
    explanation: {
      kind: tg.explanation.kind,
      sentences: tg.explanation.sentences,
      cycle: tg.explanation.cycle.map((e) => tg.events.getEdgeAttribute(e, 'kind')),
      violatingReads: tg.trace.violatingReads ?? [],
    },
    routineSteps: [...tg.routine],
    ...(s.run ? { run: s.run } : {}),
    files,
  };
}

export function checkSummary(r: Result, reports: ReadonlyMap<string, string>): object {
  return {
    summaryVersion: SUMMARY_VERSION,
    model: r.model, variant: r.variant, mm: r.mm, params: r.params, verdict: r.verdict,
    properties: r.properties.map((p) => ({
      id: p.id, kind: p.kind, description: p.description, verdict: p.verdict,
      ...(reports.has(p.id) ? { report: reports.get(p.id) } : {}),
      ...(p.trace ? { steps: p.trace.steps.length, violation: p.trace.violation } : {}),
    })),
    states: r.states, transitions: r.transitions, depth: r.depth, seconds: r.seconds, stopReason: r.stopReason, bounds: r.bounds,
  };
}

/** `reports` maps "model/variant/mm/property" to the report folder of that cell's violation. */
export function verifySummary(runs: readonly VerifyRun[], reports: ReadonlyMap<string, string>): object {
  const rows = runs.flatMap((r) => r.rows);
  return {
    summaryVersion: SUMMARY_VERSION,
    totals: { runs: runs.length, cells: rows.length, ...summarize(rows) },
    verdict: rows.some((r) => r.comparison === 'differ') ? 'differ' : rows.some((r) => r.comparison === 'incomplete') ? 'incomplete' : 'agree',
    cells: rows.map((row) => {
      const key = cellKey(row);
      return {
        model: row.model, variant: row.variant, mm: row.mm, property: row.property,
        expected: row.expected, verdict: row.verdict, comparison: row.comparison, states: row.states, seconds: row.seconds,
        ...(reports.has(key) ? { report: reports.get(key) } : {}),
      };
    }),
  };
}

export function cellKey(c: { readonly model: string; readonly variant: string; readonly mm: string; readonly property: string }): string {
  return `${c.model}/${c.variant}/${c.mm}/${c.property}`;
}
