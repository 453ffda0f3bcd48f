/**
 * The event graph of one execution, in herd7's vocabulary: a node per memory event (R, W,
 * F, and one initial write per location the trace touches), and the relations between
 * them as typed edges: po (program order, immediate), rmw (the read and write of one
 * read-modify-write), rf (reads-from, from the initial write for an initial value), co
 * (coherence order, immediate), fr (from-read: to the write that overwrote the value read,
 * i.e. fr reduced by co, as co then orders the rest), fence (the accesses a fence orders,
 * po-nearest on either side) and addr/data/ctrl dependencies.
 *
 * Built from any Trace, whether a counterexample of `check` or a litmus witness: nothing
 * here knows which model or memory model produced it.
 */
import { MultiDirectedGraph } from 'graphology';
import type { MemoryEvent, Trace } from '../../checker/result.ts';

export type EventNodeKind = 'R' | 'W' | 'F' | 'init';
export type EventEdgeKind = 'po' | 'rmw' | 'rf' | 'co' | 'fr' | 'fence' | 'addr' | 'data' | 'ctrl';
export const EDGE_KINDS: readonly EventEdgeKind[] = ['po', 'rmw', 'rf', 'co', 'fr', 'fence', 'addr', 'data', 'ctrl'];

/**
 * Node attributes. Optional fields are absent rather than null, so that the graph
 * survives GraphML, which has no null.
 */
export interface EventNodeAttributes {
  kind: EventNodeKind;
  /** herd's short name (a, b, …, z, a1, …); `init` nodes have none */
  letter: string;
  /** one line, herd style: `a: W[slot.state]=READY(1)` */
  label: string;
  /** '' for initial writes */
  thread: string;
  /** the thread's actor as the protocol names it ('' for initial writes) */
  actor: string;
  /** the trace step that performed it; 0 for initial writes */
  step: number;
  /** '' for fences */
  location: string;
  value: number;
  valueText: string;
  instruction: string;
  /** the MemoryEvent id; -1 for initial writes */
  event: number;
  /** position in its thread's program order (0-based); -1 for initial writes */
  poIndex: number;
  fence?: string;
  rmw?: number;
  /** reads: where the value came from */
  source?: string;
  /** writes: the step at which it became visible (absent if it never did during the trace) */
  visibleAt?: number;
  /** writes: coherence position (-1 for the initial write; absent while never visible) */
  co?: number;
  /** a read whose value the violation depends on */
  violating: boolean;
  /** on the explanation of the violation */
  marked: boolean;
}

export interface EventEdgeAttributes {
  kind: EventEdgeKind;
  label: string;
  /** between different threads (rfe, coe, fre); initial writes count as another thread */
  external: boolean;
  /** on the explanation of the violation: the cycle, or the violating reads' rf and fr */
  marked: boolean;
  /** a program-order (or store-forwarding) edge of the cycle that the memory model let go out of order */
  relaxed: boolean;
  note?: string;
}

export interface EventGraphAttributes {
  property: string;
  violation: string;
  /** the explanation, as sentences separated by newlines ('' before it is computed) */
  explanation: string;
}

export type EventGraph = MultiDirectedGraph<EventNodeAttributes, EventEdgeAttributes, EventGraphAttributes>;

export const eventNode = (id: number): string => `e${id}`;
export const initNode = (location: string): string => `init:${location}`;
export const edgeKey = (kind: EventEdgeKind, from: string, to: string): string => `${kind}:${from}->${to}`;

/** herd names events a, b, … z, then a1, b1, … */
export function letterOf(i: number): string {
  const l = String.fromCharCode(97 + (i % 26));
  const round = Math.floor(i / 26);
  return round === 0 ? l : `${l}${round}`;
}

function eventLabel(letter: string, e: MemoryEvent): string {
  if (e.kind === 'F') return `${letter}: F[${e.fence ?? 'full'}]`;
  return `${letter}: ${e.kind}[${e.location}]=${e.valueText}`;
}

/** The initial value of a location as the trace's initial state gives it. */
function initialOf(trace: Trace, location: string): { value: number; text: string } {
  const entry = trace.initial.find((s) => s.name === location && (s.component === undefined || s.component === 'memory'));
  return entry && entry.value !== null ? { value: entry.value, text: entry.text } : { value: 0, text: '0' };
}

