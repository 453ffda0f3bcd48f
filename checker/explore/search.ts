/**
 * Breadth-first search over the state graph, level by level, as TLC does: every state is
 * reached first along a shortest path, and a parent link plus the index of the step that
 * reached it (its "move") is kept per state, so any state's shortest trace can be
 * replayed from the initial state (replay.ts), the way SPIN replays a trail.
 *
 * One search checks all of a program's properties and records the first violation of
 * each, which by breadth-first order is a shortest one:
 *  - invariants, on every state when it is first reached — under a model with promises
 *    (ARMv8), on every state with no promise outstanding (see `promiseFree`);
 *  - assertions and run-time faults, on the step that fails them;
 *  - deadlocks, on a state with no enabled step (memory-model steps included) in which
 *    some thread is neither finished nor at an end label.
 * The search stops when the space is exhausted, when every checked property has been
 * violated, or when a bound (states, time) cuts it short — then properties not yet
 * violated are `incomplete`, never `holds`.
 *
 * Memory per state: the visited set (8 bytes of fingerprint, or the whole vector in exact
 * mode, at load ≤ 0.7) and 8 bytes of parent link and move; full vectors only for the
 * current and the next level.
 *
 * For liveness the search can also hand every edge to an EdgeSink (checker/liveness/graph.ts
 * keeps them in CSR arrays). That needs exact mode, where every state has a number that a
 * later edge to it can name; states are expanded in increasing number, which is what lets
 * the sink build its offsets as it goes.
 */
import type { CompiledProgram } from '../compile.ts';
import type { MemoryModel } from '../memory/model.ts';
import type { StopReason } from '../result.ts';
import { ExactStateSet } from './exact.ts';
import { Fingerprinter } from './fingerprint.ts';
import { SuccessorGenerator, type SuccessorSink } from './successors.ts';
import { FingerprintSet } from './visited.ts';
import { DeadlockCheck, InvariantCheck, isValidEnd } from '../../properties/index.ts';

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly statesPerSecond: number;
  readonly frontier: number;
  readonly depth: number;
  readonly seconds: number;
}

export interface SearchOptions {
  /** stop (incomplete) once this many distinct states are known */
  readonly maxStates?: number;
  /** stop (incomplete) after this many milliseconds */
  readonly timeoutMs?: number;
  /** store whole states instead of 64-bit fingerprints */
  readonly exact?: boolean;
  /** indices of the properties to check (default: all) */
  readonly checked?: ReadonlySet<number>;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** called with every terminal state in which every thread has validly ended (litmus final states) */
  readonly onFinal?: (s: Int32Array, id: number) => void;
  /** receives every edge of the state graph (exact mode only), for liveness */
  readonly edges?: EdgeSink;
}

/**
 * The state graph as the search discovers it. States are numbered in the order they are
 * first reached and expanded in that same order, so `expand(id)` is called for id = 0, 1,
 * 2, … and the edges that follow belong to that state.
 */
export interface EdgeSink {
  /** state `id` is an initial state */
  initial(id: number): void;
  /** the expansion of state `id` begins */
  expand(id: number): void;
  /**
   * A step of the state being expanded leads to state `to`. `label`: who took it, as
   * liveness tells steps apart (SuccessorGenerator.stepLabel): the thread, the memory
   * model's fairness unit, or the step class of a labelled instruction.
   */
  edge(to: number, label: number): void;
  /** a step of the state being expanded faults or fails an assertion */
  error(): void;
}

/** Where a property was first violated. */
export interface ViolationRecord {
  readonly property: number;
  /** 'state': the state `stateId` itself violates it; 'step': the step `move` from `stateId` does */
  readonly at: 'state' | 'step';
  readonly stateId: number;
  readonly move: number;
  /** length of the counterexample in steps */
  readonly length: number;
  readonly message: string;
}

export interface SearchOutcome {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  readonly stopReason: StopReason;
  /** by property index */
  readonly violations: readonly (ViolationRecord | undefined)[];
  /** the path of moves from an initial state to state `id`: [initial index, move, move, ...] */
  pathTo(id: number): number[];
  readonly exactSet: ExactStateSet | null;
}

class Growable {
  data: Int32Array;
  constructor(n: number) { this.data = new Int32Array(n); }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length;
    while (cap < n) cap *= 2;
    const d = new Int32Array(cap);
    d.set(this.data);
    this.data = d;
  }
}

export function search(cp: CompiledProgram, mm: MemoryModel, opts: SearchOptions = {}): SearchOutcome {
  return new BreadthFirstSearch(cp, mm, opts).run();
}

