/**
 * The typed builder that models are written with. It produces the plain-data IR of
 * ir.ts; `validateProgram` (validate.ts) then rejects malformed models with an error
 * that names the model file and the line of the offending builder call.
 *
 *   const m = new ModelBuilder('mp');
 *   const x = m.shared('x', 0), y = m.shared('y', 0);
 *   m.thread('P0', (t) => { t.store(x, 1); t.fence('st'); t.store(y, 1); });
 *   m.thread('P1', (t) => {
 *     const a = t.reg('a'), b = t.reg('b');
 *     t.load(a, y); t.load(b, x);
 *     t.assert(a.eq(1).not().or(b.eq(1)), 'mp', 'y seen before x');
 *   });
 *   const program = m.build();
 */
import type {
  Addr, AwaitAccess, Expr, Fairness, FairStep, FenceKind, Ghost, Instr, LeadsToClause, LoadOrder, Location, Program, Property,
  Register, RmwOp, RmwOrder, SourcePos, StoreOrder, Thread,
} from './ir.ts';
import { POINTER_BASE, cellBase } from './ir.ts';
import { modelError } from './errors.ts';
import { callerPosition } from './source.ts';
import { Term, term, toExpr, type Operand } from './term.ts';
import { validateProgram } from './validate.ts';
import { alwaysEventually, assertion, deadlock, eventually, final, invariant, leadsTo, progress, unchecked } from '../properties/index.ts';

export type ValueNames = Readonly<Record<number, string>>;

export interface LocationOptions {
  /** names of values for traces, e.g. { 0: 'NONE', 1: 'READY' } */
  readonly values?: ValueNames;
}

/** A reference to one element of a shared location, as loads and stores take it. */
export class LocRef {
  constructor(
    readonly owner: ModelBuilder,
    readonly loc: number,
    readonly name: string,
    readonly index: Expr | null,
  ) {}

  get addr(): Addr {
    return { k: 'loc', loc: this.loc, index: this.index };
  }
}

/** A shared scalar location: itself a reference to its only element. */
export class Loc extends LocRef {
  constructor(owner: ModelBuilder, loc: number, name: string) {
    super(owner, loc, name, null);
  }
}

/** A shared array: `a.at(i)` is a reference to element i (a constant or a term). */
export class LocArray {
  constructor(
    readonly owner: ModelBuilder,
    readonly loc: number,
    readonly name: string,
    readonly size: number,
  ) {}

  at(i: Operand): LocRef {
    const index = toExpr(i);
    if (index.k === 'const' && (index.v < 0 || index.v >= this.size)) {
      throw modelError(`index ${index.v} is out of bounds for '${this.name}' of size ${this.size}`, callerPosition());
    }
    return new LocRef(this.owner, this.loc, `${this.name}[${index.k === 'const' ? index.v : '…'}]`, index);
  }
}

/** A ghost variable: state the memory model never sees, read and written atomically with the step it is in. */
export class GhostRef extends Term {
  constructor(
    readonly owner: ModelBuilder,
    readonly g: number,
    readonly name: string,
    readonly index: Expr | null,
  ) {
    super({ k: 'ghost', g, index });
  }
}

export class GhostArray {
  constructor(
    readonly owner: ModelBuilder,
    readonly g: number,
    readonly name: string,
    readonly size: number,
  ) {}

  at(i: Operand): GhostRef {
    const index = toExpr(i);
    if (index.k === 'const' && (index.v < 0 || index.v >= this.size)) {
      throw modelError(`index ${index.v} is out of bounds for ghost '${this.name}' of size ${this.size}`, callerPosition());
    }
    return new GhostRef(this.owner, this.g, `${this.name}[${index.k === 'const' ? index.v : '…'}]`, index);
  }
}

/** A thread-local register. */
export class Reg extends Term {
  constructor(
    readonly thread: ThreadBuilder,
    readonly r: number,
    readonly name: string,
  ) {
    super({ k: 'reg', r });
  }
}