/** Builds the relations of the trace's execution; nothing is marked yet (see explain.ts). */
export function buildEventRelations(trace: Trace): EventGraph {
  const g: EventGraph = new MultiDirectedGraph<EventNodeAttributes, EventEdgeAttributes, EventGraphAttributes>();
  g.replaceAttributes({ property: trace.property, violation: trace.violation, explanation: '' });
  const byId = new Map<number, MemoryEvent>(trace.events.map((e) => [e.id, e]));
  const violating = new Set(trace.violatingReads ?? []);

  // initial writes, one per location the execution touches, in order of first use
  const locations: string[] = [];
  for (const e of trace.events) if (e.kind !== 'F' && !locations.includes(e.location)) locations.push(e.location);
  for (const loc of locations) {
    const init = initialOf(trace, loc);
    g.addNode(initNode(loc), {
      kind: 'init', letter: '', label: `W[${loc}]=${init.text} (initial)`, thread: '', actor: '', step: 0, location: loc,
      value: init.value, valueText: init.text, instruction: 'initial value', event: -1, poIndex: -1, co: -1,
      violating: false, marked: false,
    });
  }

  // events, per thread in program order: the order the thread executed them. Ids follow
  // creation, which is not program order under ARMv8: a promised write is created at its
  // promise and executed later (or, unexecuted at the trace's end, after everything else).
  const threads: string[] = [];
  const perThread = new Map<string, MemoryEvent[]>();
  // Within a step (an RMW, an atomic block) the step lists its events in execution order.
  const stepOf = new Map(trace.steps.map((s) => [s.index, s]));
  const executed = (e: MemoryEvent): number => (e.unexecuted ? Number.POSITIVE_INFINITY : e.step);
  const within = (e: MemoryEvent): number => {
    const at = stepOf.get(e.step)?.events.indexOf(e.id) ?? -1;
    return at >= 0 ? at : e.id;
  };
  for (const e of [...trace.events].sort((a, b) => executed(a) - executed(b) || within(a) - within(b) || a.id - b.id)) {
    if (!perThread.has(e.thread)) { perThread.set(e.thread, []); threads.push(e.thread); }
    perThread.get(e.thread)!.push(e);
  }
  const actors = new Map<string, string>();
  for (const s of trace.steps) if (s.kind === 'thread' && !actors.has(s.thread)) actors.set(s.thread, s.actor);
  let n = 0;
  const letters = new Map<number, string>();
  for (const e of [...trace.events].sort((a, b) => a.id - b.id)) letters.set(e.id, letterOf(n++));
  for (const t of threads) {
    perThread.get(t)!.forEach((e, i) => {
      const letter = letters.get(e.id)!;
      g.addNode(eventNode(e.id), {
        kind: e.kind, letter, label: eventLabel(letter, e), thread: e.thread, actor: actors.get(e.thread) ?? e.thread, step: e.step, location: e.location,
        value: e.value, valueText: e.valueText, instruction: e.instruction, event: e.id, poIndex: i,
        ...(e.fence !== undefined ? { fence: e.fence } : {}),
        ...(e.rmw !== undefined ? { rmw: e.rmw } : {}),
        ...(e.source !== undefined ? { source: e.source } : {}),
        ...(e.kind === 'W' && e.visibleAt !== undefined && e.visibleAt !== null ? { visibleAt: e.visibleAt } : {}),
        ...(e.kind === 'W' && e.co !== undefined && e.co !== null ? { co: e.co } : {}),
        violating: e.kind === 'R' && violating.has(e.id), marked: false,
      });
    });
  }

  const add = (kind: EventEdgeKind, from: string, to: string, label: string = kind, note?: string): void => {
    const key = edgeKey(kind, from, to);
    if (g.hasEdge(key)) return;
    const external = g.getNodeAttribute(from, 'thread') !== g.getNodeAttribute(to, 'thread');
    g.addDirectedEdgeWithKey(key, from, to, { kind, label, external, marked: false, relaxed: false, ...(note ? { note } : {}) });
  };

  // po and rmw: immediate program order; the two halves of one RMW are joined by rmw instead
  for (const t of threads) {
    const evs = perThread.get(t)!;
    for (let i = 1; i < evs.length; i++) {
      const a = evs[i - 1], b = evs[i];
      add(a.rmw !== undefined && a.rmw === b.rmw ? 'rmw' : 'po', eventNode(a.id), eventNode(b.id));
    }
    // fences order the accesses on either side of them
    evs.forEach((f, i) => {
      if (f.kind !== 'F') return;
      const before = evs.slice(0, i).reverse().find((e) => e.kind !== 'F');
      const after = evs.slice(i + 1).find((e) => e.kind !== 'F');
      if (before && after) add('fence', eventNode(before.id), eventNode(after.id), `fence ${f.fence ?? 'full'}`);
    });
  }

  // co: per location, the initial write first, then the visible writes in coherence order,
  // then the writes still buffered when the trace ends. Those have no place in memory yet;
  // flushing them in the order they were made (each buffer is FIFO) is one way the
  // execution goes on, so that is the coherence order the graph completes it with.
  const coChain = new Map<string, string[]>();
  for (const loc of locations) {
    const writes = trace.events.filter((e) => e.kind === 'W' && e.location === loc);
    const visible = writes.filter((e) => e.co !== undefined && e.co !== null).sort((a, b) => (a.co ?? 0) - (b.co ?? 0));
    const pending = writes.filter((e) => e.co === undefined || e.co === null).sort((a, b) => a.id - b.id);
    const chain = [initNode(loc), ...visible.map((w) => eventNode(w.id))];
    for (let i = 1; i < chain.length; i++) add('co', chain[i - 1], chain[i]);
    for (const w of pending) {
      add('co', chain[chain.length - 1], eventNode(w.id), 'co', 'still buffered when the trace ends');
      chain.push(eventNode(w.id));
    }
    coChain.set(loc, chain);
  }

  // rf and fr
  for (const r of trace.events) {
    if (r.kind !== 'R') continue;
    const src = r.rf === null || r.rf === undefined ? initNode(r.location) : eventNode(r.rf);
    if (!g.hasNode(src)) continue; // a producer that names a write it did not list
    add('rf', src, eventNode(r.id));
    const chain = coChain.get(r.location) ?? [];
    const at = chain.indexOf(src);
    if (at >= 0 && at + 1 < chain.length) add('fr', eventNode(r.id), chain[at + 1]);
  }

  // dependencies
  for (const e of trace.events) {
    if (!e.deps) continue;
    const to = eventNode(e.id);
    for (const [kind, reads] of [['addr', e.deps.addr], ['data', e.deps.data], ['ctrl', e.deps.ctrl]] as const) {
      for (const r of reads) if (byId.has(r)) add(kind, eventNode(r), to);
    }
  }
  return g;
}
