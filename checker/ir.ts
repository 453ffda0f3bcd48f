/**
 * The program IR: plain data that the model builder, the litmus front end and any other
 * front end produce, and that the explorer compiles and runs under a memory model.
 *
 * Everything here is a discriminated union over plain objects, so an IR value can be
 * printed, serialised, compared in tests and produced by code that never saw the builder.
 * The IR knows one fence vocabulary only (`full`, `ld`, `st`, and `isb` for Arm's
 * instruction barrier) and the access orderings plain/acquire/acquire_pc/release; the Xen
 * and Linux barrier names are mapped onto these in models/xen/barriers.ts, per memory
 * model.
 */

/** Where in a model's source an element was declared (for errors and traces). */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

// ---------------------------------------------------------------------------------------
// Expressions

export type UnaryOp = 'not' | 'neg' | 'bitnot';
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'mod'
  | 'and' | 'or' | 'xor' | 'shl' | 'shr'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'ltu' | 'leu'
  | 'land' | 'lor';

/**
 * Integer expressions (int32 arithmetic, wrapping). Booleans are 0/1; any non-zero
 * value is true.
 *
 * `reg` and `ghost` may appear anywhere. `mem`, `at`, `treg` and `done` observe the
 * global state from outside any thread, so they are allowed only in property predicates
 * (invariants, deadlock conditions, final-state conditions), never in thread code, where
 * shared memory is read only through loads that the memory model governs.
 */
export type Expr =
  | { readonly k: 'const'; readonly v: number }
  | { readonly k: 'reg'; readonly r: number }
  | { readonly k: 'ghost'; readonly g: number; readonly index: Expr | null }
  | { readonly k: 'un'; readonly op: UnaryOp; readonly a: Expr }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'ite'; readonly c: Expr; readonly a: Expr; readonly b: Expr }
  // predicate-only observers
  | { readonly k: 'mem'; readonly addr: Addr }
  | { readonly k: 'treg'; readonly thread: number; readonly r: number }
  | { readonly k: 'at'; readonly thread: number; readonly label: string }
  | { readonly k: 'done'; readonly thread: number };

/**
 * A shared-memory address: an element of a declared location (`index` null for a scalar
 * or element 0), or a pointer value computed at run time (litmus `[X1]`, C `*p`).
 * Pointer values are `POINTER_BASE + cell`, where cell is the flat cell number of the
 * element; see `pointerTo`.
 */
export type Addr =
  | { readonly k: 'loc'; readonly loc: number; readonly index: Expr | null }
  | { readonly k: 'ptr'; readonly e: Expr };

/** Values at or above this are pointers to memory cells (cell = value - POINTER_BASE). */
export const POINTER_BASE = 0x4000_0000;

// ---------------------------------------------------------------------------------------
// Instructions

/**
 * `acquire_pc` is the RCpc acquire of Arm's LDAPR (herd's `Q`): ordered before every later
 * access like `acquire`, except that an earlier release (STLR) need not be ordered before it.
 */
export type LoadOrder = 'plain' | 'acquire' | 'acquire_pc';
export type StoreOrder = 'plain' | 'release';
export type RmwOrder = 'plain' | 'acquire' | 'release' | 'acq_rel';
/**
 * `full` orders everything; `ld` orders R→R and R→W; `st` orders W→W. `isb` is Arm's
 * instruction synchronisation barrier: it orders nothing by itself, but a control or address
 * dependency into it orders the reads after it (aarch64.cat's `[ISB]` in `dob`); models
 * without dependencies treat it as a no-op.
 */
export type FenceKind = 'full' | 'ld' | 'st' | 'isb';

/**
 * Read-modify-write operations. The value read is the old value; the value written is:
 * xchg: operand; cas: operand if old == expected (otherwise nothing is written);
 * add/sub/and/or/xor: old OP operand; andnot: old & ~operand.
 * Bit operations (test_and_set_bit ...) are `or`/`andnot` with a mask, built by helpers.
 */
