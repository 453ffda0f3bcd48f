/**
 * The event graph in DOT, drawn the way herd7 draws executions: one cluster per thread
 * (program order running down it), the initial writes apart, rf red, co blue, fr orange,
 * po black. Time runs down the page too: events sit at the height of the step that
 * performed them, so an edge that climbs is one that ran against time, which is where a
 * weak-memory bug shows. When the graph carries an explanation, its edges are drawn bold
 * and everything else faded.
 */
import type { EventEdgeAttributes, EventEdgeKind, EventGraph, EventNodeAttributes } from '../graph.ts';
import { attrs, quote, wrap } from './syntax.ts';

export const EDGE_COLOURS: Readonly<Record<EventEdgeKind, string>> = {
  po: '#000000', rmw: '#6b21a8', rf: '#dc2626', co: '#2563eb', fr: '#ea580c',
  fence: '#15803d', addr: '#7c3aed', data: '#7c3aed', ctrl: '#7c3aed',
};

const NODE_FILL: Readonly<Record<EventNodeAttributes['kind'], string>> = { R: '#eff6ff', W: '#fff7ed', F: '#f3f4f6', init: '#ffffff' };

export interface EventDotOptions {
  /** the graph's caption, e.g. "ioreq A-B5 · tso · A4" */
  readonly title?: string;
}

function nodeLabel(a: EventNodeAttributes): string {
  if (a.kind === 'init') return a.label;
  const when = a.kind === 'W'
    ? a.visibleAt === undefined ? `step ${a.step} · still buffered` : a.visibleAt === a.step ? `step ${a.step}` : `step ${a.step} · visible at ${a.visibleAt}`
    : a.source === 'buffer' ? `step ${a.step} · from its buffer` : `step ${a.step}`;
  return `${a.label}\n${when}\n${wrap(a.instruction, 36)}`;
}

function edgeLabel(a: EventEdgeAttributes): string {
  return a.relaxed ? `${a.label} (${a.note ?? 'out of order'})` : a.label;
}

export function eventGraphToDot(g: EventGraph, opts: EventDotOptions = {}): string {
  const explained = g.someEdge((_e, a) => a.marked);
  const lines: string[] = [];
  const caption = [opts.title, g.getAttribute('violation') ? `violation: ${g.getAttribute('violation')}` : undefined]
    .filter((x): x is string => !!x).join('\n');
  lines.push('digraph events {');
  lines.push(`  graph${attrs({
    rankdir: 'TB', newrank: 'true', fontname: 'Helvetica', fontsize: 12, labelloc: 't', label: caption || undefined,
    nodesep: 0.35, ranksep: 0.3, outputorder: 'edgesfirst',
  })};`);
  lines.push(`  node${attrs({ shape: 'box', style: 'rounded,filled', fontname: 'Helvetica', fontsize: 10, margin: '0.08,0.04' })};`);
  lines.push(`  edge${attrs({ fontname: 'Helvetica', fontsize: 9, arrowsize: 0.7 })};`);

  // the time spine: one invisible rank per step that performed an event
  const steps = [...new Set(g.mapNodes((_n, a) => a.step))].sort((a, b) => a - b);
  lines.push('  subgraph time {');
  lines.push(`    node${attrs({ style: 'invis', shape: 'point', width: 0, height: 0, label: '' })};`);
  lines.push(`    edge${attrs({ style: 'invis' })};`);
  for (const s of steps) lines.push(`    ${quote(`t${s}`)};`);
  for (let i = 1; i < steps.length; i++) lines.push(`    ${quote(`t${steps[i - 1]}`)} -> ${quote(`t${steps[i]}`)};`);
  lines.push('  }');

  const node = (n: string, a: EventNodeAttributes): string => {
    const emphasis = a.violating ? { color: '#b91c1c', penwidth: 2.5 } : a.marked ? { color: '#b91c1c', penwidth: 1.6 } : { color: explained ? '#9ca3af' : '#374151' };
    return `    ${quote(n)}${attrs({
      label: nodeLabel(a), fillcolor: NODE_FILL[a.kind], ...emphasis,
      ...(a.kind === 'init' ? { style: 'rounded,filled,dashed' } : {}),
      tooltip: a.kind === 'init' ? a.label : `${a.actor}: ${a.instruction}`,
    })};`;
  };

  const inits = g.filterNodes((_n, a) => a.kind === 'init');
  if (inits.length > 0) {
    lines.push('  subgraph cluster_init {');
    lines.push(`    graph${attrs({ label: 'initial state', style: 'dashed', color: '#9ca3af', fontsize: 10 })};`);
    for (const n of inits) lines.push(node(n, g.getNodeAttributes(n)));
    lines.push('  }');
  }
  const threads: string[] = [];
  g.forEachNode((_n, a) => { if (a.kind !== 'init' && !threads.includes(a.thread)) threads.push(a.thread); });
  threads.forEach((t, i) => {
    const members = g.filterNodes((_n, a) => a.kind !== 'init' && a.thread === t)
      .sort((x, y) => g.getNodeAttribute(x, 'poIndex') - g.getNodeAttribute(y, 'poIndex'));
    const actor = g.getNodeAttribute(members[0], 'actor');
    lines.push(`  subgraph ${quote(`cluster_thread${i}`)} {`);
    lines.push(`    graph${attrs({ label: actor === t ? t : `${actor} · ${t}`, color: '#c026d3', fontsize: 11 })};`);
    for (const n of members) lines.push(node(n, g.getNodeAttributes(n)));
    lines.push('  }');
  });
  for (const s of steps) {
    const at = g.filterNodes((_n, a) => a.step === s);
    lines.push(`  { rank=same; ${[quote(`t${s}`), ...at.map(quote)].join('; ')}; }`);
  }

  g.forEachEdge((_e, a, source, target) => {
    const colour = EDGE_COLOURS[a.kind];
    const faded = explained && !a.marked;
    lines.push(`  ${quote(source)} -> ${quote(target)}${attrs({
      label: edgeLabel(a), color: faded ? `${colour}40` : colour, fontcolor: faded ? `${colour}80` : colour,
      penwidth: a.marked ? 2.6 : 1,
      style: a.relaxed ? 'dashed,bold' : a.kind === 'addr' || a.kind === 'data' || a.kind === 'ctrl' ? 'dotted' : a.kind === 'fence' ? 'dashed' : undefined,
      // only program order shapes the layout; the time spine does the rest
      constraint: a.kind === 'po' || a.kind === 'rmw' ? undefined : 'false',
      weight: a.kind === 'po' || a.kind === 'rmw' ? 10 : undefined,
    })};`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