export interface InstrOptions {
  /** a source-level description of the step for traces */
  readonly note?: string;
}
export interface LoadOptions extends InstrOptions { readonly order?: LoadOrder }
export interface StoreOptions extends InstrOptions { readonly order?: StoreOrder }
export interface RmwOptions extends InstrOptions { readonly order?: RmwOrder }
export interface ThreadOptions {
  /** how traces name this actor ("Xen (vCPU0)", "device model"); defaults to the thread name */
  readonly actor?: string;
  /**
   * What a liveness check may assume of this thread (checker/liveness/fairness.ts):
   * 'weak' (default): if it can move continuously from some point on, it moves; 'strong':
   * if it can move infinitely often, it moves infinitely often; 'none': it may stop.
   */
  readonly fairness?: Fairness;
}

export interface LabelOptions {
  /** the thread may validly rest here forever (SPIN's end label) */
  readonly end?: boolean;
  /** a step from here is a progress step (SPIN's progress label), for m.progress */
  readonly progress?: boolean;
  /**
   * The steps that execute this instruction: 'weak' or 'strong' makes them fair on their
   * own, besides the thread's fairness; 'none' exempts them from the thread's fairness
   * (an optional step the thread may always take but is never obliged to).
   */
  readonly fairness?: Fairness;
}

export interface LivenessOptions {
  readonly description?: string;
  /**
   * The property's safety form: deadlocks satisfying this are the property's own (not the
   * built-in `deadlock`'s), and the shortest one violates it. See properties/liveness.ts.
   */
  readonly deadlock?: Operand;
}

type Condition = Operand | ((v: Reg) => Operand);

interface LoopFrame {
  readonly breaks: number[];
  readonly continueTarget: number;
  readonly atomicDepth: number;
}

type MutableInstr = { -readonly [K in keyof Instr]: Instr[K] };

/** Builds one thread's code. Obtained from `ModelBuilder.thread`. */
export class ThreadBuilder {
  readonly regs: Register[] = [];
  readonly code: Instr[] = [];
  readonly labels = new Map<string, { pc: number; src: SourcePos }>();
  readonly endLabels = new Set<string>();
  readonly progressLabels = new Set<string>();
  readonly fairLabels = new Map<string, Fairness>();
  /** (instruction index, label name, where the goto was written) for forward gotos */
  readonly gotos: { pc: number; label: string; src: SourcePos }[] = [];
  private readonly loops: LoopFrame[] = [];
  private atomicDepth = 0;
  private readonly regNames = new Set<string>();

  constructor(
    readonly model: ModelBuilder,
    readonly index: number,
    readonly name: string,
    readonly actor: string,
    readonly src: SourcePos,
    readonly fairness: Fairness = 'weak',
  ) {}

  // --- registers -------------------------------------------------------------------

  /** A register; without `init` it must be assigned (by a load, assign, ...) before it is read. */
  reg(name: string, init?: number, opts: { values?: ValueNames } = {}): Reg {
    if (this.regNames.has(name)) throw modelError(`register '${name}' is declared twice in thread '${this.name}'`, callerPosition());
    this.regNames.add(name);
    this.regs.push({ name, init: init === undefined ? null : init | 0, ...(opts.values ? { values: opts.values } : {}) });
    return new Reg(this, this.regs.length - 1, name);
  }

  // --- memory accesses ---------------------------------------------------------------

  load(dst: Reg, src: LocRef, opts: LoadOptions = {}): void {
    this.emit({ op: 'load', dst: this.own(dst), addr: this.addr(src), order: opts.order ?? 'plain' }, opts);
  }

  /** Load through a pointer value held in a register or computed by a term (litmus `[X1]`). */
  loadPtr(dst: Reg, ptr: Operand, opts: LoadOptions = {}): void {
    this.emit({ op: 'load', dst: this.own(dst), addr: { k: 'ptr', e: toExpr(ptr) }, order: opts.order ?? 'plain' }, opts);
  }

  store(dst: LocRef, value: Operand, opts: StoreOptions = {}): void {
    this.emit({ op: 'store', addr: this.addr(dst), value: toExpr(value), order: opts.order ?? 'plain' }, opts);
  }

  storePtr(ptr: Operand, value: Operand, opts: StoreOptions = {}): void {
    this.emit({ op: 'store', addr: { k: 'ptr', e: toExpr(ptr) }, value: toExpr(value), order: opts.order ?? 'plain' }, opts);
  }

