/**
 * The event graph: herd's relations on known executions, the explanation marked (the SB
 * cycle, the ioreq lost wakeup's cycle through its violating read, the violating reads of
 * an SC bug), dependency edges, and a bare Trace as a litmus front end would hand it over.
 */
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../checker/result.ts';
import { buildEventGraph, edgeKey, eventNode, initNode, traceGraphs, type EventGraph } from '../../reports/graph.ts';
import { bareWitness, ioreqTrace, lbTrace, lostUpdateTrace, sbTrace } from './fixtures.ts';

function countBy<T extends string>(items: readonly T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}
const nodeKinds = (g: EventGraph) => countBy(g.mapNodes((_n, a) => a.kind));
const edgeKinds = (g: EventGraph) => countBy(g.mapEdges((_e, a) => a.kind));
const markedKinds = (g: EventGraph) => countBy(g.filterEdges((_e, a) => a.marked).map((e) => g.getEdgeAttribute(e, 'kind')));

describe('event graph of SB under TSO', () => {
  const t = sbTrace();
  const { graph: g, explanation: x } = buildEventGraph(t);
  const read = (loc: string) => g.findNode((_n, a) => a.kind === 'R' && a.location === loc)!;
  const write = (loc: string) => g.findNode((_n, a) => a.kind === 'W' && a.location === loc)!;

  it('has one node per event and one initial write per location, and herd\'s relations', () => {
    expect(nodeKinds(g)).toEqual({ init: 2, W: 2, R: 2 });
    expect(edgeKinds(g)).toEqual({ po: 2, rf: 2, co: 2, fr: 2 });
  });

  it('the stale reads read from the initial state, and fr runs to the other thread\'s store still in its buffer', () => {
    expect(g.hasEdge(edgeKey('rf', initNode('y'), read('y')))).toBe(true);
    expect(g.hasEdge(edgeKey('rf', initNode('x'), read('x')))).toBe(true);
    expect(g.hasEdge(edgeKey('fr', read('y'), write('y')))).toBe(true);
    expect(g.getEdgeAttribute(edgeKey('co', initNode('y'), write('y')), 'note')).toMatch(/still buffered/);
  });

  it('marks the cycle po;fr;po;fr, both po edges relaxed (W→R), and the violating reads', () => {
    expect(x.kind).toBe('cycle');
    expect(x.cycle.map((e) => g.getEdgeAttribute(e, 'kind')).sort()).toEqual(['fr', 'fr', 'po', 'po']);
    expect(x.relaxed.map((e) => g.getEdgeAttribute(e, 'kind'))).toEqual(['po', 'po']);
    expect(g.filterEdges((_e, a) => a.relaxed).length).toBe(2);
    expect(g.filterNodes((_n, a) => a.violating).sort()).toEqual([read('x'), read('y')].sort());
    expect(x.sentences.join(' ')).toMatch(/W→R reordering/);
  });
});

describe('event graph of LB under ARMv8 (a promise)', () => {
  const t = lbTrace();
  const { graph: g, explanation: x } = buildEventGraph(t);
  const node = (kind: 'R' | 'W', thread: string) => g.findNode((_n, a) => a.kind === kind && a.thread === thread)!;

  it('the promised store was created before its thread\'s load, yet follows it in program order', () => {
    const promised = t.events.filter((e) => e.kind === 'W' && e.visibleAt !== undefined && e.visibleAt !== null && e.visibleAt < e.step);
    expect(promised.length).toBeGreaterThan(0);
    for (const w of promised) {
      const load = t.events.find((e) => e.kind === 'R' && e.thread === w.thread)!;
      expect(w.id).toBeLessThan(load.id);
      expect(g.hasEdge(edgeKey('po', eventNode(load.id), eventNode(w.id)))).toBe(true);
      expect(g.getNodeAttribute(eventNode(w.id), 'poIndex')).toBe(1);
      expect(w.unexecuted).toBeUndefined();
    }
  });

  it('marks the cycle po;rf;po;rf and names the promise as the reordering (R→W)', () => {
    expect(x.kind).toBe('cycle');
    expect(x.cycle.map((e) => g.getEdgeAttribute(e, 'kind')).sort()).toEqual(['po', 'po', 'rf', 'rf']);
    expect(g.hasEdge(edgeKey('rf', node('W', 'P0'), node('R', 'P1')))).toBe(true);
    expect(x.sentences.join(' ')).toMatch(/promised its store [xy] := 1 at step \d+ and executed it only at step \d+.*\(R→W reordering\)/);
  });
});

describe('event graph of a lost update under SC', () => {
  const { graph: g, explanation: x } = buildEventGraph(lostUpdateTrace());

  it('has data dependencies from each load to the store of its incremented value, and a control dependency to the flag store', () => {
    const kinds = edgeKinds(g);
    expect(kinds.data).toBe(2);
    expect(kinds.ctrl).toBe(2);
    g.filterEdges((_e, a) => a.kind === 'data').forEach((e) => {
      expect(g.getNodeAttributes(g.source(e))).toMatchObject({ kind: 'R', location: 'x' });
      expect(g.getNodeAttributes(g.target(e))).toMatchObject({ kind: 'W', location: 'x' });
    });
    g.filterEdges((_e, a) => a.kind === 'ctrl').forEach((e) => {
      expect(g.getNodeAttribute(g.target(e), 'location')).toMatch(/^d[01]$/);
    });
  });

  it('is sequentially consistent: no cycle; the violating reads and the write each missed are marked', () => {
    expect(x.kind).toBe('reads');
    expect(x.cycle).toEqual([]);
    expect(x.sentences[0]).toMatch(/^Sequentially consistent/);
    expect(markedKinds(g).rf).toBeGreaterThanOrEqual(1);
    expect(markedKinds(g).fr).toBeGreaterThanOrEqual(1);
    // both threads read 0 from the initial state
    const reads = g.filterNodes((_n, a) => a.violating);
    expect(reads.length).toBe(2);
    for (const r of reads) expect(g.hasEdge(edgeKey('rf', initNode('x'), r))).toBe(true);
  });
});

