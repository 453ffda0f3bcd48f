/**
 * Counterexamples are graphs (architecture.md): every report format is rendered from the
 * two graphs built here from a Trace, never from the explorer. The builders live in
 * reports/graph/, one concept per module; this is their front door.
 */
import type { Trace } from '../checker/result.ts';
import { buildEventRelations, type EventGraph } from './graph/event-graph.ts';
import { explain, markExplanation, type Explanation } from './graph/explain.ts';
import { focusOnExplanation } from './graph/focus.ts';
import { routineSteps } from './graph/routine-steps.ts';
import { buildStateGraph, type MaybeLasso, type StateGraph } from './graph/state-graph.ts';

export type { EventEdgeAttributes, EventEdgeKind, EventGraph, EventNodeAttributes, EventNodeKind } from './graph/event-graph.ts';
export { EDGE_KINDS, edgeKey, eventNode, initNode } from './graph/event-graph.ts';
export type { Explanation } from './graph/explain.ts';
export type { MaybeLasso, StateGraph, StepEdgeAttributes, StateNodeAttributes } from './graph/state-graph.ts';
export { stateNode } from './graph/state-graph.ts';
export { focusOnExplanation } from './graph/focus.ts';

/** Both graphs of one trace, with the explanation marked on the event graph and the routine steps it implies. */
export interface TraceGraphs {
  readonly trace: MaybeLasso;
  readonly events: EventGraph;
  /** the events on the explanation only (the whole graph when nothing is marked) */
  readonly focus: EventGraph;
  readonly explanation: Explanation;
  readonly states: StateGraph;
  readonly routine: ReadonlySet<number>;
}

/** The event graph of a trace, with the edges that explain the violation marked. */
export function buildEventGraph(trace: Trace): { readonly graph: EventGraph; readonly explanation: Explanation } {
  const graph = buildEventRelations(trace);
  const explanation = explain(graph, trace);
  markExplanation(graph, explanation);
  return { graph, explanation };
}

export function traceGraphs(trace: MaybeLasso): TraceGraphs {
  const { graph, explanation } = buildEventGraph(trace);
  const routine = routineSteps(trace, graph);
  return { trace, events: graph, focus: focusOnExplanation(graph), explanation, states: buildStateGraph(trace, routine), routine };
}
