/**
 * The explanation alone: the subgraph of an event graph on its marked events, the size of
 * a herd litmus picture. Program order between two kept events of a thread that were not
 * adjacent becomes one po edge saying how many events it skips (po is transitive, so the
 * picture stays true). Every other edge between kept events is kept as it was.
 *
 * A graph with nothing marked is returned whole.
 */
import { MultiDirectedGraph } from 'graphology';
import type { EventEdgeAttributes, EventGraph, EventGraphAttributes, EventNodeAttributes } from './event-graph.ts';
import { edgeKey } from './event-graph.ts';

export function focusOnExplanation(g: EventGraph): EventGraph {
  const keep = new Set(g.filterNodes((_n, a) => a.marked));
  if (keep.size === 0) return g.copy();
  const f: EventGraph = new MultiDirectedGraph<EventNodeAttributes, EventEdgeAttributes, EventGraphAttributes>();
  f.replaceAttributes({ ...g.getAttributes() });
  g.forEachNode((n, a) => { if (keep.has(n)) f.addNode(n, { ...a }); });
  g.forEachEdge((e, a, source, target) => {
    if (!keep.has(source) || !keep.has(target)) return;
    f.addDirectedEdgeWithKey(e, source, target, { ...a });
  });
  // program order across the events left out
  const threads = new Map<string, string[]>();
  g.forEachNode((n, a) => {
    if (a.kind === 'init') return;
    if (!threads.has(a.thread)) threads.set(a.thread, []);
    threads.get(a.thread)!.push(n);
  });
  for (const all of threads.values()) {
    all.sort((x, y) => g.getNodeAttribute(x, 'poIndex') - g.getNodeAttribute(y, 'poIndex'));
    const kept = all.filter((n) => keep.has(n));
    for (let i = 1; i < kept.length; i++) {
      const a = kept[i - 1], b = kept[i];
      const skipped = g.getNodeAttribute(b, 'poIndex') - g.getNodeAttribute(a, 'poIndex') - 1;
      if (skipped === 0) continue; // adjacent: the po or rmw edge was copied above
      const key = edgeKey('po', a, b);
      f.addDirectedEdgeWithKey(key, a, b, {
        kind: 'po', label: `po (${skipped} event${skipped > 1 ? 's' : ''} between)`, external: false,
        marked: false, relaxed: false, note: `skips ${skipped}`,
      });
    }
  }
  return f;
}
