/**
 * The one interface every memory model implements. The explorer owns threads (program
 * counters, registers, local code); a memory model owns what a thread's accesses do to
 * shared memory and to the model's own state (store buffers, views, ...), and which of
 * its own steps (a buffered store becoming visible) are enabled.
 *
 * All of this runs in the hot loop, so every operation works in place on the flat state
 * vector and returns numbers: an access first says how many outcomes it has from this
 * state (0: not enabled now, e.g. a fence waiting for its buffer to drain; 2+: the model
 * lets it read one of several values), and the explorer then performs outcome k on its
 * own copy of the state.
 *
 * Every access also receives the compiled instruction performing it (`ins`), for models
 * that order accesses by register dependencies (ARMv8 reads `ins.depAddr`, `ins.depData`,
 * `ins.dst`); SC, TSO and PSO ignore it.
 *
 * Layout: memory cell c is at `s[layout.memBase + c]`; the model's own area is
 * `s[layout.mmBase .. layout.mmBase + size)`, zero-initialised and then `init`ed. A
 * model whose memory keeps several writes per location (ARMv8) keeps the newest one in
 * `s[memBase + c]`, so that invariants, deadlock conditions and final states read memory
 * the same way under every model.
 */
import type { CompiledInstr, CompiledProgram } from '../compile.ts';

export type MemoryModelName = 'sc' | 'tso' | 'pso' | 'armv8';

/** Numeric codes the hot loop passes instead of the IR's strings. */
export const ORDER_PLAIN = 0;
export const ORDER_ACQUIRE = 1;
export const ORDER_RELEASE = 2;
export const ORDER_ACQ_REL = 3;
/** LDAPR's RCpc acquire (herd's `Q`): like acquire, but not ordered after an earlier release */
export const ORDER_ACQUIRE_PC = 4;
export const FENCE_FULL = 0;
export const FENCE_LD = 1;
export const FENCE_ST = 2;
/** Arm's ISB: orders the reads after it behind the control and address dependencies before it */
export const FENCE_ISB = 3;

export interface StateLayout {
  readonly threads: number;
  readonly memBase: number;
  readonly cells: number;
  readonly mmBase: number;
  /** per thread, the pc of a finished thread (its code length) */
  readonly ends: readonly number[];
  /** per thread, the state index of its first register (its registers are consecutive) */
  readonly regBase: readonly number[];
}

export interface MemoryModelOptions {
  /**
   * store-buffer capacity per thread (TSO) or per thread and location (PSO); under ARMv8,
   * how many writes memory keeps beyond the initial values (writes nobody can read any
   * more are dropped, so this bounds the writes still in flight)
   */
  readonly buffer: number;
  /** ARMv8: the most promises outstanding at once, over all threads */
  readonly promises: number;
  /**
   * whether the program has exclusives (loadExclusive/storeExclusive): a model keeps
   * reservation state only then, so programs without them pay nothing for it
   */
  readonly exclusives: boolean;
  /**
   * a liveness check runs: a model whose fairness needs steps of its own adds them (ARMv8:
   * a thread catching up with the newest write to a location); safety checks go without
   */
  readonly liveness?: boolean;
}

/** What a memory model reports while a counterexample is replayed (never during search). */
export interface MemoryTracer {
  /** `source`: 'memory' for a value from memory, 'buffer' for the thread's own buffered store */
  read(thread: number, cell: number, value: number, source: 'memory' | 'buffer'): void;
  /** `visible`: false when the store went into a buffer; a visible write is the newest of its location */
  write(thread: number, cell: number, value: number, visible: boolean): void;
  /** a buffered store of `thread` became visible in memory, as the newest write of its location */
  commit(thread: number, cell: number, value: number): void;
  /**
   * Models whose memory is a list of writes (ARMv8, Promising-ARM) name the exact write a
   * read takes: `ts` is its position in that list (0: the location's initial value);
   * `forwarded` when the thread read its own write ahead of its visibility order.
   */
  readMessage(thread: number, cell: number, value: number, ts: number, forwarded: boolean): void;
  /** `thread` promised a write: it is appended to the list now, and executed later by `fulfil` */
  promise(thread: number, cell: number, value: number): void;
  /** `thread` executed the write it promised at position `ts` */
  fulfil(thread: number, cell: number, value: number, ts: number): void;
  /** the list was compacted: the write at position i is now at `map[i]` (-1: dropped, nobody can read it) */
  renumber(map: Int32Array): void;
  /** `thread`'s reads of `cell` take its newest write from now on (a model's own step, for liveness) */
  catchUp(thread: number, cell: number, value: number): void;
}