  /** A load-exclusive (Arm LDXR/LDAXR): a load that opens this thread's reservation on `src`. */
  loadExclusive(dst: Reg, src: LocRef, opts: LoadOptions = {}): void {
    this.emit({ op: 'loadExclusive', dst: this.own(dst), addr: this.addr(src), order: opts.order ?? 'plain' }, opts);
  }

  /**
   * A store-exclusive (Arm STXR/STLXR): stores `value` only while the reservation of the last
   * load-exclusive holds (ir.ts); `status` receives 0 when it stored, 1 when it failed.
   */
  storeExclusive(status: Reg, dst: LocRef, value: Operand, opts: StoreOptions = {}): void {
    this.emit({ op: 'storeExclusive', status: this.own(status), addr: this.addr(dst), value: toExpr(value), order: opts.order ?? 'plain' }, opts);
  }

  /** A generic read-modify-write; `dst` receives the old value. */
  rmw(op: RmwOp, dst: Reg | null, loc: LocRef, operand: Operand, opts: RmwOptions & { expected?: Operand } = {}): void {
    if (op === 'cas' && opts.expected === undefined) throw modelError(`cas needs an expected value`, callerPosition());
    this.emit({
      op: 'rmw', rmw: op, dst: dst === null ? null : this.own(dst), addr: this.addr(loc), operand: toExpr(operand),
      expected: opts.expected === undefined ? null : toExpr(opts.expected), order: opts.order ?? 'plain',
    }, opts);
  }

  cas(dst: Reg | null, loc: LocRef, expected: Operand, desired: Operand, opts: RmwOptions = {}): void {
    this.rmw('cas', dst, loc, desired, { ...opts, expected });
  }

  xchg(dst: Reg | null, loc: LocRef, value: Operand, opts: RmwOptions = {}): void {
    this.rmw('xchg', dst, loc, value, opts);
  }

  fetchAdd(dst: Reg | null, loc: LocRef, value: Operand, opts: RmwOptions = {}): void {
    this.rmw('add', dst, loc, value, opts);
  }

  /** `dst` := the old value of bit `bit` (0 or 1); the bit is set. */
  testAndSetBit(dst: Reg | null, loc: LocRef, bit: number, opts: RmwOptions = {}): void {
    this.rmw('or', dst, loc, 1 << bit, opts);
    if (dst) this.assign(dst, dst.bit(bit), opts);
  }

  /** `dst` := the old value of bit `bit` (0 or 1); the bit is cleared. */
  testAndClearBit(dst: Reg | null, loc: LocRef, bit: number, opts: RmwOptions = {}): void {
    this.rmw('andnot', dst, loc, 1 << bit, opts);
    if (dst) this.assign(dst, dst.bit(bit), opts);
  }

  setBit(loc: LocRef, bit: number, opts: RmwOptions = {}): void {
    this.rmw('or', null, loc, 1 << bit, opts);
  }

  clearBit(loc: LocRef, bit: number, opts: RmwOptions = {}): void {
    this.rmw('andnot', null, loc, 1 << bit, opts);
  }

  fence(kind: FenceKind, opts: InstrOptions = {}): void {
    this.emit({ op: 'fence', kind }, opts);
  }

  /**
   * Block until a load of `src` returns a value satisfying `cond`, then continue as that
   * load: a spin-wait that only re-reads (architecture.md, "Spin-waits are awaits").
   */
  await(dst: Reg, src: LocRef, cond: Condition, opts: LoadOptions = {}): void {
    const access: AwaitAccess = { kind: 'load', dst: this.own(dst), addr: this.addr(src), order: opts.order ?? 'plain' };
    this.emit({ op: 'await', access, cond: this.condition(cond, dst) }, opts);
  }

  /** Block until the read-modify-write would read a value satisfying `cond`, then perform it (a spin-lock acquire). */
  awaitRmw(op: RmwOp, dst: Reg, loc: LocRef, operand: Operand, cond: Condition, opts: RmwOptions & { expected?: Operand } = {}): void {
    const access: AwaitAccess = {
      kind: 'rmw', rmw: op, dst: this.own(dst), addr: this.addr(loc), operand: toExpr(operand),
      expected: opts.expected === undefined ? null : toExpr(opts.expected), order: opts.order ?? 'plain',
    };
    this.emit({ op: 'await', access, cond: this.condition(cond, dst) }, opts);
  }

