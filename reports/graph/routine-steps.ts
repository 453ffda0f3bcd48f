/**
 * Which steps of a trace are routine: store-buffer flushes the story of the bug does not
 * need. The story's anchors are the ends of its marked communication edges (rf, co, fr:
 * the writes read, missed or overwritten) and the violating reads; program order merely
 * passes through the events between them. A flush matters when the store it makes
 * visible is an anchor or is where an anchored read took its value from; every other
 * flush is routine. Renderers fold or dim routine steps; the trace itself keeps them all.
 *
 * Without an explanation nothing is routine: there is no story to measure against.
 */
import type { Trace } from '../../checker/result.ts';
import type { EventGraph } from './event-graph.ts';
import { eventNode } from './event-graph.ts';

export function routineSteps(trace: Trace, g: EventGraph): ReadonlySet<number> {
  const needed = new Set<string>();
  g.forEachEdge((_e, a, source, target) => {
    if (!a.marked || a.kind === 'po' || a.kind === 'rmw') return;
    needed.add(source);
    needed.add(target);
  });
  g.forEachNode((n, a) => { if (a.violating) needed.add(n); });
  if (needed.size === 0) return new Set();
  // where the anchored reads took their values from
  g.forEachEdge((_e, a, source, target) => {
    if (a.kind === 'rf' && needed.has(target) && g.getNodeAttribute(target, 'kind') === 'R') needed.add(source);
  });
  const out = new Set<number>();
  for (const s of trace.steps) {
    if (s.kind !== 'memory') continue;
    const writes = s.events.map(eventNode).filter((n) => g.hasNode(n));
    if (writes.every((n) => !needed.has(n))) out.add(s.index);
  }
  return out;
}