/**
 * Register data flow, for models that order accesses by dependencies (ARMv8): the
 * explorer reports the local instructions that move values between registers, so the
 * model can follow the views (the points in memory order) that register values carry.
 */
export interface DependencyTracking {
  /** `ins` (an assignment or a nondeterministic choice) wrote register `ins.dst` from `ins.depSources` */
  assign(s: Int32Array, t: number, ins: CompiledInstr): void;
  /** `ins` branched on `ins.depCtrl`: everything after it is control dependent on them */
  branch(s: Int32Array, t: number, ins: CompiledInstr): void;
}

/**
 * Promises (Promising-ARM, Pulte et al., PLDI 2019): a thread may make a write visible
 * before it executes it, provided it can then reach and execute that write running on
 * its own. The explorer does the running (checker/explore/certification.ts); the model
 * keeps the promises in its memory.
 */
export interface PromiseSupport {
  /** the most promises outstanding at once, over all threads */
  readonly bound: number;
  /** how often, at the bound, a thread could have promised one more write (the bound limited the search) */
  boundHits: number;
  /** thread t's outstanding promises */
  outstanding(s: Int32Array, t: number): number;
  /** whether each of t's outstanding promises can still be fulfilled (its views have not passed it) */
  viable(s: Int32Array, t: number): boolean;
  /** whether memory has room for one more write */
  room(s: Int32Array): boolean;
  /** whether promises are made from this state at all (a model may restrict when, without losing behaviours) */
  mayPromise(s: Int32Array): boolean;
  /** append a promise of thread t to write `value` to `cell` */
  promise(s: Int32Array, t: number, cell: number, value: number): void;
  /** the position the next write takes (a promise made now goes there) */
  next(s: Int32Array): number;
  /**
   * Whether thread t could still place a write at position `at` (its views for writes have
   * not passed it): once they have, nothing it writes later can fulfil a promise made there.
   */
  open(s: Int32Array, t: number, at: number): boolean;
  /**
   * On a solo instance: while `found` is set, every write that could take position `at`
   * (coherence and views allow it; an atomic's, with no other thread's write between) is
   * reported to it as it is performed, whatever position it takes in this run.
   */
  collect(at: number, found: ((cell: number, value: number) => void) | null): void;
  /** a fresh instance of the same model for running one thread alone (it makes no promises itself) */
  solo(): MemoryModel;
  /** ints of `local(t)` */
  localWidth(t: number): number;
  /**
   * Write into `out` from `at` the part of the model's state that thread t's runs alone
   * depend on (its own views and banks, its registers' views, memory): with its pc,
   * registers and the ghosts, a key under which the explorer caches certification.
   */
  local(s: Int32Array, t: number, out: Int32Array, at: number): void;
}

export interface MemoryModel {
  readonly name: MemoryModelName;
  /** ints of per-state storage this model needs */
  readonly size: number;
  /** what the model's own steps are called in traces ("store buffer", "promise") */
  readonly internalStep: string;
  /** non-null for models that follow register dependencies */
  readonly dependencies: DependencyTracking | null;
  /** non-null for models with promises */
  readonly promises: PromiseSupport | null;
  /** set during replay only; the hot loop runs with null */
  tracer: MemoryTracer | null;
  /** how many times a store found its buffer (or memory) full: the bound limited the search */
  bufferFullHits: number;

  init(s: Int32Array): void;
  /** Models that need the compiled program (ARMv8: the views of each instruction's operands) get it once. */
  bind?(cp: CompiledProgram): void;

  loadCount(s: Int32Array, t: number, cell: number, order: number, ins: CompiledInstr): number;
  load(s: Int32Array, t: number, cell: number, order: number, k: number, ins: CompiledInstr): number;

  storeCount(s: Int32Array, t: number, cell: number, order: number, value: number, ins: CompiledInstr): number;
  store(s: Int32Array, t: number, cell: number, value: number, order: number, k: number, ins: CompiledInstr): void;

  /**
   * A read-modify-write is read (outcome k of rmwCount) then, unless a cas failed, written
   * on the same state: rmwWriteCount gives the ways the write can be placed after that
   * read (one, except under a model with promises, where it may fulfil one), and the
   * explorer performs way j on its own copy.
   */
  rmwCount(s: Int32Array, t: number, cell: number, order: number, ins: CompiledInstr): number;
  rmwRead(s: Int32Array, t: number, cell: number, order: number, k: number, ins: CompiledInstr): number;
  rmwWriteCount(s: Int32Array, t: number, cell: number, order: number, value: number, ins: CompiledInstr): number;
  rmwWrite(s: Int32Array, t: number, cell: number, order: number, value: number, j: number, ins: CompiledInstr): void;

