/**
 * Why the execution violates the property, as a set of marked edges of its event graph.
 *
 * An execution is sequentially consistent exactly when po ∪ rf ∪ co ∪ fr is acyclic
 * (herd's sc.cat). So when the event graph has such a cycle, the cycle is the weak-memory
 * behaviour the bug needs, and it is what we mark, taking the shortest one through a read
 * the violation depends on (else the shortest at all). Along the cycle, time must run
 * backwards somewhere: the program-order stretch (or the store-forwarding rf edge) whose
 * first event took effect after its last is the reordering the memory model allowed, and
 * it is marked `relaxed`.
 *
 * Without a cycle the execution is an interleaving, and the bug is in the protocol itself;
 * then the violating reads' rf edges (where each value came from) and fr edges (the
 * writes each read missed or preceded) are marked.
 */
import type { Trace } from '../../checker/result.ts';
import type { EventEdgeAttributes, EventGraph, EventNodeAttributes } from './event-graph.ts';
import { eventNode } from './event-graph.ts';

export interface Explanation {
  readonly kind: 'cycle' | 'reads' | 'none';
  /** the cycle's edge keys, in order (empty unless kind is cycle) */
  readonly cycle: readonly string[];
  /** node keys of the reads the violation depends on */
  readonly reads: readonly string[];
  /** every marked edge key */
  readonly edges: readonly string[];
  /** the marked edges the memory model let run out of order */
  readonly relaxed: readonly string[];
  /** what happened, in sentences */
  readonly sentences: readonly string[];
}

const CYCLE_KINDS = new Set(['po', 'rmw', 'rf', 'co', 'fr']);
const PROGRAM_ORDER = new Set(['po', 'rmw']);

/** When an event took effect: a write when it became visible (never: Infinity), anything else at its step. */
function effectTime(a: EventNodeAttributes): number {
  if (a.kind === 'W') return a.visibleAt ?? Number.POSITIVE_INFINITY;
  return a.step;
}

/** Shortest cycle through `start` over po ∪ rmw ∪ rf ∪ co ∪ fr, as edge keys, or null. */
function shortestCycleThrough(g: EventGraph, start: string): string[] | null {
  const via = new Map<string, string>(); // node -> edge key that reached it
  const queue: string[] = [];
  const visit = (from: string): string | null => {
    for (const e of g.outEdges(from)) {
      if (!CYCLE_KINDS.has(g.getEdgeAttribute(e, 'kind'))) continue;
      const to = g.target(e);
      if (to === start) { via.set(start, e); return start; }
      if (via.has(to)) continue;
      via.set(to, e);
      queue.push(to);
    }
    return null;
  };
  if (visit(start) === null) {
    for (let i = 0; i < queue.length; i++) if (visit(queue[i]) !== null) break;
  }
  if (!via.has(start)) return null;
  const path: string[] = [];
  let at = start;
  do {
    const e = via.get(at)!;
    path.push(e);
    at = g.source(e);
  } while (at !== start);
  return path.reverse();
}

function shortest(cycles: (string[] | null)[]): string[] | null {
  let best: string[] | null = null;
  for (const c of cycles) if (c && (!best || c.length < best.length)) best = c;
  return best;
}

const describeEvent = (a: EventNodeAttributes): string =>
  a.kind === 'init' ? `the initial value of ${a.location}`
    : a.kind === 'R' ? `${a.thread}'s read of ${a.location} (step ${a.step}, ${a.valueText})`
      : a.kind === 'W' ? `${a.thread}'s store ${a.location} := ${a.valueText} (step ${a.step})`
        : `${a.thread}'s fence ${a.fence ?? ''} (step ${a.step})`;

