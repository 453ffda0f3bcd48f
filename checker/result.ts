/**
 * What a check returns: plain values, printed and turned into exit codes only by the CLI
 * and the renderers in reports/.
 */
import type { FenceKind } from './ir.ts';
import type { MemoryModelName } from './memory/model.ts';

/**
 * holds: no reachable state violates it (the search was complete);
 * violated: a counterexample was found (always the shortest, by breadth-first search);
 * incomplete: the search was cut short by a bound before finding a violation;
 * unchecked: the checker cannot decide this kind of property yet.
 */
export type Verdict = 'holds' | 'violated' | 'incomplete' | 'unchecked';

/** A named component of the state and its value, as traces show it. */
export interface StateEntry {
  readonly name: string;
  /** the raw number, or null for a composite (a store buffer) */
  readonly value: number | null;
  /** how people read it: READY(1), [slot.state:=READY(1)], "Xen0 @ wait" */
  readonly text: string;
  /**
   * Which part of the state it is, so that tools (ITF export) can rebuild structured
   * values instead of parsing names. Optional: traces made before this field existed lack it.
   */
  readonly component?: StateComponent;
  /** for `pc` and `register` entries: the thread it belongs to */
  readonly thread?: string;
}

export type StateComponent = 'pc' | 'register' | 'memory' | 'ghost' | 'memory-model';

/**
 * Dependencies of an event on earlier reads of its thread (event ids), as herd's addr,
 * data and ctrl relations: the reads the accessed address and the stored value were
 * computed from, through registers, and the reads that a branch taken between the thread's
 * previous event and this one depended on. A control dependency extends to every later
 * event of the thread (ctrl;po ⊆ ctrl), so each read is listed once, at the first event
 * after the branch; the full relation is that closed under program order.
 */
export interface EventDependencies {
  readonly addr: readonly number[];
  readonly data: readonly number[];
  readonly ctrl: readonly number[];
}

export interface Change {
  readonly name: string;
  readonly before: string;
  readonly after: string;
  /** the raw value after the change, null for a composite (a store buffer); optional for older producers */
  readonly value?: number | null;
}

/** A memory event in herd's vocabulary: reads (R), writes (W) and fences (F). */
export interface MemoryEvent {
  readonly id: number;
  /** the trace step (1-based) that performed it */
  readonly step: number;
  readonly thread: string;
  readonly kind: 'R' | 'W' | 'F';
  /** the location element (`slot.state`, `ring[2]`); empty for fences */
  readonly location: string;
  readonly value: number;
  readonly valueText: string;
  /** the instruction that performed it, as printed in the trace */
  readonly instruction: string;
  /** for fences */
  readonly fence?: FenceKind;
  /** for reads: the write read from, or null for the initial value */
  readonly rf?: number | null;
  /** for reads: where the value came from */
  readonly source?: 'memory' | 'buffer';
  /** for writes: the step at which it became visible to other threads (equal to `step` unless buffered) */
  readonly visibleAt?: number | null;
  /** for writes: position in the coherence order of its location (0 = first write after the initial value) */
  readonly co?: number | null;
  /** the read and write of one read-modify-write share this number */
  readonly rmw?: number;
  /** present when the event depends on earlier reads of its thread */
  readonly deps?: EventDependencies;
  /**
   * ARMv8: a write its thread promised and had not yet executed when the trace ends. Its
   * `step` is then the promise's step; in program order it follows every executed event of
   * its thread. (A fulfilled promise carries the step that executed it, and `visibleAt`
   * the earlier step of the promise, so ids, which follow creation, are not program order.)
   */
  readonly unexecuted?: true;
}

export interface TraceStep {
  /** 1-based position in the trace */
  readonly index: number;
  readonly thread: string;
  /** the actor as the protocol names it: "Xen (vCPU0)", "device model" */
  readonly actor: string;
  /** `thread`: a thread's step; `memory`: the memory model's own step (a store becoming visible) */
  readonly kind: 'thread' | 'memory';
  /** what happened, at source level, with the values: "load slot.state → READY(1)" */
  readonly action: string;
  /** the model-file line of the step's visible instruction */
  readonly source: string | null;
  readonly events: readonly number[];
  readonly changes: readonly Change[];
}

