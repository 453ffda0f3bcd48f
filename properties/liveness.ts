/**
 * Liveness properties: what must eventually happen on every fair run.
 *
 *   eventually(p)        ◇p       every fair run reaches a state satisfying p
 *   leadsTo(p, q)        □(p→◇q)  every state satisfying p is followed (or met) by one satisfying q
 *   alwaysEventually(p)  □◇p      p holds infinitely often on every fair run
 *   progress             every fair infinite run takes a progress step infinitely often
 *                        (SPIN's non-progress cycles; a progress step is a step of a thread
 *                        from an instruction marked `t.label(name, { progress: true })`)
 *
 * Runs and fairness. A run is a maximal path of the state graph from an initial state: it
 * is infinite, or it ends in a state with no step (a deadlock or a valid end state). Only
 * fair runs count (checker/liveness/fairness.ts): by default every thread is weakly fair,
 * and the memory model's own steps are fair as the model states (every buffered store is
 * eventually flushed). A step that fails an assertion does not end its run when liveness
 * is checked (CompiledProgram.assertions: the assertion is reported, the thread carries
 * on); a run-time fault does, and is reported as such, not as a liveness violation.
 *
 * Runs that stop. As a TLA+ behaviour may stutter forever, a run may stop in any state in
 * which no step that fairness obliges is enabled: a deadlock, a valid end (every thread
 * finished or at an end label), or a state where only threads without fairness, or steps
 * exempt from it, could still move. A run that stops without reaching its goal violates
 * the goal: eventually(p) is violated by a deadlock, or by every thread finishing, before
 * any state satisfies p; for alwaysEventually(p) the state it stops in must satisfy p.
 * Progress concerns infinite runs only, as in SPIN: a run that stops is the deadlock
 * check's business.
 *
 * Each property reduces to one or more queries (`livenessQueries`): from a state where the
 * obligation starts (`from`), is there a fair run that from there on never satisfies the
 * goal (and, for progress, never takes a progress step)? The engine answers a query with a
 * lasso: a prefix to such a state, then either a path to a terminal state or a path into a
 * fair cycle, all outside the goal.
 *
 * The safety form. A liveness property may name deadlocks as its own (`deadlock`: a
 * predicate, as m.deadlock takes): such a deadlock violates the property with the shortest
 * trace to it, found by the breadth-first search, and is not reported under the built-in
 * `deadlock`. protocols.md's A4 is stated both ways: "the vCPU is eventually woken" and
 * "never a deadlock with the vCPU blocked while its slot says IORESP_READY".
 */
import type { Expr, LeadsToClause, Property, SourcePos } from '../checker/ir.ts';
import type { CompiledProperty, Fn } from '../checker/compile.ts';

export const eventually = (id: string, goal: Expr, deadlock: Expr | null, description: string, src: SourcePos): Property =>
  ({ kind: 'eventually', id, description, goal, deadlock, src });

export const leadsTo = (id: string, clauses: readonly LeadsToClause[], deadlock: Expr | null, description: string, src: SourcePos): Property =>
  ({ kind: 'leadsTo', id, description, clauses, deadlock, src });

export const alwaysEventually = (id: string, goal: Expr, deadlock: Expr | null, description: string, src: SourcePos): Property =>
  ({ kind: 'alwaysEventually', id, description, goal, deadlock, src });

export const progress = (id: string, deadlock: Expr | null, description: string, src: SourcePos): Property =>
  ({ kind: 'progress', id, description, deadlock, src });

/** One question the liveness engine answers on the state graph. */
export interface LivenessQuery {
  /** where the obligation starts: at the initial states, at every state, or where this holds */
  readonly from: 'initial' | 'every' | Fn;
  /** the states that discharge it (the run must avoid them); null: no state does (progress) */
  readonly goal: Fn | null;
  /** whether progress steps discharge it (the run must avoid them) */
  readonly avoidProgress: boolean;
  /** whether a run that stops (deadlock, valid end) without the goal violates it */
  readonly finiteRunsViolate: boolean;
  /** what a counterexample shows, for its trace: see `violationText` */
  readonly what: string;
}

/** The queries whose violations are the property's: one per leadsTo clause, else one. */
export function livenessQueries(p: CompiledProperty): LivenessQuery[] {
  const live = p.liveness;
  if (!live) throw new Error(`property ${p.id} is not a liveness property`);
  switch (p.kind) {
    case 'eventually':
      return [{ from: 'initial', goal: live.clauses[0].q, avoidProgress: false, finiteRunsViolate: true, what: `${p.id} never holds` }];
    case 'alwaysEventually':
      return [{ from: 'every', goal: live.clauses[0].q, avoidProgress: false, finiteRunsViolate: true, what: `${p.id} never holds again` }];
    case 'leadsTo':
      return live.clauses.map((c, i) => ({
        from: c.p ?? 'every', goal: c.q, avoidProgress: false, finiteRunsViolate: true,
        what: `${p.id}${live.clauses.length > 1 ? ` (clause ${i + 1})` : ''}: its condition holds, and its goal never follows`,
      }));
    case 'progress':
      return [{ from: 'every', goal: null, avoidProgress: true, finiteRunsViolate: false, what: `${p.id}: no progress step is ever taken again` }];
    default:
      throw new Error(`property ${p.id} of kind ${p.kind} is not a liveness property`);
  }
}

/**
 * The text of a liveness counterexample. `from`: the step after which the obligation is
 * open (0: the initial state); `loop`: the lasso's loop start, or null when the run stops;
 * `steps`: its length; `fair`: why the loop is a fair one; `end`: how a finite run ends.
 */
export function violationText(q: LivenessQuery, c: { from: number; loop: number | null; steps: number; fair: string; end: string }): string {
  const open = q.from === 'initial' ? 'from the start' : c.from === 0 ? 'from the initial state on' : `from the state after step ${c.from} on`;
  if (c.loop === null) return `${q.what}: ${open} the run ends without it (${c.end})`;
  const loop = c.loop + 1 === c.steps ? `step ${c.steps} repeats` : `steps ${c.loop + 1}–${c.steps} repeat`;
  return `${q.what}: ${open}, ${loop} forever (back to ${c.loop === 0 ? 'the initial state' : `the state after step ${c.loop}`}); the loop is fair: ${c.fair}`;
}