describe('event graph of the ioreq lost wakeup (A-B5 under TSO)', () => {
  const t = ioreqTrace();
  const tg = traceGraphs(t);
  const g = tg.events;

  it('has every event, an initial write per location, and rmw edges joining each RMW\'s halves', () => {
    expect(g.filterNodes((_n, a) => a.kind !== 'init').length).toBe(t.events.length);
    const locations = new Set(t.events.filter((e) => e.kind !== 'F').map((e) => e.location));
    expect(nodeKinds(g).init).toBe(locations.size);
    const rmwIds = new Set(t.events.filter((e) => e.rmw !== undefined && e.kind === 'W').map((e) => e.rmw));
    expect(edgeKinds(g).rmw).toBe(rmwIds.size);
    expect(edgeKinds(g).fence).toBe(1);
  });

  it('marks a cycle through the violating re-read of slot.state, whose relaxed edge is Xen\'s plain blocked store → that read', () => {
    expect(tg.explanation.kind).toBe('cycle');
    const reread = eventNode(t.violatingReads!.find((id) => t.events[id].thread === 'Xen0')!);
    expect(g.getNodeAttributes(reread)).toMatchObject({ kind: 'R', location: 'slot.state', valueText: 'READY(1)', violating: true });
    expect(tg.explanation.cycle.some((e) => g.target(e) === reread)).toBe(true);
    expect(tg.explanation.relaxed).toHaveLength(1);
    const relaxed = tg.explanation.relaxed[0];
    expect(g.getNodeAttributes(g.source(relaxed))).toMatchObject({ kind: 'W', location: 'vcpu.blocked_in_xen', thread: 'Xen0' });
    expect(g.target(relaxed)).toBe(reread);
    // the device model's test_and_clear read the flag before Xen's buffered store landed: fr to it is on the cycle
    const dmRead = eventNode(t.violatingReads!.find((id) => t.events[id].thread === 'DM')!);
    expect(g.getNodeAttribute(dmRead, 'location')).toBe('vcpu.blocked_in_xen');
  });

  it('folds the flushes no part of the explanation needs, and keeps the one that re-blocks the vCPU', () => {
    const flushOf = (loc: string, value: string) => t.steps.find((s) => s.kind === 'memory' && s.action.startsWith(`${loc} := ${value} leaves`))!.index;
    expect(tg.routine.has(flushOf('slot.state', 'NONE(0)'))).toBe(true);
    expect(tg.routine.has(flushOf('slot.data', '51'))).toBe(true);
    expect(tg.routine.has(flushOf('vcpu.blocked_in_xen', '1'))).toBe(false);
    expect(tg.routine.has(flushOf('slot.state', 'READY(1)'))).toBe(false);
    for (const s of tg.routine) expect(t.steps[s - 1].kind).toBe('memory');
  });

  it('focuses on the explanation: only marked events, with po between kept events of a thread', () => {
    const f = tg.focus;
    expect(f.order).toBe(g.filterNodes((_n, a) => a.marked).length);
    expect(f.order).toBeLessThan(g.order / 2);
    for (const e of tg.explanation.cycle) expect(f.hasEdge(e)).toBe(true);
    expect(f.someEdge((_e, a) => a.kind === 'po' && a.label.includes('between'))).toBe(true);
  });
});

describe('the event graph takes any Trace', () => {
  it('an SC execution never has a po ∪ rf ∪ co ∪ fr cycle, and a TSO one may not need one', () => {
    const tg = traceGraphs(ioreqTrace('A-B6', 'sc'));
    expect(tg.explanation.kind).toBe('reads');
    expect(tg.routine.size).toBe(0);
    const tso = traceGraphs(ioreqTrace('A-B6', 'tso'));
    expect(tso.explanation.kind).toBe('reads');
    expect(tso.explanation.sentences[0]).toMatch(/^Sequentially consistent/);
    expect(tso.routine.size).toBeGreaterThan(0);
  });

  it('a cycle that misses the violating reads is still marked, and said to miss them', () => {
    const t = ioreqTrace();
    const { explanation: x } = buildEventGraph({ ...t, violatingReads: [0] });
    expect(x.kind).toBe('cycle');
    expect(x.reads).toEqual([eventNode(0)]);
    expect(x.cycle.length).toBeGreaterThan(0);
    expect(x.sentences[0]).toMatch(/does not pass through the reads the violation depends on/);
  });

  it('a bare MP witness without dependencies, violating reads or state components', () => {
    const t: Trace = bareWitness();
    const { graph: g, explanation: x } = buildEventGraph(t);
    expect(nodeKinds(g)).toEqual({ init: 2, W: 2, R: 2 });
    expect(edgeKinds(g)).toEqual({ po: 2, rf: 2, co: 2, fr: 1 });
    expect(g.hasEdge(edgeKey('rf', eventNode(1), eventNode(2)))).toBe(true);
    expect(g.hasEdge(edgeKey('rf', initNode('x'), eventNode(3)))).toBe(true);
    // MP's witness is the cycle W x →po W y →rf R y →po R x →fr W x, W x visible only after R x
    expect(x.kind).toBe('cycle');
    expect(x.cycle).toHaveLength(4);
    expect(x.relaxed.map((e) => [g.source(e), g.target(e)])).toEqual([[eventNode(0), eventNode(1)]]);
  });
});