class BreadthFirstSearch implements SuccessorSink {
  private readonly width: number;
  private readonly gen: SuccessorGenerator;
  private readonly fp = new Fingerprinter();
  private readonly fpSet: FingerprintSet | null;
  private readonly exactSet: ExactStateSet | null;
  private readonly parents = new Growable(1 << 16);
  private readonly moves = new Growable(1 << 16);
  private cur = new Growable(1 << 12);
  private next = new Growable(1 << 12);
  private nextCount = 0;
  private states = 0;
  private transitions = 0;
  private depth = 0;
  private expanding = -1;
  private moveIndex = 0;
  private readonly violations: (ViolationRecord | undefined)[];
  private readonly checkedFlags: Uint8Array;
  private remaining: number;
  private readonly invariants: InvariantCheck;
  private readonly deadlocks: DeadlockCheck;
  private readonly isEnd: Uint8Array[];
  private readonly ends: Int32Array;
  private readonly edges: EdgeSink | null;
  /** the state being expanded (for the labels of memory-model steps) */
  private src: Int32Array = new Int32Array(0);

  constructor(private readonly cp: CompiledProgram, private readonly mm: MemoryModel, private readonly opts: SearchOptions) {
    this.width = cp.layout.size;
    this.gen = new SuccessorGenerator(cp, mm, { checked: opts.checked });
    this.fpSet = opts.exact ? null : new FingerprintSet();
    this.exactSet = opts.exact ? new ExactStateSet(this.width) : null;
    this.violations = new Array(cp.properties.length).fill(undefined);
    this.checkedFlags = new Uint8Array(cp.properties.length);
    for (const p of cp.properties) {
      const on = opts.checked === undefined || opts.checked.has(p.index);
      this.checkedFlags[p.index] = on && p.kind !== 'unchecked' && p.kind !== 'final' ? 1 : 0;
    }
    this.remaining = this.checkedFlags.reduce((n, f) => n + f, 0);
    this.invariants = new InvariantCheck(cp.properties, this.checkedFlags);
    this.deadlocks = new DeadlockCheck(cp.properties, this.checkedFlags);
    this.isEnd = cp.threads.map((t) => t.isEnd);
    this.ends = Int32Array.from(cp.threads.map((t) => t.end));
    this.edges = opts.edges ?? null;
    if (this.edges !== null && this.exactSet === null) throw new Error('search: recording the state graph needs exact mode');
  }

  run(): SearchOutcome {
    const started = performance.now();
    const deadline = this.opts.timeoutMs === undefined ? Infinity : started + this.opts.timeoutMs;
    const maxStates = this.opts.maxStates ?? Infinity;
    const progressEvery = this.opts.progressIntervalMs ?? 3000;
    let nextProgress = started + progressEvery;
    let stopReason: StopReason = 'exhausted';

    this.expanding = -1;
    this.moveIndex = 0;
    this.gen.initialStates(this);
    this.swapLevels();

    const W = this.width + 1;
    const s = new Int32Array(this.width);
    this.src = s;
    const edges = this.edges;
    let expansions = 0;
    outer: while (this.curCount > 0 && this.remaining > 0) {
      const buf = this.cur.data;
      for (let e = 0; e < this.curCount; e++) {
        const off = e * W;
        const id = buf[off];
        s.set(buf.subarray(off + 1, off + W));
        this.expanding = id;
        this.moveIndex = 0;
        if (edges !== null) edges.expand(id);
        this.gen.generate(s, this);
        if (this.moveIndex === 0) this.terminal(s, id);
        if (this.remaining === 0) { stopReason = 'all-violated'; break outer; }
        if (this.states >= maxStates) { stopReason = 'max-states'; break outer; }
        if ((++expansions & 1023) === 0) {
          const now = performance.now();
          if (now >= deadline) { stopReason = 'timeout'; break outer; }
          if (this.opts.onProgress && now >= nextProgress) {
            nextProgress = now + progressEvery;
            const secs = (now - started) / 1000;
            this.opts.onProgress({
              states: this.states, transitions: this.transitions, statesPerSecond: this.states / secs,
              frontier: this.curCount - e - 1 + this.nextCount, depth: this.depth, seconds: secs,
            });
          }
        }
      }
      this.swapLevels();
      if (this.curCount > 0) this.depth++;
    }
    if (this.remaining === 0 && stopReason === 'exhausted' && this.curCount > 0) stopReason = 'all-violated';

    const parents = this.parents.data, moves = this.moves.data;
    return {
      states: this.states,
      transitions: this.transitions,
      depth: this.depth,
      seconds: (performance.now() - started) / 1000,
      stopReason,
      violations: this.violations,
      exactSet: this.exactSet,
      pathTo(id: number): number[] {
        const path: number[] = [];
        for (let i = id; i >= 0; i = parents[i]) path.push(moves[i]);
        return path.reverse();
      },
    };
  }

