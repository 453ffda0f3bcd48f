/**
 * Fairness: which infinite runs count.
 *
 * A fairness unit is something that may be enabled in a state and may be taken by a step:
 *  - a thread (declared m.thread(name, { fairness }), weak by default, as protocols.md §0
 *    asks: "check liveness under weak fairness for every actor"): enabled in a state when
 *    some step of the thread can be taken there (an await whose condition is false, a fence
 *    waiting for its buffer, a store waiting for buffer room are not enabled), taken by
 *    any step of the thread;
 *  - a step (t.label(name, { fairness })): the thread's steps that execute that
 *    instruction (for a select, the alternative that begins there); such steps also
 *    count for their thread, unless declared 'none', which exempts them from it (they
 *    neither enable the thread nor satisfy it: optional behaviour);
 *  - a memory-model unit j (MemoryModel.fairness): its internal steps of key j (x86-TSO:
 *    flushing thread t's oldest buffered store).
 * Weak fairness of a unit (Lamport's WF in TLA+, SPIN's weak fairness): a run on which it
 * is enabled continuously from some point on takes it infinitely often. Strong fairness
 * (SF): a run on which it is enabled infinitely often takes it infinitely often. Justice
 * conditions of the memory model: a run passes states satisfying each infinitely often.
 *
 * On a cycle (the loop of a lasso), these read: a weak unit is taken somewhere on the cycle
 * or disabled in some state of it; a strong unit is taken somewhere on it or disabled in
 * every state of it; each justice condition holds in some state of it.
 *
 * Fair cycles in a strongly connected component C (the check of Lichtenstein and Pnueli,
 * "Checking that finite state concurrent programs satisfy their linear specification",
 * POPL 1985; Emerson and Lei 1987 for strong fairness): a cycle may visit every state and
 * edge of C, and going round everything only helps weak units and justice, so:
 *  - if a weak unit is enabled in every state of C and taken on no edge inside C, or a
 *    justice condition holds in no state of C, no cycle in C is fair (the same holds of
 *    every part of C);
 *  - if every strong unit is taken inside C or disabled throughout C, C has a fair cycle;
 *  - otherwise a fair cycle must avoid the states where an untaken strong unit is
 *    enabled: remove them, split the rest into components again, and check each.
 * Each refinement removes at least one strong unit from contention, so the work is
 * O(S · (states + edges)) for S strongly fair units, and linear for weak fairness alone.
 * "Enabled" always means in the whole graph, including steps that leave C.
 */
import type { CompiledProgram } from '../compile.ts';
import type { MemoryModel, StateNames } from '../memory/model.ts';
import type { StateGraph } from './graph.ts';
import { hasSelfLoop, type Tarjan } from './scc.ts';

export const WEAK = 1;
export const STRONG = 2;

/** The fairness units of a program under a memory model, and how edge labels map onto them. */
export class FairnessUnits {
  readonly count: number;
  readonly kind: Uint8Array;
  readonly names: readonly string[];
  /** 1 for the memory model's units */
  readonly memory: Uint8Array;
  readonly justiceNames: readonly string[];
  private readonly threads: number;
  private readonly keys: number;
  private readonly threadUnit: Int32Array;
  private readonly memUnit: Int32Array;
  /** per step class: its thread, and its own unit or -1 */
  private readonly classThread: Int32Array;
  private readonly classUnit: Int32Array;
  /** per step class: 1 when its steps are exempt from their thread's fairness */
  private readonly classExempt: Uint8Array;
  /** per step class: 1 when its steps are progress steps */
  readonly classProgress: Uint8Array;

