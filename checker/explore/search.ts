/**
 * The search over the state graph. By default breadth-first, level by level, as TLC does:
 * every state is reached first along a shortest path, and a parent link plus the index of
 * the step that reached it (its "move") is kept per state, so any state's shortest trace
 * can be replayed from the initial state (replay.ts), the way SPIN replays a trail.
 * Depth-first order (SearchOptions.order) keeps the same links, so its traces replay the
 * same way; they are the paths the search took, not in general shortest ones.
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
 * mode, at load ≤ 0.7) and 8 bytes of parent link and move; for the current and the next
 * level, each state encoded as its difference from the one before it (frontier.ts), or,
 * depth-first, for each state reached and not yet expanded, its encoding (state-stack.ts).
 *
 * For liveness the search can also hand every edge to an EdgeSink (checker/liveness/graph.ts
 * keeps them in CSR arrays). That needs exact mode, where every state has a number that a
 * later edge to it can name; states are expanded in increasing number, which is what lets
 * the sink build its offsets as it goes.
 */
import type { CompiledProgram } from '../compile.ts';
import type { MemoryModel } from '../memory/model.ts';
import type { SearchOrder, StopReason } from '../result.ts';
import { ExactStateSet } from './exact.ts';
import { Fingerprinter } from './fingerprint.ts';
import { Frontier } from './frontier.ts';
import { StateStack } from './state-stack.ts';
import { Xorshift32 } from './random.ts';
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
  /** receives every edge of the state graph (exact mode, breadth-first only), for liveness */
  readonly edges?: EdgeSink;
  /**
   * 'breadth-first' (default): every state is reached first along a shortest path, so each
   * violation's counterexample is a shortest one. 'depth-first': the state reached last is
   * expanded first, as SPIN does; it keeps fewer states pending on deep, wide state spaces
   * and may reach a deep violation long before breadth-first order would, but its
   * counterexample is the path the search took (not, in general, a shortest one).
   */
  readonly order?: SearchOrder;
  /** depth-first only: expand each state's successors in an order shuffled from this seed */
  readonly seed?: number;
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
  readonly order: SearchOrder;
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
  return new StateSearch(cp, mm, opts).run();
}