  private curCount = 0;

  private swapLevels(): void {
    const t = this.cur;
    this.cur = this.next;
    this.next = t;
    this.curCount = this.nextCount;
    this.nextCount = 0;
  }

  // --- SuccessorSink ----------------------------------------------------------------------

  state(s: Int32Array, actor: number): void {
    const move = this.moveIndex++;
    if (this.expanding >= 0) this.transitions++;
    const w = this.width;
    this.fp.hash(s, 0, w);
    const fresh = this.fpSet !== null ? this.fpSet.add(this.fp.hi, this.fp.lo) : this.exactSet!.add(s, this.fp.lo);
    const edges = this.edges;
    if (edges !== null) {
      const to = this.exactSet!.lastId;
      if (this.expanding >= 0) edges.edge(to, this.gen.stepLabel(this.src, actor));
      else edges.initial(to);
    }
    if (!fresh) return;
    const id = this.states++;
    this.parents.ensure(id + 1);
    this.moves.ensure(id + 1);
    this.parents.data[id] = this.expanding;
    this.moves.data[id] = move;
    const W = w + 1;
    this.next.ensure((this.nextCount + 1) * W);
    const off = this.nextCount * W;
    this.next.data[off] = id;
    this.next.data.set(s.subarray(0, w), off + 1);
    this.nextCount++;
    const length = this.expanding >= 0 ? this.depth + 1 : 0;
    if (!this.promiseFree(s)) return;
    this.invariants.check(s, this.violations, (index) => {
      this.record({ property: index, at: 'state', stateId: id, move: -1, length, message: `invariant ${this.cp.properties[index].id} fails` });
    });
  }

  /**
   * Whether no promise is outstanding in `s` (invariants are judged only there). Under Promising-ARM a promised write is in memory
   * before its thread executes what precedes it in program order — ghost updates
   * included, which happen as the thread executes them. A state with a promise outstanding
   * is a look-ahead, not a point of the execution: an invariant relating a write to the
   * ghost that precedes it (vits D3: CREADR passes a command only once the command's
   * effect is recorded) would fail there although the write is ordered after it (the
   * read and branch that set the ghost read earlier messages; the certificate proves it).
   * So invariants are judged where every write in memory has been executed: on every
   * execution that reaches such a state, it is the state of memory and ghosts that the
   * threads' executed prefixes give. What is lost: a transient order of visibility that
   * a memory-only invariant could see between promise and fulfilment; a property about
   * what a thread observes states it as an assertion in that thread, judged at its step.
   */
  private promiseFree(s: Int32Array): boolean {
    const p = this.mm.promises;
    if (p === null) return true;
    for (let t = 0; t < this.ends.length; t++) if (p.outstanding(s, t) > 0) return false;
    return true;
  }

  violation(_s: Int32Array, property: number, message: string, _actor: number): void {
    const move = this.moveIndex++;
    if (this.expanding >= 0) this.transitions++;
    if (this.edges !== null && this.expanding >= 0) this.edges.error();
    if (this.violations[property] !== undefined || this.checkedFlags[property] === 0) return;
    const length = this.expanding >= 0 ? this.depth + 1 : 0;
    this.record({ property, at: 'step', stateId: this.expanding, move, length, message });
  }

  private record(v: ViolationRecord): void {
    this.violations[v.property] = v;
    this.remaining--;
  }

  /** A state with no enabled step: a valid end, or a deadlock. */
  private terminal(s: Int32Array, id: number): void {
    // With a promise still outstanding this is no execution's end (it cannot happen in a
    // certified state: the promising thread could still move); with memory full, a write
    // may be waiting for room, which the bound (reported with the verdict) took away.
    const promises = this.mm.promises;
    if (promises !== null) {
      // (counted as the bound reached: a deadlock in such a state would go unreported)
      if (!promises.room(s)) { this.mm.bufferFullHits++; return; }
      if (!this.promiseFree(s)) return;
    }
    if (isValidEnd(s, this.isEnd)) {
      if (this.opts.onFinal) {
        let finished = true;
        for (let t = 0; t < this.ends.length; t++) if (s[t] !== this.ends[t]) { finished = false; break; }
        if (finished) this.opts.onFinal(s, id);
      }
      return;
    }
    this.deadlocks.classify(s, (index, named) => {
      if (this.violations[index] !== undefined) return;
      const message = named ? 'deadlock: no step is enabled' : 'deadlock: no step is enabled and not every thread is finished or at an end label';
      this.record({ property: index, at: 'state', stateId: id, move: -1, length: this.depth, message });
    });
  }
}