  /** `memoryFair`: false drops the memory model's fairness (a what-if; see CheckOptions.memoryFairness). */
  constructor(cp: CompiledProgram, mm: MemoryModel, names: StateNames, memoryFair: boolean) {
    const program = cp.program;
    const T = program.threads.length;
    this.threads = T;
    const kind: number[] = [];
    const unitNames: string[] = [];
    const memory: number[] = [];
    let adding = 0;
    const add = (k: number, name: string): number => { kind.push(k); unitNames.push(name); memory.push(adding); return kind.length - 1; };
    this.threadUnit = new Int32Array(T).fill(-1);
    program.threads.forEach((t, ti) => {
      const f = t.fairness ?? 'weak';
      if (f !== 'none') this.threadUnit[ti] = add(f === 'strong' ? STRONG : WEAK, t.name);
    });
    const classes = cp.stepClasses;
    this.classThread = Int32Array.from(classes, (c) => c.thread);
    this.classUnit = Int32Array.from(classes, (c) => (c.fairness === null || c.fairness === 'none' ? -1 : add(c.fairness === 'strong' ? STRONG : WEAK, `${program.threads[c.thread].name} at ${c.label}`)));
    this.classExempt = Uint8Array.from(classes, (c) => (c.fairness === 'none' ? 1 : 0));
    this.classProgress = Uint8Array.from(classes, (c) => (c.progress ? 1 : 0));
    const f = mm.fairness;
    this.keys = f ? f.keys : T;
    this.memUnit = new Int32Array(this.keys).fill(-1);
    adding = 1;
    if (memoryFair) {
      for (let j = 0; j < this.keys; j++) {
        const name = f ? f.keyName(j, names) : `the memory model's steps for ${names.thread(j)}`;
        this.memUnit[j] = add(f && f.kind === 'strong' ? STRONG : WEAK, name);
      }
    }
    this.justiceNames = memoryFair && f?.justice ? Array.from({ length: f.justice.count }, (_, j) => f.justice!.name(j, names)) : [];
    this.count = kind.length;
    this.kind = Uint8Array.from(kind);
    this.names = unitNames;
    this.memory = Uint8Array.from(memory);
  }

  /** how many fairness keys the memory model's steps have (0 under SC) */
  get memoryKeys(): number {
    return this.keys;
  }

  /**
   * The number of distinct edge labels: T threads, the memory model's keys, one for its
   * steps without fairness (promises), the step classes (successors.ts stepLabelCount).
   */
  get labelCount(): number {
    return this.threads + this.keys + 1 + this.classThread.length;
  }

  /** Whether unit u is a whole thread's (not a step's, not the memory model's). */
  isThread(u: number): boolean {
    return this.threadUnit.includes(u);
  }

  /** Whether an edge with this label is a progress step. */
  isProgress(label: number): boolean {
    const c = label - this.threads - this.keys - 1;
    return c >= 0 && this.classProgress[c] === 1;
  }

  /**
   * Writes into `out` the units that an edge labelled `label` carries (at most two: the
   * thread and its step class), and returns how many.
   */
  unitsOf(label: number, out: Int32Array): number {
    const T = this.threads;
    if (label < T) {
      const tu = this.threadUnit[label];
      if (tu < 0) return 0;
      out[0] = tu;
      return 1;
    }
    if (label < T + this.keys) {
      const m = this.memUnit[label - T];
      if (m < 0) return 0;
      out[0] = m;
      return 1;
    }
    // a memory step without fairness (a promise): no unit
    if (label === T + this.keys) return 0;
    const c = label - T - this.keys - 1;
    if (this.classExempt[c] === 1) return 0;
    let n = 0;
    const tu = this.threadUnit[this.classThread[c]];
    if (tu >= 0) out[n++] = tu;
    const cu = this.classUnit[c];
    if (cu >= 0) out[n++] = cu;
    return n;
  }
}

/** What `FairCycles.evaluate` concludes about a set of states that is strongly connected. */
type Verdict = { readonly fair: true } | { readonly fair: false; readonly rest: Int32Array | null };

/**
 * Finds the fair strongly connected parts of components, as described at the top of this
 * file. `member` is the shared stamp array of the liveness check (member[u] === stamp marks
 * the set being looked at); `justiceMet[u·J + j]` says whether state u meets condition j.
 */
export class FairCycles {
  private readonly taken: Uint8Array;
  private readonly enabledIn: Int32Array;
  private readonly seenAt: Int32Array;
  private readonly failing: Uint8Array;
  private readonly justiceOk: Uint8Array;
  private readonly buf = new Int32Array(2);
  private seen = 0;

