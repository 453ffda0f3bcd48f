/**
 * Report folders. A trace becomes report.html, trace.itf.json, events.dot,
 * events.graphml, states.dot, sequence.mmd and summary.json; `check --report` writes one
 * such folder per violated property, `verify --report` one per violation found (expected
 * or not) plus index.html, junit.xml and summary.json, and a litmus witness gets the same
 * folder as a counterexample (writeWitnessReport).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Model } from '../checker/model.ts';
import type { Result, Trace } from '../checker/result.ts';
import type { VerifyRun } from '../checker/verify.ts';
import { eventGraphToDot } from './dot/events.ts';
import { stateGraphToDot } from './dot/states.ts';
import { traceGraphs, type MaybeLasso } from './graph.ts';
import { toGraphML } from './graphml.ts';
import { dotToSvg } from './graphviz.ts';
import { reportHtml } from './html/report.ts';
import { verifyIndexHtml } from './html/verify-index.ts';
import { traceToItf } from './itf.ts';
import { verifyJunit } from './junit.ts';
import { buildSequence } from './sequence/diagram.ts';
import { sequenceToMermaid } from './sequence/mermaid.ts';
import { sequenceToSvg } from './sequence/svg.ts';
import { type Subject, subjectOfCheck, subjectTitle } from './subject.ts';
import { cellKey, checkSummary, verifySummary, violationSummary } from './summary.ts';

export interface ReportFile { readonly name: string; readonly content: string }

export const TRACE_REPORT_FILES = ['report.html', 'trace.itf.json', 'events.dot', 'events.graphml', 'states.dot', 'sequence.mmd', 'summary.json'] as const;

/** Every file of one trace's report folder, rendered from its graphs. */
export async function traceReportFiles(s: Subject, trace: MaybeLasso): Promise<ReportFile[]> {
  const tg = traceGraphs(trace);
  const title = subjectTitle(s);
  const eventsDot = eventGraphToDot(tg.events, { title });
  const sequence = buildSequence(tg, title);
  const mermaid = sequenceToMermaid(sequence);
  const html = reportHtml(s, tg, {
    focusSvg: await dotToSvg(eventGraphToDot(tg.focus, { title: `${title}: the explanation` })),
    eventsSvg: await dotToSvg(eventsDot),
    sequenceSvg: sequenceToSvg(sequence),
    mermaid,
  }, TRACE_REPORT_FILES.filter((f) => f !== 'report.html'));
  return [
    { name: 'report.html', content: html },
    { name: 'trace.itf.json', content: `${JSON.stringify(traceToItf(trace, { model: s.model, variant: s.variant, mm: s.mm }), null, 1)}\n` },
    { name: 'events.dot', content: eventsDot },
    { name: 'events.graphml', content: toGraphML(tg.events) },
    { name: 'states.dot', content: stateGraphToDot(tg.states, { title }) },
    { name: 'sequence.mmd', content: mermaid },
    { name: 'summary.json', content: `${JSON.stringify(violationSummary(s, tg, [...TRACE_REPORT_FILES]), null, 2)}\n` },
  ];
}

export function writeFiles(dir: string, files: readonly ReportFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(path.join(dir, f.name), f.content);
}

/** A folder name from ids that may hold characters a file system or a URL dislikes. */
export function folderName(...parts: readonly string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_')).join('-');
}

/** `check --report DIR`: DIR/<property>/ per violation, DIR/summary.json for the run. Returns the folders written. */
export async function writeCheckReport(dir: string, r: Result, model?: Model): Promise<string[]> {
  const written: string[] = [];
  const reports = new Map<string, string>();
  for (const p of r.properties) {
    if (!p.trace) continue;
    const folder = folderName(p.id);
    writeFiles(path.join(dir, folder), await traceReportFiles(subjectOfCheck(r, p, model), p.trace));
    reports.set(p.id, folder);
    written.push(path.join(dir, folder));
  }
  writeFiles(dir, [{ name: 'summary.json', content: `${JSON.stringify(checkSummary(r, reports), null, 2)}\n` }]);
  return written;
}

/** `verify --report DIR`: a folder per violation found, index.html, junit.xml, summary.json. */
export async function writeVerifyReport(dir: string, runs: readonly VerifyRun[]): Promise<void> {
  const reports = new Map<string, string>();
  for (const run of runs) {
    for (const p of run.result.properties) {
      if (!p.trace) continue;
      const folder = folderName(run.model.name, run.variant, run.mm, p.id);
      writeFiles(path.join(dir, folder), await traceReportFiles(subjectOfCheck(run.result, p, run.model), p.trace));
      reports.set(cellKey({ model: run.model.name, variant: run.variant, mm: run.mm, property: p.id }), folder);
    }
  }
  writeFiles(dir, [
    { name: 'index.html', content: verifyIndexHtml(runs, reports) },
    { name: 'junit.xml', content: verifyJunit(runs, reports) },
    { name: 'summary.json', content: `${JSON.stringify(verifySummary(runs, reports), null, 2)}\n` },
  ]);
}

/** One witness execution of a litmus test's allowed outcome. */
export interface Witness {
  /** the litmus test's name */
  readonly test: string;
  readonly mm: string;
  /** the outcome the witness reaches, as the test's condition states it (e.g. `exists (1:r0=1 /\ 1:r1=0)`) */
  readonly condition: string;
  /** herd's word for the outcome: Allowed, Forbidden, … */
  readonly verdict: string;
  /** the execution, replayed from the explorer like a counterexample */
  readonly trace: Trace;
  readonly run?: Subject['run'];
}

/**
 * For `xenmc litmus ... --report DIR`: writes the witness's report folder into `dir` (the
 * same files as a counterexample's: events.dot and events.graphml carry its event graph,
 * report.html shows it) and returns the files written.
 */
export async function writeWitnessReport(dir: string, w: Witness): Promise<string[]> {
  const subject: Subject = {
    kind: 'witness', model: w.test, variant: null, mm: w.mm, params: {},
    property: { id: w.test, description: w.condition, verdict: w.verdict },
    ...(w.run ? { run: w.run } : {}),
  };
  const files = await traceReportFiles(subject, w.trace);
  writeFiles(dir, files);
  return files.map((f) => path.join(dir, f.name));
}