export type RmwOp = 'xchg' | 'cas' | 'add' | 'sub' | 'and' | 'or' | 'xor' | 'andnot';

/** A memory access that can stand in an `await`. */
export type AwaitAccess =
  | { readonly kind: 'load'; readonly dst: number; readonly addr: Addr; readonly order: LoadOrder }
  | {
      readonly kind: 'rmw';
      readonly rmw: RmwOp;
      readonly dst: number;
      readonly addr: Addr;
      readonly operand: Expr;
      readonly expected: Expr | null;
      readonly order: RmwOrder;
    };

interface InstrBase {
  readonly src: SourcePos;
  /** A source-level description for traces ("ioreq_send: publish READY"). */
  readonly note?: string;
}

/**
 * One instruction of a thread. Jump targets are instruction indices; the index equal to
 * the code length means "the thread has finished".
 *
 * Visible instructions (load, store, rmw, fence, await, select, atomic, skip, and the
 * exclusives) are each one
 * step of the transition system; local instructions (assign, setGhost, branch, jump,
 * choose, assert) touch only the thread's registers and ghosts, and run as part of the
 * step that precedes them.
 */
export type Instr =
  | (InstrBase & { readonly op: 'load'; readonly dst: number; readonly addr: Addr; readonly order: LoadOrder })
  | (InstrBase & { readonly op: 'store'; readonly addr: Addr; readonly value: Expr; readonly order: StoreOrder })
  | (InstrBase & {
      readonly op: 'rmw';
      readonly rmw: RmwOp;
      /**
       * register receiving the old value, or null: a no-return atomic (Arm's STADD, or an
       * LDADD/SWP/CAS whose destination is WZR/XZR), whose read aarch64.cat does not order
       * as it orders reads that produce a value (a DMB LD after it does not order it)
       */
      readonly dst: number | null;
      readonly addr: Addr;
      readonly operand: Expr;
      /** the expected value of a cas */
      readonly expected: Expr | null;
      readonly order: RmwOrder;
    })
  | (InstrBase & { readonly op: 'fence'; readonly kind: FenceKind })
  /**
   * Exclusives, as Arm's LDXR/STXR (and LDAXR/STLXR) pair them. A load-exclusive is a load
   * that also opens the thread's reservation on the location it reads. A store-exclusive
   * writes `value` only if it may be the next write in coherence order after the write that
   * load-exclusive read, with no other thread's write between (aarch64.cat's
   * `empty rmw & (fre; coe)`); it writes 0 to `status` when it stored, 1 when it did not.
   * It may always fail (as herd's store-conditional may), and must fail without an open
   * reservation on that location; either way the reservation is closed. Memory models give
   * the reservation its meaning (checker/memory/exclusive-monitor.ts for SC and TSO).
   */
  | (InstrBase & { readonly op: 'loadExclusive'; readonly dst: number; readonly addr: Addr; readonly order: LoadOrder })
  | (InstrBase & { readonly op: 'storeExclusive'; readonly status: number; readonly addr: Addr; readonly value: Expr; readonly order: StoreOrder })
  /** Take the access only when the value it reads satisfies `cond` (evaluated with `dst` set). */
  | (InstrBase & { readonly op: 'await'; readonly access: AwaitAccess; readonly cond: Expr })
  /** Nondeterministic choice among guarded alternatives (Promela's if/fi): each target's
   *  first instruction is visible, and the alternatives whose first step is enabled run. */
  | (InstrBase & { readonly op: 'select'; readonly targets: readonly number[] })
  /** Run the instructions up to the matching atomicEnd as one indivisible step. */
  | (InstrBase & { readonly op: 'atomicBegin'; readonly end: number })
  | (InstrBase & { readonly op: 'atomicEnd' })
  /** Inside an atomic block: the block is enabled only in states where `cond` holds here. */
  | (InstrBase & { readonly op: 'guard'; readonly cond: Expr })
  /** A visible step that changes nothing but the program counter (Promela's skip). */
  | (InstrBase & { readonly op: 'skip' })
  | (InstrBase & { readonly op: 'assign'; readonly dst: number; readonly value: Expr })
  | (InstrBase & { readonly op: 'setGhost'; readonly g: number; readonly index: Expr | null; readonly value: Expr })
  | (InstrBase & { readonly op: 'branch'; readonly cond: Expr; readonly target: number })
  | (InstrBase & { readonly op: 'jump'; readonly target: number })
  | (InstrBase & { readonly op: 'choose'; readonly dst: number; readonly min: number; readonly max: number })
  | (InstrBase & { readonly op: 'assert'; readonly cond: Expr; readonly property: string; readonly message: string });