  fenceCount(s: Int32Array, t: number, kind: number): number;
  fence(s: Int32Array, t: number, kind: number, k: number): void;

  /**
   * Exclusives (ir.ts `loadExclusive`/`storeExclusive`, Arm's LDXR/STXR). A load-exclusive
   * has `loadCount` outcomes like a load; outcome k returns the value read and opens t's
   * reservation on what it read. A store-exclusive has `storeExclusiveCount` outcomes;
   * outcome k returns the status it writes to its register: 1 when it failed and wrote
   * nothing (always possible), 0 when it stored — possible only if its write can follow the
   * write the load-exclusive read in coherence order with no other thread's write between.
   * Either way t's reservation is closed. Only called when `MemoryModelOptions.exclusives`.
   */
  loadExclusive(s: Int32Array, t: number, cell: number, order: number, k: number, ins: CompiledInstr): number;
  storeExclusiveCount(s: Int32Array, t: number, cell: number, order: number, value: number, ins: CompiledInstr): number;
  storeExclusive(s: Int32Array, t: number, cell: number, value: number, order: number, k: number, ins: CompiledInstr): number;

  /** Atomic blocks: whether one may start now, and how its accesses behave inside. */
  atomicEnabled(s: Int32Array, t: number): boolean;
  /** a block of thread t starts (on the explorer's copy of the state) */
  atomicBegin(s: Int32Array, t: number): void;
  atomicLoad(s: Int32Array, t: number, cell: number, ins: CompiledInstr): number;
  atomicStore(s: Int32Array, t: number, cell: number, value: number, ins: CompiledInstr): void;
  /** the block of thread t has ended (models with views order what follows after it) */
  atomicEnd(s: Int32Array, t: number): void;

  /** The model's own steps, e.g. flushing the oldest entry of a store buffer. */
  internalCount(s: Int32Array): number;
  internal(s: Int32Array, k: number): void;
  /** the thread on whose behalf internal step k runs (for traces) */
  internalThread(s: Int32Array, k: number): number;

  /** The model's own state, named, for traces: e.g. `sb[Xen0] = [slot.state:=1]`. */
  describe(s: Int32Array, names: StateNames): { readonly name: string; readonly value: string }[];

  /**
   * Liveness: which of the model's own steps are fair, and how (checker/liveness/fairness.ts).
   * Absent: every internal step of thread t's is one unit, weakly fair (right for a single
   * FIFO buffer per thread, as x86-TSO; SC has no internal steps).
   */
  readonly fairness?: MemoryFairness;
}

/**
 * The fairness of a memory model's own steps, which a liveness check assumes of every run:
 * without it, a store could sit in a buffer forever and a spinning reader would "starve"
 * for a reason no hardware has.
 *
 * Internal steps are grouped into units ("keys"): `key(s, k)` is the unit of internal step
 * k in state s, in 0 … keys-1, and must mean the same obligation in every state (x86-TSO:
 * key t = "flush thread t's oldest store"; a per-location model such as PSO needs a key per
 * thread and location, since weak fairness on "some flush of t" lets t's store to x wait
 * forever while its stores to y keep flushing). Each key is weakly or strongly fair:
 * weak: a key enabled continuously from some point on is taken infinitely often; strong: a
 * key enabled infinitely often is taken infinitely often.
 *
 * `justice` states obligations that are not steps (Büchi conditions): every infinite run of
 * the model passes, for each j, infinitely many states with `met(s, j)`. For a model with
 * promises (Promising-ARM): "thread t has no outstanding promise" is such a condition if
 * every outstanding promise must be fulfilled before the thread may promise again;
 * otherwise the promise needs an identity that survives canonicalisation and a key of its
 * own.
 */
export interface MemoryFairness {
  readonly kind: 'weak' | 'strong';
  readonly keys: number;
  key(s: Int32Array, k: number): number;
  /** how a message names key j ("the store buffer of Xen0") */
  keyName(j: number, names: StateNames): string;
  readonly justice?: {
    readonly count: number;
    met(s: Int32Array, j: number): boolean;
    name(j: number, names: StateNames): string;
  };
}

/** How a memory model names cells, values and threads when it describes its state. */
export interface StateNames {
  cell(c: number): string;
  value(c: number, v: number): string;
  thread(t: number): string;
}