/** The stretches of a cycle that ran out of order, and what to say about each. */
function relaxedStretches(g: EventGraph, cycle: readonly string[]): { edges: string[]; sentences: string[] } {
  const edges: string[] = [];
  const sentences: string[] = [];
  // rotate so the cycle starts right after a non-program-order edge; then cut it into maximal po stretches
  const k = cycle.findIndex((e) => !PROGRAM_ORDER.has(g.getEdgeAttribute(e, 'kind')));
  if (k < 0) return { edges, sentences };
  const rotated = [...cycle.slice(k + 1), ...cycle.slice(0, k + 1)];
  let stretch: string[] = [];
  const close = (): void => {
    if (stretch.length === 0) return;
    const first = g.getNodeAttributes(g.source(stretch[0]));
    const last = g.getNodeAttributes(g.target(stretch[stretch.length - 1]));
    if (effectTime(first) > effectTime(last)) {
      edges.push(...stretch);
      if (last.kind === 'W' && last.visibleAt !== undefined && last.visibleAt < last.step) {
        // ARMv8: the later write was promised, visible before its thread executed it
        sentences.push(`${last.thread} promised its store ${last.location} := ${last.valueText} at step ${last.visibleAt} and executed it only at step ${last.step}; `
          + `it was visible before ${describeEvent(first)} `
          + `${first.kind === 'W' ? `became visible${first.visibleAt === undefined ? '' : ` at step ${first.visibleAt}`}` : 'took effect'}, which comes earlier in its program order: `
          + `the memory model let the W be promised ahead of the ${first.kind} (${first.kind}→W reordering).`);
        stretch = [];
        return;
      }
      const still = first.kind === 'W'
        ? first.visibleAt === undefined ? 'never became visible during the trace' : `became visible only at step ${first.visibleAt}`
        : `took effect at step ${first.step}`;
      sentences.push(`${describeEvent(first)} ${still}, after ${describeEvent(last)}, which comes later in ${first.thread}'s program order: `
        + `the memory model let ${last.kind}${first.kind === 'W' ? ' pass the buffered W' : ` overtake ${first.kind}`} (${first.kind}→${last.kind} reordering).`);
    }
    stretch = [];
  };
  for (const e of rotated) {
    const a = g.getEdgeAttributes(e);
    if (PROGRAM_ORDER.has(a.kind)) { stretch.push(e); continue; }
    close();
    if (a.kind === 'fr' && a.external) {
      // ARMv8: a read may return a write older than one already visible (its thread's view
      // had not reached the newer one); under TSO and PSO a read sees the newest visible write
      const r = g.getNodeAttributes(g.source(e));
      const w = g.getNodeAttributes(g.target(e));
      if (r.kind === 'R' && w.visibleAt !== undefined && w.visibleAt < r.step) {
        edges.push(e);
        sentences.push(`${describeEvent(r)} took a stale value: ${w.thread}'s store ${w.location} := ${w.valueText} had been visible since step ${w.visibleAt}, `
          + `but ${r.thread} had not yet observed it (nothing ordered the read after it: the read was satisfied early, R→R reordering).`);
      }
    }
    if (a.kind === 'rf' && !a.external) {
      const w = g.getNodeAttributes(g.source(e));
      const r = g.getNodeAttributes(g.target(e));
      if (effectTime(w) > effectTime(r)) {
        edges.push(e);
        sentences.push(`${describeEvent(r)} took its value from its own store buffer before ${describeEvent(w)} was visible to other threads (store forwarding).`);
      }
    }
  }
  close();
  return { edges, sentences };
}

/**
 * The writes of other threads that a read missed or that overwrote what it read: fr in
 * full, found by following co from the write read. Each comes with the edges that lead
 * there (the fr edge, then co), so that marking them draws the path.
 */
function overwrites(g: EventGraph, read: string): { write: string; path: string[] }[] {
  const r = g.getNodeAttributes(read);
  const out: { write: string; path: string[] }[] = [];
  const fr = g.outEdges(read).find((e) => g.getEdgeAttribute(e, 'kind') === 'fr');
  if (!fr) return out;
  const path = [fr];
  let at = g.target(fr);
  for (;;) {
    const w = g.getNodeAttributes(at);
    if (w.thread !== r.thread) {
      out.push({ write: at, path: [...path] });
      // one overwrite after the read is the story; every missed one (issued before it) is
      if (w.step > r.step) break;
    }
    const next = g.outEdges(at).find((e) => g.getEdgeAttribute(e, 'kind') === 'co');
    if (!next) break;
    path.push(next);
    at = g.target(next);
  }
  return out;
}

function readSentence(g: EventGraph, read: string): string {
  const r = g.getNodeAttributes(read);
  const rf = g.inEdges(read).find((e) => g.getEdgeAttribute(e, 'kind') === 'rf');
  const from = rf ? g.getNodeAttributes(g.source(rf)) : null;
  const origin = !from ? 'from an unknown write'
    : from.kind === 'init' ? 'the initial value'
      : from.thread === r.thread ? `its own store of step ${from.step}${from.visibleAt === undefined || from.visibleAt > r.step ? ', forwarded from its store buffer' : ''}`
        : `written by ${from.thread} at step ${from.step}`;
  const parts = [`${r.thread} read ${r.location} = ${r.valueText} at step ${r.step}, ${origin}`];
  for (const { write } of overwrites(g, read)) {
    const w = g.getNodeAttributes(write);
    parts.push(w.step < r.step
      ? `it missed ${w.thread}'s store ${w.location} := ${w.valueText} of step ${w.step}, ${w.visibleAt === undefined ? 'never visible during the trace' : `visible only at step ${w.visibleAt}`} (fr)`
      : `${w.thread}'s store ${w.location} := ${w.valueText} came only after it, at step ${w.step} (fr)`);
  }
  return `${parts.join('; ')}.`;
}