export type Op = Instr['op'];

export const VISIBLE_OPS: ReadonlySet<Op> = new Set<Op>([
  'load', 'store', 'rmw', 'fence', 'await', 'select', 'atomicBegin', 'skip', 'loadExclusive', 'storeExclusive',
]);

// ---------------------------------------------------------------------------------------
// Declarations

export interface Location {
  readonly name: string;
  /** 1 for a scalar; n for an array of n elements */
  readonly size: number;
  /** one initial value per element */
  readonly init: readonly number[];
  /** names of values, for traces: slot state 1 prints as READY */
  readonly values?: Readonly<Record<number, string>>;
  readonly src: SourcePos;
}

export interface Ghost {
  readonly name: string;
  readonly size: number;
  readonly init: readonly number[];
  readonly values?: Readonly<Record<number, string>>;
  readonly src: SourcePos;
}

export interface Register {
  readonly name: string;
  /** the initial value, or null when the register must be assigned before it is read */
  readonly init: number | null;
  readonly values?: Readonly<Record<number, string>>;
}

/**
 * How a liveness check treats an actor that could move but does not (checker/liveness/fairness.ts):
 * weak: if it is enabled continuously from some point on, it moves infinitely often (WF in TLA+;
 * SPIN's weak fairness); strong: if it is enabled infinitely often, it moves infinitely often
 * (SF); none: it may stop moving at any point.
 */
export type Fairness = 'weak' | 'strong' | 'none';

/**
 * A step with a fairness of its own: the thread's steps that execute the instruction at
 * `pc`. 'weak' / 'strong' add a fairness constraint of their own to the thread's; 'none'
 * exempts them from the thread's: they neither count as the thread being enabled nor as
 * it moving (an optional step, such as a cache refill the hardware may or may not do).
 */
export interface FairStep {
  readonly pc: number;
  readonly fairness: Fairness;
  /** the label that marks it, for messages */
  readonly label: string;
}

export interface Thread {
  readonly name: string;
  /** how traces name the actor, as the protocol does: "Xen (vCPU0)", "device model" */
  readonly actor: string;
  readonly regs: readonly Register[];
  readonly code: readonly Instr[];
  /** label name → instruction index */
  readonly labels: Readonly<Record<string, number>>;
  /** instruction indices where the thread may validly rest forever (SPIN's end labels) */
  readonly endPcs: readonly number[];
  readonly src: SourcePos;
  /** the thread's fairness as a whole (absent: weak, protocols.md §0 "Liveness encoding") */
  readonly fairness?: Fairness;
  /** steps with a fairness of their own, in addition to the thread's */
  readonly fairSteps?: readonly FairStep[];
  /** instruction indices whose step is a progress step (SPIN's progress labels) */
  readonly progressPcs?: readonly number[];
}

// ---------------------------------------------------------------------------------------
// Properties (constructors and evaluation live in properties/)

