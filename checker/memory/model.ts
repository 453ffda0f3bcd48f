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
 * Layout: memory cell c is at `s[layout.memBase + c]`; the model's own area is
 * `s[layout.mmBase .. layout.mmBase + size)`, zero-initialised and then `init`ed.
 */

export type MemoryModelName = 'sc' | 'tso' | 'pso' | 'armv8';

/** Numeric codes the hot loop passes instead of the IR's strings. */
export const ORDER_PLAIN = 0;
export const ORDER_ACQUIRE = 1;
export const ORDER_RELEASE = 2;
export const ORDER_ACQ_REL = 3;
/** LDAPR's RCpc acquire (ir.ts `acquire_pc`) */
export const ORDER_ACQUIRE_PC = 4;
export const FENCE_FULL = 0;
export const FENCE_LD = 1;
export const FENCE_ST = 2;
/** Arm's ISB (ir.ts `isb`) */
export const FENCE_ISB = 3;

export interface StateLayout {
  readonly threads: number;
  readonly memBase: number;
  readonly cells: number;
  readonly mmBase: number;
}

export interface MemoryModelOptions {
  /** store-buffer capacity per thread (TSO) or per thread and location (PSO) */
  readonly buffer: number;
  /**
   * whether the program has exclusives (loadExclusive/storeExclusive): a model keeps
   * reservation state only then, so programs without them pay nothing for it
   */
  readonly exclusives: boolean;
}

/** What a memory model reports while a counterexample is replayed (never during search). */
export interface MemoryTracer {
  /** `source`: 'memory' for a value from memory, 'buffer' for the thread's own buffered store */
  read(thread: number, cell: number, value: number, source: 'memory' | 'buffer'): void;
  /** `visible`: false when the store went into a buffer */
  write(thread: number, cell: number, value: number, visible: boolean): void;
  /** a buffered store of `thread` became visible in memory */
  commit(thread: number, cell: number, value: number): void;
}

export interface MemoryModel {
  readonly name: MemoryModelName;
  /** ints of per-state storage this model needs */
  readonly size: number;
  /** set during replay only; the hot loop runs with null */
  tracer: MemoryTracer | null;
  /** how many times a store found its buffer full (the buffer bound limited the search) */
  bufferFullHits: number;

  init(s: Int32Array): void;

  loadCount(s: Int32Array, t: number, cell: number, order: number): number;
  load(s: Int32Array, t: number, cell: number, order: number, k: number): number;

  storeCount(s: Int32Array, t: number, cell: number, order: number): number;
  store(s: Int32Array, t: number, cell: number, value: number, order: number, k: number): void;

  /** A read-modify-write is read (outcome k) then, unless a cas failed, written on the same state. */
  rmwCount(s: Int32Array, t: number, cell: number, order: number): number;
  rmwRead(s: Int32Array, t: number, cell: number, order: number, k: number): number;
  rmwWrite(s: Int32Array, t: number, cell: number, order: number, value: number): void;

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
  loadExclusive(s: Int32Array, t: number, cell: number, order: number, k: number): number;
  storeExclusiveCount(s: Int32Array, t: number, cell: number, order: number): number;
  storeExclusive(s: Int32Array, t: number, cell: number, value: number, order: number, k: number): number;

  /** Atomic blocks: whether one may start now, and how its accesses behave inside. */
  atomicEnabled(s: Int32Array, t: number): boolean;
  atomicLoad(s: Int32Array, t: number, cell: number): number;
  atomicStore(s: Int32Array, t: number, cell: number, value: number): void;

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