export interface Trace {
  readonly property: string;
  readonly initial: readonly StateEntry[];
  readonly steps: readonly TraceStep[];
  readonly events: readonly MemoryEvent[];
  /** what was violated at the end: the assertion message, the invariant, the deadlock */
  readonly violation: string;
  /** the state at the end of the trace */
  readonly final: readonly StateEntry[];
  /**
   * The reads (event ids) whose values the violation depends on: for a failed assertion,
   * the reads its condition's registers were loaded from; for a run-time fault, those of the
   * faulting access; otherwise (a deadlock, an invariant) each thread's newest read.
   * Optional, for traces from producers that cannot tell.
   */
  readonly violatingReads?: readonly number[];
  /**
   * Liveness counterexamples are lassos: steps loop+1 … n (n = steps.length) repeat forever.
   * The state after step n is the state after step `loop` (0: the initial state), so `final`
   * equals that state. Absent on finite traces (safety violations, and liveness violations
   * by a run that stops: a deadlock, a valid end, or a state where no step that fairness
   * obliges is enabled).
   * In ITF terms (states = initial, then the state after each step): emit states 0 … n-1 and
   * `"loop": loop`, since ITF's last state is followed by the state at `loop`.
   */
  readonly loop?: number;
  /**
   * Set when a depth-first search found the violation: the trace is the path that search
   * took, not necessarily a shortest one. Absent: breadth-first, and the trace is a
   * shortest counterexample.
   */
  readonly order?: 'depth-first';
}

export interface PropertyResult {
  readonly id: string;
  readonly kind: string;
  readonly description: string;
  readonly verdict: Verdict;
  readonly trace?: Trace;
  /** why a property is unchecked */
  readonly reason?: string;
}

export type StopReason = 'exhausted' | 'all-violated' | 'max-states' | 'timeout';

/** breadth-first (the default): every counterexample a shortest one; depth-first: SPIN's order */
export type SearchOrder = 'breadth-first' | 'depth-first';

export interface Bounds {
  readonly maxStates: number | null;
  readonly timeoutSeconds: number | null;
  /**
   * store-buffer capacity (TSO: per thread; PSO: per thread and location), or under ARMv8
   * how many writes memory keeps besides the initial values (those some thread can still
   * read; the others are dropped); null under SC
   */
  readonly buffer: number | null;
  /** whether some store waited for room in a full buffer (or memory): verdicts hold only for buffers this deep */
  readonly bufferReached: boolean;
  /** ARMv8: the most promises outstanding at once, over all threads; null under models without promises */
  readonly promises: number | null;
  /** whether, at that bound, a thread could have promised one more write: verdicts hold only for that many promises */
  readonly promisesReached: boolean;
  readonly mode: 'fingerprint' | 'exact';
  /** the search order (breadth-first: shortest counterexamples), and the seed of a shuffled depth-first order */
  readonly order: SearchOrder;
  readonly seed: number | null;
  /** TLC's optimistic estimate that fingerprinting missed a state (null in exact mode) */
  readonly collisionProbability: number | null;
}

export interface Result {
  readonly model: string;
  readonly variant: string | null;
  readonly mm: MemoryModelName;
  readonly params: Readonly<Record<string, number | string>>;
  readonly verdict: Verdict;
  readonly properties: readonly PropertyResult[];
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  readonly complete: boolean;
  readonly stopReason: StopReason;
  readonly bounds: Bounds;
}

/** The overall verdict: violated if anything is; else incomplete if anything is; else holds (unchecked properties aside). */
export function overallVerdict(props: readonly PropertyResult[]): Verdict {
  if (props.some((p) => p.verdict === 'violated')) return 'violated';
  if (props.some((p) => p.verdict === 'incomplete')) return 'incomplete';
  if (props.length > 0 && props.every((p) => p.verdict === 'unchecked')) return 'unchecked';
  return 'holds';
}