  /** A visible step that does nothing (Promela's skip): keeps a step boundary where the protocol has one. */
  skip(opts: InstrOptions = {}): void {
    this.emit({ op: 'skip' }, opts);
  }

  // --- local computation -------------------------------------------------------------

  assign(dst: Reg, value: Operand, opts: InstrOptions = {}): void {
    this.emit({ op: 'assign', dst: this.own(dst), value: toExpr(value) }, opts);
  }

  setGhost(g: GhostRef, value: Operand, opts: InstrOptions = {}): void {
    if (g.owner !== this.model) throw modelError(`ghost '${g.name}' belongs to another model`, callerPosition());
    this.emit({ op: 'setGhost', g: g.g, index: g.index, value: toExpr(value) }, opts);
  }

  /** Nondeterministically set `dst` to a value in [min, max]. */
  choose(dst: Reg, min: number, max: number, opts: InstrOptions = {}): void {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
      throw modelError(`choose needs integers min <= max, got ${min}..${max}`, callerPosition());
    }
    this.emit({ op: 'choose', dst: this.own(dst), min, max }, opts);
  }

  /** Check `cond`; when it fails, property `property` is violated here. */
  assert(cond: Operand, property: string, message: string, opts: InstrOptions = {}): void {
    this.model.noteAssertion(property, callerPosition());
    this.emit({ op: 'assert', cond: toExpr(cond), property, message }, opts);
  }

  /** Inside an atomic block: the block is taken only in states where `cond` holds at this point. */
  guard(cond: Operand, opts: InstrOptions = {}): void {
    if (this.atomicDepth === 0) throw modelError(`guard() is only allowed inside atomic(); outside, use await()`, callerPosition());
    this.emit({ op: 'guard', cond: toExpr(cond) }, opts);
  }

  // --- control flow ----------------------------------------------------------------------

  /**
   * Mark the next instruction with a label. `end: true` lets the thread validly rest there
   * forever; `progress: true` makes the step from there a progress step (m.progress);
   * `fairness` makes that step weakly or strongly fair on its own.
   */
  label(name: string, opts: LabelOptions = {}): void {
    const src = callerPosition();
    if (this.labels.has(name)) throw modelError(`label '${name}' is defined twice in thread '${this.name}'`, src);
    this.labels.set(name, { pc: this.code.length, src });
    if (opts.end) this.endLabels.add(name);
    if (opts.progress) {
      if (this.model.progressSrc === null) this.model.progressSrc = src;
      this.progressLabels.add(name);
    }
    if (opts.fairness) this.fairLabels.set(name, opts.fairness);
  }

  goto(name: string, opts: InstrOptions = {}): void {
    const src = callerPosition();
    this.gotos.push({ pc: this.code.length, label: name, src });
    this.emitAt({ op: 'jump', target: -1 }, src, opts);
  }

  if(cond: Operand, then: () => void, otherwise?: () => void): void {
    const src = callerPosition();
    const br = this.emitAt({ op: 'branch', cond: term(cond).not().expr, target: -1 }, src);
    then();
    if (otherwise) {
      const jmp = this.emitAt({ op: 'jump', target: -1 }, src);
      this.patch(br, this.code.length);
      otherwise();
      this.patch(jmp, this.code.length);
    } else {
      this.patch(br, this.code.length);
    }
  }

  while(cond: Operand, body: () => void): void {
    const src = callerPosition();
    const top = this.code.length;
    const br = this.emitAt({ op: 'branch', cond: term(cond).not().expr, target: -1 }, src);
    const frame: LoopFrame = { breaks: [], continueTarget: top, atomicDepth: this.atomicDepth };
    this.loops.push(frame);
    body();
    this.loops.pop();
    this.emitAt({ op: 'jump', target: top }, src);
    this.patch(br, this.code.length);
    for (const b of frame.breaks) this.patch(b, this.code.length);
  }

  /** `for (v = from; v < to; v++) body(v)`, with `v` a register of this thread. */
  for(v: Reg, from: Operand, to: Operand, body: () => void): void {
    this.assign(v, from);
    this.while(v.lt(to), () => {
      body();
      this.assign(v, v.add(1));
    });
  }

  /** An endless loop; leave it with `break()`. */
  loop(body: () => void): void {
    const src = callerPosition();
    const top = this.code.length;
    const frame: LoopFrame = { breaks: [], continueTarget: top, atomicDepth: this.atomicDepth };
    this.loops.push(frame);
    body();
    this.loops.pop();
    this.emitAt({ op: 'jump', target: top }, src);
    for (const b of frame.breaks) this.patch(b, this.code.length);
  }

  break(): void {
    const src = callerPosition();
    const frame = this.loops.at(-1);
    if (!frame) throw modelError(`break() outside a loop`, src);
    if (frame.atomicDepth !== this.atomicDepth) throw modelError(`break() would leave an atomic block`, src);
    frame.breaks.push(this.emitAt({ op: 'jump', target: -1 }, src));
  }

  continue(): void {
    const src = callerPosition();
    const frame = this.loops.at(-1);
    if (!frame) throw modelError(`continue() outside a loop`, src);
    if (frame.atomicDepth !== this.atomicDepth) throw modelError(`continue() would leave an atomic block`, src);
    this.emitAt({ op: 'jump', target: frame.continueTarget }, src);
  }

  /** Finish the thread here. */
  finish(): void {
    this.gotos.push({ pc: this.code.length, label: '$end', src: callerPosition() });
    this.emitAt({ op: 'jump', target: -1 }, callerPosition());
  }

  /**
   * Promela's `if :: a :: b fi`: the thread takes whichever alternatives can start now.
   * Each alternative must begin with a shared-memory step (typically an await), which is
   * its guard.
   */
  select(...alternatives: (() => void)[]): void {
    const src = callerPosition();
    if (alternatives.length === 0) throw modelError(`select() needs at least one alternative`, src);
    if (this.atomicDepth > 0) throw modelError(`select() is not allowed inside atomic()`, src);
    const sel = this.code.length;
    this.code.push({ op: 'select', targets: [], src });
    const targets: number[] = [];
    const joins: number[] = [];
    for (const alt of alternatives) {
      targets.push(this.code.length);
      alt();
      joins.push(this.emitAt({ op: 'jump', target: -1 }, src));
    }
    for (const j of joins) this.patch(j, this.code.length);
    this.code[sel] = { op: 'select', targets, src };
  }

  /**
   * Run `body` as one indivisible step, as code under a lock or a d_step. What ordering
   * the block gives is the memory model's to say (checker/memory/): under SC, TSO and PSO
   * it starts only when the thread's store buffers are empty and its stores go straight
   * to memory, so it acts as a full fence at entry and at exit.
   */
  atomic(body: () => void, opts: InstrOptions = {}): void {
    const src = callerPosition();
    if (this.atomicDepth > 0) throw modelError(`atomic blocks do not nest`, src);
    const begin = this.emitAt({ op: 'atomicBegin', end: -1 }, src, opts);
    this.atomicDepth++;
    body();
    this.atomicDepth--;
    const end = this.emitAt({ op: 'atomicEnd' }, src);
    this.code[begin] = { ...(this.code[begin] as Extract<Instr, { op: 'atomicBegin' }>), end };
  }

  // --- internals ---------------------------------------------------------------------

  private condition(cond: Condition, dst: Reg): Expr {
    return toExpr(typeof cond === 'function' ? cond(dst) : cond);
  }

  private own(r: Reg): number {
    if (r.thread !== this) throw modelError(`register '${r.name}' of thread '${r.thread.name}' is used in thread '${this.name}'`, callerPosition());
    return r.r;
  }

  private addr(ref: LocRef): Addr {
    if (ref.owner !== this.model) throw modelError(`unknown location '${ref.name}': it was not declared in this model`, callerPosition());
    return ref.addr;
  }

  private emit(instr: DistributiveOmit<Instr, 'src' | 'note'>, opts: InstrOptions = {}): number {
    return this.emitAt(instr, callerPosition(), opts);
  }

  private emitAt(instr: DistributiveOmit<Instr, 'src' | 'note'>, src: SourcePos, opts: InstrOptions = {}): number {
    this.code.push({ ...instr, src, ...(opts.note ? { note: opts.note } : {}) } as Instr);
    return this.code.length - 1;
  }

  private patch(pc: number, target: number): void {
    const ins = this.code[pc] as MutableInstr;
    this.code[pc] = { ...ins, target } as Instr;
  }

  atomicDepthNow(): number {
    return this.atomicDepth;
  }

  finishThread(): Thread {
    const end = this.code.length;
    const code = this.code.slice();
    for (const g of this.gotos) {
      const target = g.label === '$end' ? end : this.labels.get(g.label)?.pc;
      if (target === undefined) {
        const known = [...this.labels.keys()];
        throw modelError(
          `goto '${g.label}' in thread '${this.name}' jumps to no label${known.length ? ` (labels: ${known.join(', ')})` : ''}`,
          g.src,
        );
      }
      code[g.pc] = { ...(code[g.pc] as MutableInstr), target } as Instr;
    }
    const labels: Record<string, number> = {};
    for (const [name, { pc }] of this.labels) labels[name] = pc;
    const endPcs = [...this.endLabels].map((l) => labels[l]);
    const progressPcs = [...this.progressLabels].map((l) => labels[l]);
    const fairSteps: FairStep[] = [...this.fairLabels].map(([label, fairness]) => ({ pc: labels[label], fairness, label }));
    return {
      name: this.name, actor: this.actor, regs: this.regs.slice(), code, labels, endPcs, src: this.src,
      ...(this.fairness !== 'weak' ? { fairness: this.fairness } : {}),
      ...(fairSteps.length > 0 ? { fairSteps } : {}),
      ...(progressPcs.length > 0 ? { progressPcs } : {}),
    };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Builds a whole program: shared locations, ghosts, threads and properties. */
export class ModelBuilder {
  readonly locations: Location[] = [];
  readonly ghosts: Ghost[] = [];
  readonly threads: ThreadBuilder[] = [];
  readonly properties: Property[] = [];
  private readonly assertionIds = new Map<string, SourcePos>();
  private readonly names = new Set<string>();
  /** property descriptions from the model definition, by id */
  readonly descriptions = new Map<string, string>();
  /** where the first progress label was written (a progress label needs an m.progress property) */
  progressSrc: SourcePos | null = null;

  constructor(readonly name: string) {}

  shared(name: string, init = 0, opts: LocationOptions = {}): Loc {
    const src = callerPosition();
    this.declare(name, src);
    this.locations.push({ name, size: 1, init: [init | 0], ...(opts.values ? { values: opts.values } : {}), src });
    return new Loc(this, this.locations.length - 1, name);
  }

  array(name: string, size: number, init: number | readonly number[] = 0, opts: LocationOptions = {}): LocArray {
    const src = callerPosition();
    this.declare(name, src);
    if (!Number.isInteger(size) || size < 1) throw modelError(`array '${name}' needs a positive size, got ${size}`, src);
    const inits = typeof init === 'number' ? Array.from({ length: size }, () => init | 0) : init.map((v) => v | 0);
    if (inits.length !== size) throw modelError(`array '${name}' has ${size} elements but ${inits.length} initial values`, src);
    this.locations.push({ name, size, init: inits, ...(opts.values ? { values: opts.values } : {}), src });
    return new LocArray(this, this.locations.length - 1, name, size);
  }

  ghost(name: string, init = 0, opts: LocationOptions = {}): GhostRef {
    const src = callerPosition();
    this.declare(name, src);
    this.ghosts.push({ name, size: 1, init: [init | 0], ...(opts.values ? { values: opts.values } : {}), src });
    return new GhostRef(this, this.ghosts.length - 1, name, null);
  }

  ghostArray(name: string, size: number, init = 0, opts: LocationOptions = {}): GhostArray {
    const src = callerPosition();
    this.declare(name, src);
    if (!Number.isInteger(size) || size < 1) throw modelError(`ghost array '${name}' needs a positive size, got ${size}`, src);
    this.ghosts.push({ name, size, init: Array.from({ length: size }, () => init | 0), ...(opts.values ? { values: opts.values } : {}), src });
    return new GhostArray(this, this.ghosts.length - 1, name, size);
  }

  thread(name: string, body: (t: ThreadBuilder) => void): ThreadBuilder;
  thread(name: string, opts: ThreadOptions, body: (t: ThreadBuilder) => void): ThreadBuilder;
  thread(name: string, a: ThreadOptions | ((t: ThreadBuilder) => void), b?: (t: ThreadBuilder) => void): ThreadBuilder {
    const src = callerPosition();
    const opts = typeof a === 'function' ? {} : a;
    const body = typeof a === 'function' ? a : b;
    if (!body) throw modelError(`thread '${name}' has no body`, src);
    if (this.threads.some((t) => t.name === name)) throw modelError(`thread '${name}' is declared twice`, src);
    const t = new ThreadBuilder(this, this.threads.length, name, opts.actor ?? name, src, opts.fairness ?? 'weak');
    this.threads.push(t);
    body(t);
    if (t.atomicDepthNow() !== 0) throw modelError(`thread '${name}' ends inside an atomic block`, src);
    return t;
  }

  // --- predicate terms (properties only) ---------------------------------------------

  /** The value of a shared location in memory, as a property observes it (not through a thread's view). */
  mem(ref: LocRef): Term {
    if (ref.owner !== this) throw modelError(`unknown location '${ref.name}': it was not declared in this model`, callerPosition());
    return new Term({ k: 'mem', addr: ref.addr });
  }

  /** True when `thread` rests at the instruction labelled `label`. */
  at(thread: ThreadBuilder, label: string): Term {
    return new Term({ k: 'at', thread: thread.index, label });
  }

  /** True when `thread` has finished. */
  done(thread: ThreadBuilder): Term {
    return new Term({ k: 'done', thread: thread.index });
  }

  /** The value of another thread's register, as a property observes it. */
  regOf(r: Reg): Term {
    return new Term({ k: 'treg', thread: r.thread.index, r: r.r });
  }

  /** A pointer value to an element of a location (for pointer-chasing front ends). */
  pointer(ref: LocRef): number {
    const idx = ref.index === null ? 0 : ref.index.k === 'const' ? ref.index.v : NaN;
    if (Number.isNaN(idx)) throw modelError(`a pointer needs a constant index`, callerPosition());
    return POINTER_BASE + cellBase({ name: this.name, locations: this.locations, ghosts: [], threads: [], properties: [] }, ref.loc) + idx;
  }

  // --- properties ----------------------------------------------------------------------

  /** `pred` must hold in every reachable state. */
  invariant(id: string, pred: Operand, description?: string): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'invariant', src);
    this.properties.push(invariant(id, toExpr(pred), description ?? this.descriptions.get(id) ?? id, src));
  }

  /** A deadlock in a state satisfying `where` (all deadlocks when omitted) violates `id`. */
  deadlock(id: string, where: Operand | null = null, description?: string): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'deadlock', src);
    this.properties.push(deadlock(id, where === null ? null : toExpr(where), description ?? this.descriptions.get(id) ?? id, src));
  }

  /** A property this checker cannot decide yet: reported `unchecked`, never `holds`. */
  unchecked(id: string, reason: string, description?: string): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'unchecked', src);
    this.properties.push(unchecked(id, reason, description ?? this.descriptions.get(id) ?? id, src));
  }

  // --- liveness (properties/liveness.ts): decided on fair runs, counterexamples are lassos ---

  /** Every fair run reaches a state satisfying `goal` (◇goal); a run that stops first violates it. */
  eventually(id: string, goal: Operand, opts: LivenessOptions = {}): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'eventually', src);
    this.properties.push(eventually(id, toExpr(goal), this.safetyForm(opts), this.describe(id, opts), src));
  }

  /**
   * Always, a state satisfying `p` is followed (or met) by one satisfying `q`: □(p → ◇q).
   * Several clauses may be given as [[p, q], ...]; the property needs all of them.
   */
  leadsTo(id: string, p: Operand, q: Operand, opts?: LivenessOptions): void;
  leadsTo(id: string, clauses: readonly (readonly [Operand, Operand])[], opts?: LivenessOptions): void;
  leadsTo(id: string, a: Operand | readonly (readonly [Operand, Operand])[], b?: Operand | LivenessOptions, c?: LivenessOptions): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'leadsTo', src);
    let clauses: LeadsToClause[];
    let opts: LivenessOptions;
    if (Array.isArray(a)) {
      clauses = (a as readonly (readonly [Operand, Operand])[]).map(([p, q]) => ({ p: toExpr(p), q: toExpr(q) }));
      opts = (b as LivenessOptions | undefined) ?? {};
    } else {
      if (b === undefined || (typeof b === 'object' && !(b instanceof Term))) throw modelError(`leadsTo('${id}', p, q) needs both p and q`, src);
      clauses = [{ p: toExpr(a as Operand), q: toExpr(b as Operand) }];
      opts = c ?? {};
    }
    if (clauses.length === 0) throw modelError(`leadsTo('${id}') needs at least one [p, q] clause`, src);
    this.properties.push(leadsTo(id, clauses, this.safetyForm(opts), this.describe(id, opts), src));
  }

  /** `goal` holds infinitely often on every fair run (□◇goal); a run that stops must stop in a goal state. */
  alwaysEventually(id: string, goal: Operand, opts: LivenessOptions = {}): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'alwaysEventually', src);
    this.properties.push(alwaysEventually(id, toExpr(goal), this.safetyForm(opts), this.describe(id, opts), src));
  }

  /**
   * Every fair infinite run takes a progress step infinitely often (SPIN's non-progress
   * cycles): mark progress steps with t.label(name, { progress: true }).
   */
  progress(id: string, opts: LivenessOptions = {}): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'progress', src);
    if (this.properties.some((p) => p.kind === 'progress')) throw modelError(`a model has one progress property; '${id}' would be a second`, src);
    this.properties.push(progress(id, this.safetyForm(opts), this.describe(id, opts), src));
  }

  private safetyForm(opts: LivenessOptions): Expr | null {
    return opts.deadlock === undefined ? null : toExpr(opts.deadlock);
  }

  private describe(id: string, opts: LivenessOptions): string {
    return opts.description ?? this.descriptions.get(id) ?? id;
  }

  /** A litmus-style condition on final states; see properties/final.ts for the verdict it yields. */
  final(id: string, pred: Operand, description?: string): void {
    const src = callerPosition();
    this.checkNewProperty(id, 'final', src);
    this.properties.push(final(id, toExpr(pred), description ?? this.descriptions.get(id) ?? id, src));
  }

  noteAssertion(id: string, src: SourcePos): void {
    const other = this.properties.find((p) => p.id === id && p.kind !== 'assertion');
    if (other) throw modelError(`property '${id}' is already a ${other.kind}; an assertion needs its own id`, src);
    if (!this.assertionIds.has(id)) {
      this.assertionIds.set(id, src);
      this.properties.push(assertion(id, this.descriptions.get(id) ?? id, src));
    }
  }

  build(): Program {
    const hasProgress = this.properties.some((p) => p.kind === 'progress');
    if (this.progressSrc !== null && !hasProgress) throw modelError(`a progress label needs a property that checks it: declare m.progress(id)`, this.progressSrc);
    const program: Program = {
      name: this.name,
      locations: this.locations.slice(),
      ghosts: this.ghosts.slice(),
      threads: this.threads.map((t) => t.finishThread()),
      properties: this.properties.slice(),
    };
    validateProgram(program);
    return program;
  }

  private declare(name: string, src: SourcePos): void {
    if (!/^[A-Za-z_$][\w$.\[\]-]*$/.test(name)) throw modelError(`'${name}' is not a valid name`, src);
    if (this.names.has(name)) throw modelError(`'${name}' is declared twice`, src);
    this.names.add(name);
  }

  private checkNewProperty(id: string, kind: Property['kind'], src: SourcePos): void {
    if (this.properties.some((p) => p.id === id)) throw modelError(`property '${id}' is declared twice (as ${kind})`, src);
  }
}
