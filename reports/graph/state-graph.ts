/**
 * The state trace as a graph, as TLC's trace explorer shows it: one node per state (s0
 * the initial state, s_i the state after step i) carrying what changed, and one edge per
 * step labelled by who moved, what it did and the values it read and wrote.
 */
import { DirectedGraph } from 'graphology';
import type { MemoryEvent, Trace } from '../../checker/result.ts';

export interface StateNodeAttributes {
  index: number;
  /** `name: before → after`, one per changed component; for s0 every component, `name = value` */
  changes: string;
  /** how many components changed (s0: how many there are) */
  changed: number;
  /** the last state: where the violation is observed */
  final: boolean;
  /** for the final state: the violation */
  violation?: string;
}

export interface StepEdgeAttributes {
  step: number;
  thread: string;
  actor: string;
  kind: 'thread' | 'memory';
  action: string;
  source?: string;
  /** `slot.state → READY(1)`, comma separated */
  reads: string;
  /** `slot.state := READY(1)`, comma separated (for a store-buffer step, the store made visible) */
  writes: string;
  /** a store-buffer flush the violation does not need (see routine-steps.ts) */
  routine: boolean;
}

export interface StateGraphAttributes {
  property: string;
  violation: string;
  /** when the trace is a lasso: the index of the state the last one loops back to */
  loop?: number;
}

export type StateGraph = DirectedGraph<StateNodeAttributes, StepEdgeAttributes, StateGraphAttributes>;

export const stateNode = (i: number): string => `s${i}`;

/** A trace that may end in a loop (liveness counterexamples): `loop` is the state index the last state returns to. */
export type MaybeLasso = Trace & { readonly loop?: number };

export function buildStateGraph(trace: MaybeLasso, routine: ReadonlySet<number> = new Set()): StateGraph {
  const g: StateGraph = new DirectedGraph<StateNodeAttributes, StepEdgeAttributes, StateGraphAttributes>();
  g.replaceAttributes({ property: trace.property, violation: trace.violation, ...(trace.loop !== undefined ? { loop: trace.loop } : {}) });
  const events = new Map<number, MemoryEvent>(trace.events.map((e) => [e.id, e]));
  const last = trace.steps.length;
  g.addNode(stateNode(0), {
    index: 0, changes: trace.initial.map((e) => `${e.name} = ${e.text}`).join('\n'), changed: trace.initial.length, final: last === 0,
    ...(last === 0 ? { violation: trace.violation } : {}),
  });
  for (const s of trace.steps) {
    g.addNode(stateNode(s.index), {
      index: s.index,
      changes: s.changes.map((c) => `${c.name}: ${c.before} → ${c.after}`).join('\n'),
      changed: s.changes.length,
      final: s.index === last,
      ...(s.index === last ? { violation: trace.violation } : {}),
    });
    const evs = s.events.map((id) => events.get(id)).filter((e): e is MemoryEvent => e !== undefined);
    g.addDirectedEdgeWithKey(`step${s.index}`, stateNode(s.index - 1), stateNode(s.index), {
      step: s.index, thread: s.thread, actor: s.actor, kind: s.kind, action: s.action,
      ...(s.source ? { source: s.source } : {}),
      reads: evs.filter((e) => e.kind === 'R').map((e) => `${e.location} → ${e.valueText}`).join(', '),
      writes: evs.filter((e) => e.kind === 'W').map((e) => `${e.location} := ${e.valueText}`).join(', '),
      routine: routine.has(s.index),
    });
  }
  if (trace.loop !== undefined && g.hasNode(stateNode(trace.loop)) && last > 0) {
    // the lasso's back edge: the last state is the loop's first state again
    g.addDirectedEdgeWithKey('loop', stateNode(last), stateNode(trace.loop), {
      step: 0, thread: '', actor: '', kind: 'thread', action: `back to state ${trace.loop}: the loop repeats forever`,
      reads: '', writes: '', routine: false,
    });
  }
  return g;
}