export type Property =
  /** must hold in every reachable state */
  | { readonly kind: 'invariant'; readonly id: string; readonly description: string; readonly pred: Expr; readonly src: SourcePos }
  /** violated when an `assert` naming this id fails */
  | { readonly kind: 'assertion'; readonly id: string; readonly description: string; readonly src: SourcePos }
  /**
   * violated by a reachable state with no enabled step (memory-model steps included) in
   * which some thread is neither finished nor at an end label, and `where` holds (null:
   * every such state). A deadlock that no named deadlock property claims is reported
   * under the built-in `deadlock` property.
   */
  | { readonly kind: 'deadlock'; readonly id: string; readonly description: string; readonly where: Expr | null; readonly src: SourcePos }
  /** litmus-style: some (exists) / no (never) final state satisfies `pred`; see properties/final.ts */
  | { readonly kind: 'final'; readonly id: string; readonly description: string; readonly pred: Expr; readonly src: SourcePos }
  /** the model declares a property the checker cannot decide (a liveness property it does not define): reported `unchecked` */
  | { readonly kind: 'unchecked'; readonly id: string; readonly description: string; readonly reason: string; readonly src: SourcePos }
  /**
   * Liveness (properties/liveness.ts), decided on fair runs only:
   *  - eventually: every fair run reaches a state satisfying `goal` (◇goal);
   *  - leadsTo: for each clause, every state satisfying `p` is followed by one satisfying `q` (□(p → ◇q));
   *  - alwaysEventually: `goal` holds infinitely often on every fair run (□◇goal);
   *  - progress: every fair infinite run takes a progress step (a step from a progress label) infinitely often.
   * `deadlock` is the property's safety form (null: none): the deadlocks satisfying it are
   * this property's own, not the built-in `deadlock`'s, and the shortest one violates it.
   */
  | { readonly kind: 'eventually'; readonly id: string; readonly description: string; readonly goal: Expr; readonly deadlock: Expr | null; readonly src: SourcePos }
  | { readonly kind: 'leadsTo'; readonly id: string; readonly description: string; readonly clauses: readonly LeadsToClause[]; readonly deadlock: Expr | null; readonly src: SourcePos }
  | { readonly kind: 'alwaysEventually'; readonly id: string; readonly description: string; readonly goal: Expr; readonly deadlock: Expr | null; readonly src: SourcePos }
  | { readonly kind: 'progress'; readonly id: string; readonly description: string; readonly deadlock: Expr | null; readonly src: SourcePos };

export interface LeadsToClause {
  readonly p: Expr;
  readonly q: Expr;
}

export type LivenessProperty = Extract<Property, { kind: 'eventually' | 'leadsTo' | 'alwaysEventually' | 'progress' }>;

export const LIVENESS_KINDS: ReadonlySet<string> = new Set(['eventually', 'leadsTo', 'alwaysEventually', 'progress']);

export const isLiveness = (p: { readonly kind: string }): boolean => LIVENESS_KINDS.has(p.kind);

export type PropertyKind = Property['kind'];

export interface Program {
  readonly name: string;
  readonly locations: readonly Location[];
  readonly ghosts: readonly Ghost[];
  readonly threads: readonly Thread[];
  readonly properties: readonly Property[];
}

// ---------------------------------------------------------------------------------------
// Small helpers shared by front ends

export const constant = (v: number): Expr => ({ k: 'const', v: v | 0 });

/** The flat cell number of element `index` of location `loc` (cells are laid out in declaration order). */
export function cellBase(program: Program, loc: number): number {
  let base = 0;
  for (let i = 0; i < loc; i++) base += program.locations[i].size;
  return base;
}

export function totalCells(program: Program): number {
  let n = 0;
  for (const l of program.locations) n += l.size;
  return n;
}

export function totalGhostCells(program: Program): number {
  let n = 0;
  for (const g of program.ghosts) n += g.size;
  return n;
}

export function pointerTo(program: Program, loc: number, index = 0): number {
  return POINTER_BASE + cellBase(program, loc) + index;
}
