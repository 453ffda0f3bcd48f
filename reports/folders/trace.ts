/**
 * One trace's report folder: report.html, trace.itf.json, events.dot, events.graphml,
 * states.dot, sequence.mmd and summary.json, every one rendered from the trace's graphs.
 */
import type { MaybeLasso } from '../graph.ts';
import { traceGraphs } from '../graph.ts';
import { eventGraphToDot } from '../dot/events.ts';
import { stateGraphToDot } from '../dot/states.ts';
import { toGraphML } from '../graphml.ts';
import { dotToSvg } from '../graphviz.ts';
import { reportHtml } from '../html/report.ts';
import { traceToItf } from '../itf.ts';
import { buildSequence } from '../sequence/diagram.ts';
import { sequenceToMermaid } from '../sequence/mermaid.ts';
import { sequenceToSvg } from '../sequence/svg.ts';
import { type Subject, subjectTitle } from '../subject.ts';
import { violationSummary } from '../summary.ts';
import type { ReportFile } from './write.ts';

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
