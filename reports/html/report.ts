/**
 * The one-page report of a counterexample (or a litmus witness): the summary, what went
 * wrong in words, the event graph of the explanation and the whole execution, the
 * sequence chart, and the trace table with each step's state diff. Pictures come in as
 * SVG already drawn (folders/trace.ts draws them), so the page needs nothing when opened.
 */
import type { TraceGraphs } from '../graph.ts';
import { EDGE_COLOURS } from '../dot/events.ts';
import type { Subject } from '../subject.ts';
import { renderBounds } from '../text.ts';
import { esc } from './escape.ts';
import { page } from './page.ts';
import { traceTable } from './trace-table.ts';

export interface Figures {
  /** the event graph restricted to the explanation */
  readonly focusSvg: string;
  /** the whole event graph */
  readonly eventsSvg: string;
  readonly sequenceSvg: string;
  readonly mermaid: string;
}

function summaryRows(s: Subject, tg: TraceGraphs): [string, string][] {
  const rows: [string, string][] = [
    ['model', `${esc(s.model)}${s.modelTitle ? ` — ${esc(s.modelTitle)}` : ''}`],
    ['variant', s.variant ? `${esc(s.variant)}${s.variantTitle ? ` — ${esc(s.variantTitle)}` : ''}` : '—'],
    ['memory model', esc(s.mm)],
    ['parameters', esc(Object.entries(s.params).map(([k, v]) => `${k}=${v}`).join(' ') || '—')],
    ['property', `<b>${esc(s.property.id)}</b> — ${esc(s.property.description)}`],
    ['verdict', `<span class="verdict-${esc(s.property.verdict)}">${esc(s.property.verdict)}</span>`],
    [s.kind === 'witness' ? 'witness' : 'counterexample', `${tg.trace.steps.length} steps, ${tg.trace.events.length} memory events${s.kind !== 'counterexample' ? '' : tg.trace.order === 'depth-first' ? ' (found depth-first: not necessarily the shortest)' : ' (shortest: breadth-first search)'}`],
  ];
  if (s.run) {
    rows.push(['search', esc(renderBounds(s.run))]);
    rows.push(['time', `${s.run.seconds.toFixed(2)} s`]);
  }
  return rows;
}

function legend(): string {
  const names: Record<string, string> = { po: 'program order', rmw: 'read-modify-write', rf: 'reads from', co: 'coherence', fr: 'from-read', fence: 'fence', addr: 'addr/data/ctrl dependency' };
  return `<p class="legend">${Object.entries(names).map(([k, v]) => `<span><i style="border-color:${EDGE_COLOURS[k as keyof typeof EDGE_COLOURS]}"></i>${esc(k)}: ${esc(v)}</span>`).join('')}`
    + '<span>bold: the explanation · dashed bold: ran out of order · faded: the rest</span></p>';
}

export function reportHtml(s: Subject, tg: TraceGraphs, fig: Figures, files: readonly string[] = []): string {
  const where = `${s.model}${s.variant ? ` ${s.variant}` : ''} · ${s.mm}`;
  const title = s.kind === 'witness' ? `Witness · ${s.property.id} · ${s.mm}` : `${s.property.id} ${s.property.verdict} · ${where}`;
  const x = tg.explanation;
  const story = x.sentences.length > 0 ? `<ul class="story">${x.sentences.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : '';
  const body = `
<h1>${esc(title)}</h1>
<p class="subtitle">xenmc ${s.kind === 'witness' ? 'witness execution' : 'counterexample'} — ${esc(s.model)}${s.variant ? ` ${esc(s.variant)}` : ''} under ${esc(s.mm)}</p>
<section id="summary"><h2>Summary</h2>
<table class="summary">${summaryRows(s, tg).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>
</section>
<section id="explanation"><h2>What went wrong</h2>
<p class="violation">${esc(tg.trace.violation)}</p>
${story}
</section>
<section id="event-graph"><h2>Event graph: the explanation</h2>
${legend()}
<div class="figure">${fig.focusSvg}</div>
<details><summary>the whole execution (${tg.events.order} events and initial writes, ${tg.events.size} edges)</summary><div class="figure">${fig.eventsSvg}</div></details>
</section>
<section id="sequence"><h2>Sequence chart</h2>
<p>One lifeline per actor; arrows carry the values one thread wrote and another read; a crossed arrow is a store its reader missed. Routine flushes are left out.</p>
<div class="figure">${fig.sequenceSvg}</div>
<details><summary>as Mermaid text</summary><pre>${esc(fig.mermaid)}</pre></details>
</section>
<section id="trace"><h2>Trace</h2>
${traceTable(tg)}
</section>
<section id="final"><h2>Final state</h2>
<details><summary>${tg.trace.final.length} components</summary>
<table class="summary">${tg.trace.final.map((e) => `<tr><th>${esc(e.name)}</th><td>${esc(e.text)}</td></tr>`).join('')}</table></details>
</section>
${files.length > 0 ? `<section id="files"><h2>Files</h2><ul>${files.map((f) => `<li><a href="${esc(f)}">${esc(f)}</a></li>`).join('')}</ul></section>` : ''}`;
  return page(title, body);
}
