/**
 * The trace as a message sequence chart, as SPIN draws one from a trail: a lifeline per
 * actor (Xen per vCPU, the device model, guest vCPUs, the ITS), what each does as notes
 * down its lifeline, and between lifelines the communication shared memory carries: a
 * message wherever a thread reads a value another thread wrote (a notification, a request
 * published in a slot, a response). The explanation adds the communication that failed:
 * a write a reader missed because it was still buffered, or that came only after the
 * read. Routine store-buffer flushes are left out; the trace table keeps them.
 *
 * This is the renderer-independent model; mermaid.ts and svg.ts draw it.
 */
import type { TraceGraphs } from '../graph.ts';
import { eventNode } from '../graph.ts';

export interface Participant {
  readonly id: string;
  readonly label: string;
  readonly thread: string;
}

export type SequenceItem =
  | { readonly kind: 'note'; readonly over: string; readonly step: number; readonly text: string; readonly marked: boolean; readonly memory: boolean }
  | {
    readonly kind: 'message'; readonly from: string; readonly to: string; readonly step: number; readonly text: string;
    /** handoff: the reader got the writer's value; missed: the write was still invisible; later: it came after the read */
    readonly style: 'handoff' | 'missed' | 'later'; readonly marked: boolean;
  }
  | { readonly kind: 'end'; readonly text: string };

export interface SequenceDiagram {
  readonly title: string;
  readonly participants: readonly Participant[];
  readonly items: readonly SequenceItem[];
}

export function buildSequence(tg: TraceGraphs, title: string): SequenceDiagram {
  const { trace, events: g, routine } = tg;
  const participants: Participant[] = [];
  const idOf = new Map<string, string>();
  for (const s of trace.steps) {
    if (idOf.has(s.thread)) continue;
    const actor = trace.steps.find((x) => x.thread === s.thread && x.kind === 'thread')?.actor ?? s.actor;
    const id = `P${participants.length}`;
    idOf.set(s.thread, id);
    participants.push({ id, label: actor, thread: s.thread });
  }
  const items: SequenceItem[] = [];
  // by step: the writes a read missed (drawn with the read), and those that came after a read (drawn with the write)
  const missed = new Map<number, SequenceItem[]>();
  const later = new Map<number, SequenceItem[]>();
  const add = (m: Map<number, SequenceItem[]>, step: number, item: SequenceItem): void => { m.set(step, [...(m.get(step) ?? []), item]); };
  for (const e of g.edges()) {
    const a = g.getEdgeAttributes(e);
    // a marked fr path (fr, then co) ends at a write of another thread: what the read missed or preceded
    if (a.kind !== 'fr' || !a.marked) continue;
    const read = g.getNodeAttributes(g.source(e));
    let at = g.target(e);
    for (;;) {
      const w = g.getNodeAttributes(at);
      if (w.thread !== read.thread && w.kind === 'W') {
        const from = idOf.get(w.thread), to = idOf.get(read.thread);
        if (from && to) {
          if (w.step < read.step) {
            const still = w.visibleAt === undefined ? 'never visible' : `visible only at step ${w.visibleAt}`;
            add(missed, read.step, { kind: 'message', from, to, step: read.step, style: 'missed', marked: true,
              text: `missed: ${w.location} := ${w.valueText} (step ${w.step}, ${still})` });
          } else {
            add(later, w.step, { kind: 'message', from, to, step: w.step, style: 'later', marked: true,
              text: `${w.location} := ${w.valueText} comes after the read of step ${read.step}` });
          }
        }
        break;
      }
      const next = g.outEdges(at).find((x) => g.getEdgeAttribute(x, 'kind') === 'co' && g.getEdgeAttribute(x, 'marked'));
      if (!next) break;
      at = g.target(next);
    }
  }
  for (const s of trace.steps) {
    if (routine.has(s.index)) continue;
    const me = idOf.get(s.thread)!;
    // values other threads wrote, arriving with this step's reads
    for (const id of s.events) {
      const n = eventNode(id);
      if (!g.hasNode(n) || g.getNodeAttribute(n, 'kind') !== 'R' || g.getNodeAttribute(n, 'step') !== s.index) continue;
      for (const rf of g.inEdges(n)) {
        const ra = g.getEdgeAttributes(rf);
        if (ra.kind !== 'rf' || !ra.external) continue;
        const w = g.getNodeAttributes(g.source(rf));
        const from = idOf.get(w.thread);
        if (w.kind !== 'W' || !from) continue;
        items.push({ kind: 'message', from, to: me, step: s.index, style: 'handoff', marked: ra.marked,
          text: `${w.location} = ${w.valueText} (stored at step ${w.step})` });
      }
    }
    items.push(...(missed.get(s.index) ?? []));
    const marked = s.events.some((id) => g.hasNode(eventNode(id)) && g.getNodeAttribute(eventNode(id), 'marked'));
    items.push({ kind: 'note', over: me, step: s.index, text: `${s.index}. ${s.action}`, marked, memory: s.kind === 'memory' });
    items.push(...(later.get(s.index) ?? []));
  }
  items.push({ kind: 'end', text: `✗ ${trace.property}: ${trace.violation}` });
  return { title, participants, items };
}