  constructor(
    private readonly g: StateGraph,
    private readonly units: FairnessUnits,
    private readonly justiceMet: Uint8Array | null,
    private readonly tarjan: Tarjan,
    private readonly member: Int32Array,
    private readonly nextStamp: () => number,
  ) {
    const U = units.count;
    this.taken = new Uint8Array(U);
    this.enabledIn = new Int32Array(U);
    this.seenAt = new Int32Array(U);
    this.failing = new Uint8Array(U);
    this.justiceOk = new Uint8Array(units.justiceNames.length);
  }

  /**
   * Calls `found` with the states of each fair strongly connected part of the component
   * `comp` (strongly connected in the subgraph without `excluded` edges).
   */
  search(comp: Int32Array, excluded: Uint8Array | null, found: (part: Int32Array) => void): void {
    const work: Int32Array[] = [];
    const first = this.evaluate(comp, excluded);
    if (first.fair) { found(comp); return; }
    if (first.rest !== null) work.push(first.rest);
    while (work.length > 0) {
      const set = work.pop()!;
      const stamp = this.nextStamp();
      for (let i = 0; i < set.length; i++) this.member[set[i]] = stamp;
      const cs = this.tarjan.run(set, set.length, this.member, stamp, excluded, null);
      for (let c = 0; c < cs.count; c++) {
        const part = cs.order.slice(cs.starts[c], cs.starts[c + 1]);
        if (part.length === 1 && !hasSelfLoop(this.g, part[0], excluded)) continue;
        const v = this.evaluate(part, excluded);
        if (v.fair) found(part);
        else if (v.rest !== null) work.push(v.rest);
      }
    }
  }

  /** Whether the strongly connected set `comp` has a fair cycle, or which part of it might. */
  private evaluate(comp: Int32Array, excluded: Uint8Array | null): Verdict {
    const { g, units, member, buf } = this;
    const { offsets, targets, labels } = g;
    const U = units.count;
    const J = this.justiceOk.length;
    const stamp = this.nextStamp();
    for (let i = 0; i < comp.length; i++) member[comp[i]] = stamp;
    this.taken.fill(0);
    this.enabledIn.fill(0);
    this.justiceOk.fill(0);
    for (let i = 0; i < comp.length; i++) {
      const u = comp[i];
      const seen = ++this.seen;
      for (let e = offsets[u]; e < offsets[u + 1]; e++) {
        const n = units.unitsOf(labels[e], buf);
        const inside = member[targets[e]] === stamp && (excluded === null || excluded[e] === 0);
        for (let k = 0; k < n; k++) {
          const unit = buf[k];
          if (this.seenAt[unit] !== seen) { this.seenAt[unit] = seen; this.enabledIn[unit]++; }
          if (inside) this.taken[unit] = 1;
        }
      }
      if (this.justiceMet !== null) for (let j = 0; j < J; j++) if (this.justiceMet[u * J + j] === 1) this.justiceOk[j] = 1;
    }
    let anyFailing = false;
    this.failing.fill(0);
    for (let unit = 0; unit < U; unit++) {
      if (this.taken[unit] === 1) continue;
      if (units.kind[unit] === WEAK && this.enabledIn[unit] === comp.length) return { fair: false, rest: null };
      if (units.kind[unit] === STRONG && this.enabledIn[unit] > 0) { this.failing[unit] = 1; anyFailing = true; }
    }
    for (let j = 0; j < J; j++) if (this.justiceOk[j] === 0) return { fair: false, rest: null };
    if (!anyFailing) return { fair: true };
    // Keep the states where no strong unit that C never takes is enabled.
    const rest: number[] = [];
    for (let i = 0; i < comp.length; i++) {
      const u = comp[i];
      let keep = true;
      for (let e = offsets[u]; e < offsets[u + 1] && keep; e++) {
        const n = units.unitsOf(labels[e], buf);
        for (let k = 0; k < n; k++) if (this.failing[buf[k]] === 1) { keep = false; break; }
      }
      if (keep) rest.push(u);
    }
    return { fair: false, rest: rest.length > 0 ? Int32Array.from(rest) : null };
  }
}
