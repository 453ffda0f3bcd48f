/**
 * Each renderer on the ioreq lost wakeup and on SB: DOT that Graphviz's own parser (the
 * WebAssembly build) accepts, with a cluster per thread and an edge per graph edge;
 * GraphML that graphology-graphml reads back into an equal graph; ITF that the schema
 * written from ADR-015 accepts; the sequence chart's lifelines and messages.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import { MultiDirectedGraph, DirectedGraph } from 'graphology';
import { parse as parseGraphML } from 'graphology-graphml';
import type { AbstractGraph } from 'graphology-types';
import { describe, expect, it } from 'vitest';
import { eventGraphToDot } from '../../reports/dot/events.ts';
import { stateGraphToDot } from '../../reports/dot/states.ts';
import { traceGraphs } from '../../reports/graph.ts';
import { toGraphML } from '../../reports/graphml.ts';
import { dotErrors, dotToSvg } from '../../reports/graphviz.ts';
import { traceToItf } from '../../reports/itf.ts';
import { buildSequence } from '../../reports/sequence/diagram.ts';
import { sequenceToMermaid } from '../../reports/sequence/mermaid.ts';
import { sequenceToSvg } from '../../reports/sequence/svg.ts';
import { repoRoot } from '../shared.ts';
import { ioreqTrace, sbTrace } from './fixtures.ts';

const ioreq = traceGraphs(ioreqTrace());
const sb = traceGraphs(sbTrace());

describe('DOT', () => {
  it('the event graph: accepted by Graphviz\'s parser, one cluster per thread, every node and edge, the explanation bold', async () => {
    const dot = eventGraphToDot(ioreq.events, { title: 'ioreq A-B5 · tso · A4' });
    expect(await dotErrors(dot)).toEqual([]);
    expect(dot.match(/subgraph "cluster_thread\d+"/g)).toHaveLength(2);
    expect(dot).toContain('subgraph cluster_init');
    const edges = dot.split('\n').filter((l) => /^ {2}"[^"]+" -> "[^"]+"/.test(l));
    expect(edges).toHaveLength(ioreq.events.size);
    expect(edges.filter((l) => l.includes('penwidth="2.6"'))).toHaveLength(ioreq.explanation.edges.length);
    expect(edges.filter((l) => l.includes('style="dashed,bold"'))).toHaveLength(1);
    for (const n of ioreq.events.nodes()) expect(dot).toContain(`"${n}" [label=`);
  });

  it('draws to SVG with a node per event', async () => {
    const svg = await dotToSvg(eventGraphToDot(sb.events));
    expect(svg.startsWith('<svg')).toBe(true);
    const drawn = [...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(drawn.filter((t) => t.startsWith('e') || t.startsWith('init:')).sort()).toEqual(sb.events.nodes().sort());
  });

  it('the state graph: accepted, one node per state, one edge per step, routine steps grey', async () => {
    const dot = stateGraphToDot(ioreq.states);
    expect(await dotErrors(dot)).toEqual([]);
    const edges = dot.split('\n').filter((l) => /^ {2}"s\d+" -> "s\d+"/.test(l));
    expect(edges).toHaveLength(ioreqTrace().steps.length);
    expect(edges.filter((l) => l.includes('fontcolor="#9ca3af"'))).toHaveLength(ioreq.routine.size);
  });

  it('a lasso gets its back edge', async () => {
    const lasso = traceGraphs({ ...sbTrace(), loop: 1 });
    const dot = stateGraphToDot(lasso.states);
    expect(await dotErrors(dot)).toEqual([]);
    expect(dot).toMatch(/"s\d+" -> "s1" \[label="back to state 1/);
  });

  it('Graphviz reports a broken graph instead of drawing it', async () => {
    expect((await dotErrors('digraph { a -> }')).length).toBeGreaterThan(0);
  });
});

function sameGraph(a: AbstractGraph, b: AbstractGraph): void {
  expect(b.order).toBe(a.order);
  expect(b.size).toBe(a.size);
  expect(b.getAttributes()).toEqual(a.getAttributes());
  a.forEachNode((n, attrs) => expect(b.getNodeAttributes(n)).toEqual(attrs));
  a.forEachEdge((e, attrs, source, target) => {
    expect(b.source(e)).toBe(source);
    expect(b.target(e)).toBe(target);
    expect(b.getEdgeAttributes(e)).toEqual(attrs);
  });
}

describe('GraphML', () => {
  it('the event graph parses back (graphology-graphml) into an equal graph', () => {
    const xml = toGraphML(ioreq.events);
    expect(xml).toMatch(/<key id="n_kind" for="node" attr.name="kind" attr.type="string"\/>/);
    expect(xml).toMatch(/<key id="e_marked" for="edge" attr.name="marked" attr.type="boolean"\/>/);
    expect(xml).toMatch(/<key id="n_step" for="node" attr.name="step" attr.type="int"\/>/);
    sameGraph(ioreq.events, parseGraphML(MultiDirectedGraph, xml));
  });

  it('the state graph, whose attributes hold several lines, too', () => {
    sameGraph(ioreq.states, parseGraphML(DirectedGraph, toGraphML(ioreq.states)));
  });
});

describe('ITF', () => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'reports', 'schemas', 'itf.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const t = ioreqTrace();
  const itf = JSON.parse(JSON.stringify(traceToItf(t, { model: 'ioreq', variant: 'A-B5', mm: 'tso' })));

  it('is valid against the schema written from ADR-015', () => {
    expect(validate(itf), JSON.stringify(validate.errors)).toBe(true);
  });

  it('has a state per trace state, each defining exactly the declared variables, with typed #meta', () => {
    expect(itf.vars).toEqual(['pc', 'regs', 'mem', 'ghost', 'memoryModel']);
    expect(itf.states).toHaveLength(t.steps.length + 1);
    itf.states.forEach((s: Record<string, unknown>, i: number) => {
      expect(Object.keys(s).filter((k) => k !== '#meta').sort()).toEqual([...itf.vars].sort());
      expect(s['#meta']).toMatchObject({ index: i });
    });
    expect(Object.keys(itf['#meta'].varTypes).sort()).toEqual([...itf.vars].sort());
    expect(itf.loop).toBeUndefined();
  });

  it('the last state holds the trace\'s final values, as ITF maps of #bigint', () => {
    const last = itf.states[itf.states.length - 1];
    const mem = new Map<string, { '#bigint': string }>(last.mem['#map']);
    for (const e of t.final.filter((x) => x.component === 'memory')) expect(mem.get(e.name)).toEqual({ '#bigint': String(e.value) });
    const pcs = new Map<string, string>(last.pc['#map']);
    expect(pcs.get('Xen0')).toBe('@wait_for_io.blocked.0');
    const regs = new Map<string, { '#map': [string, { '#bigint': string }][] }>(last.regs['#map']);
    expect(new Map(regs.get('DM')!['#map']).has('port')).toBe(true);
  });

  it('a lasso carries loop, an index into states', () => {
    const lasso = JSON.parse(JSON.stringify(traceToItf({ ...sbTrace(), loop: 1 }, { model: 'SB', mm: 'tso' })));
    expect(validate(lasso)).toBe(true);
    expect(lasso.loop).toBe(1);
    expect(lasso.loop).toBeLessThan(lasso.states.length);
  });

  it('the schema is not vacuous: it rejects what ADR-015 does not allow', () => {
    const bad = (patch: object) => validate({ ...itf, ...patch });
    expect(bad({ vars: 'pc' })).toBe(false);
    expect(bad({ loop: -1 })).toBe(false);
    expect(bad({ states: [{ '#meta': { index: 0 }, pc: { '#bigint': '1x' } }] })).toBe(false);
    expect(bad({ states: [{ pc: { '#map': [['a']] } }] })).toBe(false);
    expect(bad({ states: [{ pc: { '#tag': 1 } }] })).toBe(false);
    expect(bad({ extra: 1 })).toBe(false);
  });
});

describe('sequence chart', () => {
  const d = buildSequence(ioreq, 'ioreq A-B5 · tso · A4');

  it('has a lifeline per actor, a hand-off per value one thread read from another, and the missed store', () => {
    expect(d.participants.map((p) => p.label)).toEqual(['Xen (vCPU0)', 'device model']);
    const handoffs = d.items.filter((i) => i.kind === 'message' && i.style === 'handoff');
    const rfe = ioreq.events.filterEdges((_e, a, s) => a.kind === 'rf' && a.external && ioreq.events.getNodeAttribute(s, 'kind') === 'W');
    expect(handoffs).toHaveLength(rfe.length);
    const missed = d.items.filter((i) => i.kind === 'message' && i.style === 'missed');
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({ from: 'P0', to: 'P1', marked: true });
    expect(missed[0].kind === 'message' && missed[0].text).toMatch(/^missed: vcpu\.blocked_in_xen := 1 \(step 17, visible only at step 32\)/);
    const notes = d.items.filter((i) => i.kind === 'note');
    expect(notes).toHaveLength(ioreqTrace().steps.length - ioreq.routine.size);
  });

  it('Mermaid: participants, messages and notes, with ; and # written as entities', () => {
    const mmd = sequenceToMermaid(d);
    const lines = mmd.trim().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines.filter((l) => l.startsWith('  participant '))).toEqual(['  participant P0 as Xen (vCPU0)', '  participant P1 as device model']);
    expect(lines.filter((l) => /^ {2}P\d(->>|--x|--\))P\d: /.test(l))).toHaveLength(d.items.filter((i) => i.kind === 'message').length);
    expect(lines.some((l) => l.includes('--x'))).toBe(true);
    for (const l of lines) expect(l.replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
  });

  it('SVG: a lifeline per actor, a group per note and message', () => {
    const svg = sequenceToSvg(d);
    expect(svg.match(/<g class="participant">/g)).toHaveLength(2);
    expect(svg.match(/<g class="note/g)).toHaveLength(d.items.filter((i) => i.kind === 'note').length);
    expect(svg.match(/<g class="message/g)).toHaveLength(d.items.filter((i) => i.kind === 'message').length);
    expect(svg).toMatch(/<g class="message missed marked">/);
  });
});