/**
 * The events on or behind a cycle of po ∪ rmw ∪ rf ∪ co ∪ fr: what is left once events with
 * no incoming such edge are peeled off one by one (Kahn's algorithm). Empty exactly when
 * the execution is sequentially consistent; every cycle runs through what is left.
 */
function cyclic(g: EventGraph): Set<string> {
  const indegree = new Map<string, number>();
  g.forEachNode((n) => indegree.set(n, 0));
  g.forEachEdge((_e, a, _s, t) => { if (CYCLE_KINDS.has(a.kind)) indegree.set(t, indegree.get(t)! + 1); });
  const queue = [...indegree].filter(([, d]) => d === 0).map(([n]) => n);
  const left = new Set(g.nodes());
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i];
    left.delete(n);
    for (const e of g.outEdges(n)) {
      if (!CYCLE_KINDS.has(g.getEdgeAttribute(e, 'kind'))) continue;
      const t = g.target(e);
      const d = indegree.get(t)! - 1;
      indegree.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  return left;
}

/** Computes the explanation of the trace's violation on its event graph. */
export function explain(g: EventGraph, trace: Trace): Explanation {
  const reads = (trace.violatingReads ?? []).map(eventNode).filter((n) => g.hasNode(n));
  const onCycles = cyclic(g);
  const outstanding = trace.events.filter((e) => e.kind === 'W' && e.unexecuted);
  let cycle = shortest(reads.filter((r) => onCycles.has(r)).map((r) => shortestCycleThrough(g, r)));
  const throughReads = cycle !== null;
  if (!cycle && onCycles.size > 0) cycle = shortest([...onCycles].map((n) => shortestCycleThrough(g, n)));
  const sentences: string[] = [];
  const marked = new Set<string>();
  let relaxed: string[] = [];
  if (cycle) {
    cycle.forEach((e) => marked.add(e));
    const threads = [...new Set(cycle.map((e) => g.getNodeAttribute(g.source(e), 'thread')).filter((t) => t !== ''))];
    const kinds = cycle.map((e) => g.getEdgeAttribute(e, 'kind'));
    sentences.push(`Not sequentially consistent: the events form a cycle of po, rf, co and fr (${kinds.join(' → ')}) through ${threads.join(' and ')}, which no interleaving can produce`
      + `${reads.length > 0 && !throughReads ? '; it does not pass through the reads the violation depends on' : ''}.`);
    const r = relaxedStretches(g, cycle);
    relaxed = r.edges;
    sentences.push(...r.sentences);
  } else if (outstanding.length > 0) {
    // The cycle would run through instructions the promising thread has not executed yet,
    // which have no events: the promise is the reordering.
    for (const w of outstanding) {
      sentences.push(`${w.thread} promised its store ${w.location} := ${w.valueText} at step ${w.visibleAt ?? w.step} and had not executed it when the violation occurred: `
        + `other threads saw it before ${w.thread} ran the instructions that come first in its program order (the memory model let the W be promised ahead of them).`);
    }
  } else if (reads.length > 0) {
    sentences.push('Sequentially consistent (po ∪ rf ∪ co ∪ fr has no cycle): the violation needs no reordering, only this interleaving.');
  }
  for (const read of reads) {
    for (const e of g.inEdges(read)) if (g.getEdgeAttribute(e, 'kind') === 'rf') marked.add(e);
    for (const { path } of overwrites(g, read)) path.forEach((e) => marked.add(e));
    sentences.push(readSentence(g, read));
  }
  return {
    kind: cycle ? 'cycle' : reads.length > 0 ? 'reads' : 'none',
    cycle: cycle ?? [],
    reads,
    edges: [...marked],
    relaxed,
    sentences,
  };
}

/** Writes the explanation into the graph's attributes: marked edges and nodes, relaxed edges, violating reads. */
export function markExplanation(g: EventGraph, x: Explanation): void {
  const relaxed = new Set(x.relaxed);
  for (const e of x.edges) {
    const patch: Partial<EventEdgeAttributes> = { marked: true, ...(relaxed.has(e) ? { relaxed: true, note: 'out of order' } : {}) };
    g.mergeEdgeAttributes(e, patch);
    g.setNodeAttribute(g.source(e), 'marked', true);
    g.setNodeAttribute(g.target(e), 'marked', true);
  }
  for (const r of x.reads) g.setNodeAttribute(r, 'marked', true);
  g.setAttribute('explanation', x.sentences.join('\n'));
}
