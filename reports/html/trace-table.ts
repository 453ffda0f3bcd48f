/**
 * The trace as a table: step, actor, action with its source line, and the state diff.
 * Steps on the explanation are highlighted, routine store-buffer flushes marked, and a
 * checkbox (CSS only, no script) hides the routine ones.
 */
import type { Change, Trace } from '../../checker/result.ts';
import type { TraceGraphs } from '../graph.ts';
import { eventNode } from '../graph.ts';
import { esc } from './escape.ts';

/** A step's state changes; a composite (a store buffer) by its new content only, as the CLI prints it. */
function diff(changes: readonly Change[], composite: ReadonlySet<string>): string {
  const shown = changes.filter((c) => !c.name.endsWith('.pc'));
  if (shown.length === 0) return '';
  return `<ul class="diff">${shown.map((c) => (composite.has(c.name)
    ? `<li>${esc(c.name)} now <b>${esc(c.after)}</b></li>`
    : `<li>${esc(c.name)}: ${esc(c.before)} → <b>${esc(c.after)}</b></li>`)).join('')}</ul>`;
}

export function traceTable(tg: TraceGraphs): string {
  const t: Trace = tg.trace;
  const g = tg.events;
  const composite = new Set(t.initial.filter((e) => e.value === null).map((e) => e.name));
  const rows = t.steps.map((s) => {
    const marked = s.events.some((id) => g.hasNode(eventNode(id)) && g.getNodeAttribute(eventNode(id), 'marked'));
    const cls = [s.kind, tg.routine.has(s.index) ? 'routine' : '', marked ? 'marked' : ''].filter(Boolean).join(' ');
    return `<tr class="${cls}" id="step-${s.index}"><td class="n">${s.index}</td><td class="actor">${esc(s.actor)}</td>`
      + `<td>${esc(s.action)}</td><td class="src">${esc(s.source ?? '')}</td><td>${diff(s.changes, composite)}</td></tr>`;
  });
  const routine = tg.routine.size;
  return `<input type="checkbox" id="hide-routine"> <label for="hide-routine">hide the ${routine} routine store-buffer flush${routine === 1 ? '' : 'es'} (stores no part of the explanation needs)</label>
<table class="trace"><thead><tr><th>#</th><th>actor</th><th>action</th><th>source</th><th>state changes</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<p class="violation">end: ${esc(t.violation)}</p>`;
}
