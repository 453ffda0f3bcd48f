/**
 * The state trace graph in DOT: states down the page, each showing what changed, steps
 * as labelled edges (who moved, what it did). Routine store-buffer flushes are drawn
 * grey; the final state, where the violation is observed, red.
 */
import type { StateGraph } from '../graph.ts';
import { attrs, quote, wrap } from './syntax.ts';

/** Lines of a state's changes shown in full before the rest is summarised. */
const SHOWN = 8;

export function stateGraphToDot(g: StateGraph, opts: { readonly title?: string } = {}): string {
  const lines: string[] = ['digraph states {'];
  lines.push(`  graph${attrs({ rankdir: 'TB', fontname: 'Helvetica', fontsize: 12, labelloc: 't', label: opts.title, nodesep: 0.3, ranksep: 0.35 })};`);
  lines.push(`  node${attrs({ shape: 'box', style: 'rounded,filled', fillcolor: '#ffffff', fontname: 'Helvetica', fontsize: 9 })};`);
  lines.push(`  edge${attrs({ fontname: 'Helvetica', fontsize: 9 })};`);
  g.forEachNode((n, a) => {
    const changes = a.changes === '' ? [] : a.changes.split('\n');
    const shown = changes.slice(0, SHOWN).map((c) => wrap(c, 60));
    if (changes.length > SHOWN) shown.push(`… and ${changes.length - SHOWN} more`);
    const head = a.index === 0 ? 'initial state' : `state ${a.index}`;
    const label = [head, ...shown, ...(a.final && a.violation ? [`✗ ${wrap(a.violation, 60)}`] : [])].join('\n');
    lines.push(`  ${quote(n)}${attrs({
      label,
      ...(a.final ? { color: '#b91c1c', penwidth: 2, fillcolor: '#fef2f2' } : {}),
    })};`);
  });
  g.forEachEdge((_e, a, source, target) => {
    const isLoop = a.step === 0;
    const head = isLoop ? a.action : `${a.step}. ${a.actor}`;
    const body = isLoop ? '' : `\n${wrap(a.action, 56)}`;
    lines.push(`  ${quote(source)} -> ${quote(target)}${attrs({
      label: `${head}${body}`,
      color: a.routine ? '#9ca3af' : a.kind === 'memory' ? '#2563eb' : '#111827',
      fontcolor: a.routine ? '#9ca3af' : '#111827',
      ...(isLoop ? { style: 'dashed', constraint: 'false', color: '#b91c1c' } : {}),
    })};`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