/** One search, breadth-first or depth-first (SearchOptions.order). */
class StateSearch implements SuccessorSink {
  private readonly width: number;
  private readonly gen: SuccessorGenerator;
  private readonly fp = new Fingerprinter();
  private readonly fpSet: FingerprintSet | null;
  private readonly exactSet: ExactStateSet | null;
  private readonly parents = new Growable(1 << 16);
  private readonly moves = new Growable(1 << 16);
  /** the level being expanded, and the level its successors fill */
  private cur: Frontier;
  private next: Frontier;
  /** the number of each level's first state */
  private curFirst = 0;
  private nextFirst = 0;
  /** depth-first order: the states reached and not yet expanded (null: breadth-first) */
  private readonly stack: StateStack | null;
  private readonly rng: Xorshift32 | null;
  private readonly maxStates: number;
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
    const pool: Uint8Array[] = [];
    this.cur = new Frontier(this.width, pool);
    this.next = new Frontier(this.width, pool);
    this.stack = opts.order === 'depth-first' ? new StateStack(this.width) : null;
    this.rng = opts.seed !== undefined ? new Xorshift32(opts.seed) : null;
    if (this.rng !== null && this.stack === null) throw new Error('search: a seed shuffles the depth-first order only');
    this.maxStates = opts.maxStates ?? Infinity;
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
    if (this.edges !== null && this.stack !== null) throw new Error('search: recording the state graph needs breadth-first order');
  }

  run(): SearchOutcome {
    this.started = performance.now();
    this.deadline = this.opts.timeoutMs === undefined ? Infinity : this.started + this.opts.timeoutMs;
    this.nextProgress = this.started + (this.opts.progressIntervalMs ?? 3000);

    this.expanding = -1;
    this.moveIndex = 0;
    this.gen.initialStates(this);
    if (this.stack !== null) this.pushFresh();
    let stopReason = this.stack !== null ? this.depthFirst() : this.breadthFirst();
    if (this.remaining === 0 && stopReason === 'exhausted') stopReason = 'all-violated';

    const parents = this.parents.data, moves = this.moves.data;
    return {
      states: this.states,
      transitions: this.transitions,
      depth: this.maxDepth,
      seconds: (performance.now() - this.started) / 1000,
      stopReason,
      violations: this.violations,
      exactSet: this.exactSet,
      order: this.stack !== null ? 'depth-first' : 'breadth-first',
      pathTo(id: number): number[] {
        const path: number[] = [];
        for (let i = id; i >= 0; i = parents[i]) path.push(moves[i]);
        return path.reverse();
      },
    };
  }

  private started = 0;
  private deadline = Infinity;
  private nextProgress = Infinity;
  private expansions = 0;
  private maxDepth = 0;

  /** Level by level; a level's states were numbered consecutively as they were reached. */
  private breadthFirst(): StopReason {
    this.swapLevels();
    while (this.cur.count > 0 && this.remaining > 0) {
      const level = this.cur;
      const first = this.curFirst, n = level.count;
      level.beginReading();
      for (let e = 0; e < n; e++) {
        const stop = this.expand(level.read(), first + e);
        if (stop !== null) return stop;
      }
      this.swapLevels();
      if (this.cur.count > 0) this.maxDepth = ++this.depth;
    }
    return 'exhausted';
  }

  /** The most recently reached state first: a state's successors are all reached before the first of them is expanded. */
  private depthFirst(): StopReason {
    const stack = this.stack!;
    while (stack.size > 0 && this.remaining > 0) {
      const s = stack.pop();
      this.depth = stack.poppedDepth;
      if (this.depth > this.maxDepth) this.maxDepth = this.depth;
      const stop = this.expand(s, stack.poppedId);
      if (stop !== null) return stop;
    }
    return 'exhausted';
  }

  /** Expands state `id` (at `this.depth`); why the search must stop now, or null. */
  private expand(s: Int32Array, id: number): StopReason | null {
    this.src = s;
    this.expanding = id;
    this.moveIndex = 0;
    if (this.edges !== null) this.edges.expand(id);
    this.gen.generate(s, this);
    if (this.stack !== null) this.pushFresh();
    if (this.moveIndex === 0) this.terminal(s, id);
    if (this.remaining === 0) return 'all-violated';
    if (this.states >= this.maxStates) return 'max-states';
    if ((++this.expansions & 1023) === 0) {
      const now = performance.now();
      if (now >= this.deadline) return 'timeout';
      const onProgress = this.opts.onProgress;
      if (onProgress && now >= this.nextProgress) {
        this.nextProgress = now + (this.opts.progressIntervalMs ?? 3000);
        const secs = (now - this.started) / 1000;
        const frontier = this.stack !== null ? this.stack.size : this.cur.remaining + this.next.count;
        onProgress({
          states: this.states, transitions: this.transitions, statesPerSecond: this.states / secs,
          frontier, depth: this.depth, seconds: secs,
        });
      }
    }
    return null;
  }

  /** the new states the expansion in progress reached (depth-first), in slots reused */
  private readonly fresh: Int32Array[] = [];
  private readonly freshId: number[] = [];
  private readonly freshDepth: number[] = [];
  private freshCount = 0;

  private holdFresh(s: Int32Array, id: number, depth: number): void {
    const k = this.freshCount++;
    if (k === this.fresh.length) this.fresh.push(new Int32Array(this.width));
    this.fresh[k].set(s.subarray(0, this.width));
    this.freshId[k] = id;
    this.freshDepth[k] = depth;
  }

  /**
   * Pushes the new states of the last expansion so that the first reached is expanded
   * first (SPIN's order), or, with a seed, in a random order (SPIN's -DT_RAND): a
   * different seed explores a different part of a large space first.
   */
  private pushFresh(): void {
    const n = this.freshCount, stack = this.stack!, rng = this.rng;
    if (rng !== null) {
      for (let k = n - 1; k > 0; k--) {
        const j = rng.below(k + 1);
        const s = this.fresh[k]; this.fresh[k] = this.fresh[j]; this.fresh[j] = s;
        const id = this.freshId[k]; this.freshId[k] = this.freshId[j]; this.freshId[j] = id;
        const d = this.freshDepth[k]; this.freshDepth[k] = this.freshDepth[j]; this.freshDepth[j] = d;
      }
    }
    for (let k = n - 1; k >= 0; k--) stack.push(this.fresh[k], this.freshId[k], this.freshDepth[k]);
    this.freshCount = 0;
  }

  private swapLevels(): void {
    const done = this.cur;
    done.reset();
    this.cur = this.next;
    this.curFirst = this.nextFirst;
    this.next = done;
    this.nextFirst = this.states;
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
    const length = this.expanding >= 0 ? this.depth + 1 : 0;
    if (this.stack !== null) this.holdFresh(s, id, length);
    else this.next.append(s);
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
