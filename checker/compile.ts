/**
 * Compiles a Program (IR) into the form the explorer's hot loop runs: numeric opcodes,
 * absolute state-vector offsets, and expressions turned into closures over the state
 * vector. Nothing here allocates per state; everything is decided once per run.
 *
 * The state vector (Int32Array) is laid out as:
 *   [ pc of each thread | registers of each thread | memory cells | ghost cells | memory model area ]
 * A thread's pc equals its code length once it has finished.
 */
import type { Addr, Expr, Fairness, Instr, Program, Property, RmwOp } from './ir.ts';
import { POINTER_BASE, totalCells, totalGhostCells } from './ir.ts';
import {
  FENCE_FULL, FENCE_ISB, FENCE_LD, FENCE_ST, ORDER_ACQUIRE, ORDER_ACQUIRE_PC, ORDER_ACQ_REL, ORDER_PLAIN, ORDER_RELEASE, type StateLayout,
} from './memory/model.ts';
import { restingPcs } from './validate.ts';
import { dependencies } from './dependencies.ts';

export type Fn = (s: Int32Array) => number;

export const OP_LOAD = 0;
export const OP_STORE = 1;
export const OP_RMW = 2;
export const OP_FENCE = 3;
export const OP_AWAIT_LOAD = 4;
export const OP_AWAIT_RMW = 5;
export const OP_SELECT = 6;
export const OP_ATOMIC_BEGIN = 7;
export const OP_ATOMIC_END = 8;
export const OP_GUARD = 9;
export const OP_SKIP = 10;
export const OP_ASSIGN = 11;
export const OP_SET_GHOST = 12;
export const OP_BRANCH = 13;
export const OP_JUMP = 14;
export const OP_CHOOSE = 15;
export const OP_ASSERT = 16;
export const OP_LOAD_EX = 17;
export const OP_STORE_EX = 18;

export const RMW_XCHG = 0;
export const RMW_CAS = 1;
export const RMW_ADD = 2;
export const RMW_SUB = 3;
export const RMW_AND = 4;
export const RMW_OR = 5;
export const RMW_XOR = 6;
export const RMW_ANDNOT = 7;

const RMW_CODES: Record<RmwOp, number> = { xchg: RMW_XCHG, cas: RMW_CAS, add: RMW_ADD, sub: RMW_SUB, and: RMW_AND, or: RMW_OR, xor: RMW_XOR, andnot: RMW_ANDNOT };
const ORDER_CODES = { plain: ORDER_PLAIN, acquire: ORDER_ACQUIRE, release: ORDER_RELEASE, acq_rel: ORDER_ACQ_REL, acquire_pc: ORDER_ACQUIRE_PC } as const;
const FENCE_CODES = { full: FENCE_FULL, ld: FENCE_LD, st: FENCE_ST, isb: FENCE_ISB } as const;

/**
 * A run-time fault in model code (division by zero, an index out of bounds, a local loop
 * that never reaches a shared-memory step). Expression closures raise it by setting
 * `fault.message`; the explorer turns it into a violation of the built-in
 * `runtime-error` property, with a counterexample, since a protocol race that indexes
 * outside a ring is a bug like any other.
 */
export const fault = { message: '' };

const zero: Fn = () => 0;
const EMPTY = new Int32Array(0);

export class CompiledInstr {
  op = 0;
  visible = false;
  /** absolute state index of the destination register (a store-exclusive's status register), or -1 */
  dst = -1;
  order = 0;
  /** fence kind or rmw operation code */
  kind = 0;
  target = -1;
  end = -1;
  targets: Int32Array = new Int32Array(0);
  min = 0;
  max = 0;
  addr: Fn = zero;
  value: Fn = zero;
  expected: Fn = zero;
  hasExpected = false;
  cond: Fn = zero;
  /** absolute state index of the ghost cell written, or -1 when out of bounds */
  ghost: Fn = zero;
  /** index of the property an assert checks */
  property = -1;
  /**
   * Register dependencies (checker/dependencies.ts) as absolute state indices, for memory
   * models that order accesses by them: the registers the address, the stored value and a
   * branch condition read, and those an assignment's value comes from.
   */
  depAddr: Int32Array = EMPTY;
  depData: Int32Array = EMPTY;
  depCtrl: Int32Array = EMPTY;
  depSources: Int32Array = EMPTY;
  /** number of this instruction in the whole program (thread by thread), for per-instruction tables */
  id = -1;
  constructor(readonly ir: Instr, readonly pc: number) {}
}

export interface CompiledThread {
  readonly index: number;
  readonly name: string;
  readonly actor: string;
  readonly code: CompiledInstr[];
  /** the code length: pc value of a finished thread */
  readonly end: number;
  readonly regBase: number;
  readonly nregs: number;
  /** isEnd[pc] = 1 where the thread may validly rest forever (end labels and the end) */
  readonly isEnd: Uint8Array;
  readonly resting: ReadonlySet<number>;
  /** stepClass[pc]: the step class (CompiledProgram.stepClasses) of a step that executes the instruction at pc, or -1; null when the thread has none */
  readonly stepClass: Int32Array | null;
}

/**
 * Steps that liveness tells apart from the rest of their thread's: those that execute an
 * instruction marked by a fairness or progress label. A step is identified by the
 * instruction it executes (for a select, the first instruction of the alternative taken),
 * so the alternatives of one select can differ in fairness.
 */
export interface StepClass {
  readonly thread: number;
  readonly pc: number;
  readonly label: string;
  /** the step's own fairness ('none': exempt from the thread's), or null: as the thread's */
  readonly fairness: Fairness | null;
  readonly progress: boolean;
}

export type CompiledPropertyKind = Property['kind'] | 'builtin-deadlock' | 'runtime-error';

export interface CompiledProperty {
  readonly index: number;
  readonly id: string;
  readonly kind: CompiledPropertyKind;
  readonly description: string;
  /** invariant / final predicate; deadlock `where` (null: every deadlock) */
  readonly pred: Fn | null;
  readonly reason?: string;
  /** liveness properties: their predicates, and their safety form (see properties/liveness.ts) */
  readonly liveness?: CompiledLiveness;
}

export interface CompiledLiveness {
  /** eventually / alwaysEventually: one clause with the goal as q; leadsTo: its clauses; progress: none */
  readonly clauses: readonly { readonly p: Fn | null; readonly q: Fn }[];
  /** the deadlocks that are this property's own (its safety form), or null */
  readonly deadlock: Fn | null;
}

export interface Layout extends StateLayout {
  readonly regBase: readonly number[];
  readonly ghostBase: number;
  readonly ghostCells: number;
  readonly mmSize: number;
  /** total ints per state */
  readonly size: number;
  /** cell number → location index and element */
  readonly cellLoc: Int32Array;
  readonly cellIndex: Int32Array;
  readonly locBase: readonly number[];
  readonly ghostLoc: Int32Array;
  readonly ghostIndex: Int32Array;
  readonly ghostLocBase: readonly number[];
}

export interface CompiledProgram {
  readonly program: Program;
  readonly layout: Layout;
  readonly threads: readonly CompiledThread[];
  readonly properties: readonly CompiledProperty[];
  readonly stepClasses: readonly StepClass[];
  /**
   * What a failing assertion does to its run. 'stop' (absent): the step is the violation and
   * the run ends there. 'observe' (runs that check liveness): the violation is reported and
   * the thread carries on as if the assertion held, so the state graph does not depend on
   * which properties are checked: assertions observe a protocol, they do not crash it, and
   * a livelock through a failing observation (C-B1's repeated side effect) is still a
   * livelock. Search, replay and lasso replay all read it, so move indices agree.
   */
  readonly assertions?: 'stop' | 'observe';
}

export const DEADLOCK_ID = 'deadlock';
export const RUNTIME_ERROR_ID = 'runtime-error';

/** Lays out the state vector; the memory model's area size is known only once it is created. */
export function layoutFor(program: Program, mmSize: number): Layout {
  const threads = program.threads.length;
  const regBase: number[] = [];
  let off = threads;
  for (const t of program.threads) { regBase.push(off); off += t.regs.length; }
  const memBase = off;
  const cells = totalCells(program);
  const ghostBase = memBase + cells;
  const ghostCells = totalGhostCells(program);
  const mmBase = ghostBase + ghostCells;
  const cellLoc = new Int32Array(cells);
  const cellIndex = new Int32Array(cells);
  const locBase: number[] = [];
  let c = 0;
  program.locations.forEach((l, li) => {
    locBase.push(c);
    for (let i = 0; i < l.size; i++, c++) { cellLoc[c] = li; cellIndex[c] = i; }
  });
  const ghostLoc = new Int32Array(ghostCells);
  const ghostIndex = new Int32Array(ghostCells);
  const ghostLocBase: number[] = [];
  let g = 0;
  program.ghosts.forEach((gh, gi) => {
    ghostLocBase.push(g);
    for (let i = 0; i < gh.size; i++, g++) { ghostLoc[g] = gi; ghostIndex[g] = i; }
  });
  const ends = program.threads.map((t) => t.code.length);
  return {
    threads, ends, regBase, memBase, cells, ghostBase, ghostCells, mmBase, mmSize,
    size: mmBase + mmSize, cellLoc, cellIndex, locBase, ghostLoc, ghostIndex, ghostLocBase,
  };
}

export interface ExprContext {
  readonly program: Program;
  readonly layout: Layout;
  /** register base of the thread the expression runs in; -1 in properties */
  readonly regBase: number;
}

export function compileExpr(e: Expr, cx: ExprContext): Fn {
  switch (e.k) {
    case 'const': { const v = e.v; return () => v; }
    case 'reg': { const i = cx.regBase + e.r; return (s) => s[i]; }
    case 'ghost': {
      const at = compileGhostAddr(e.g, e.index, cx);
      return (s) => { const i = at(s); return i < 0 ? 0 : s[i]; };
    }
    case 'un': {
      const a = compileExpr(e.a, cx);
      switch (e.op) {
        case 'not': return (s) => (a(s) === 0 ? 1 : 0);
        case 'neg': return (s) => -a(s) | 0;
        case 'bitnot': return (s) => ~a(s);
      }
      break;
    }
    case 'bin': {
      const a = compileExpr(e.a, cx);
      const b = compileExpr(e.b, cx);
      switch (e.op) {
        case 'add': return (s) => (a(s) + b(s)) | 0;
        case 'sub': return (s) => (a(s) - b(s)) | 0;
        case 'mul': return (s) => Math.imul(a(s), b(s));
        case 'div': return (s) => { const d = b(s); if (d === 0) { fault.message = 'division by zero'; return 0; } return (a(s) / d) | 0; };
        case 'mod': return (s) => { const d = b(s); if (d === 0) { fault.message = 'modulo by zero'; return 0; } return a(s) % d | 0; };
        case 'and': return (s) => a(s) & b(s);
        case 'or': return (s) => a(s) | b(s);
        case 'xor': return (s) => a(s) ^ b(s);
        case 'shl': return (s) => a(s) << (b(s) & 31);
        case 'shr': return (s) => a(s) >> (b(s) & 31);
        case 'eq': return (s) => (a(s) === b(s) ? 1 : 0);
        case 'ne': return (s) => (a(s) !== b(s) ? 1 : 0);
        case 'lt': return (s) => (a(s) < b(s) ? 1 : 0);
        case 'le': return (s) => (a(s) <= b(s) ? 1 : 0);
        case 'gt': return (s) => (a(s) > b(s) ? 1 : 0);
        case 'ge': return (s) => (a(s) >= b(s) ? 1 : 0);
        case 'ltu': return (s) => ((a(s) >>> 0) < (b(s) >>> 0) ? 1 : 0);
        case 'leu': return (s) => ((a(s) >>> 0) <= (b(s) >>> 0) ? 1 : 0);
        case 'land': return (s) => (a(s) !== 0 && b(s) !== 0 ? 1 : 0);
        case 'lor': return (s) => (a(s) !== 0 || b(s) !== 0 ? 1 : 0);
      }
      break;
    }
    case 'ite': {
      const c = compileExpr(e.c, cx), a = compileExpr(e.a, cx), b = compileExpr(e.b, cx);
      return (s) => (c(s) !== 0 ? a(s) : b(s));
    }
    case 'mem': {
      const at = compileAddr(e.addr, cx);
      const base = cx.layout.memBase;
      return (s) => { const c = at(s); return c < 0 ? 0 : s[base + c]; };
    }
    case 'treg': { const i = cx.layout.regBase[e.thread] + e.r; return (s) => s[i]; }
    case 'at': { const pc = cx.program.threads[e.thread].labels[e.label]; const i = e.thread; return (s) => (s[i] === pc ? 1 : 0); }
    case 'done': { const end = cx.program.threads[e.thread].code.length; const i = e.thread; return (s) => (s[i] === end ? 1 : 0); }
  }
  throw new Error(`unreachable: expression ${JSON.stringify(e)}`);
}

/** Address → cell number, or -1 (with `fault` set) when it is out of bounds. */
export function compileAddr(a: Addr, cx: ExprContext): Fn {
  const cells = cx.layout.cells;
  if (a.k === 'ptr') {
    const p = compileExpr(a.e, cx);
    return (s) => {
      const v = p(s);
      const c = v - POINTER_BASE;
      if (c < 0 || c >= cells) { fault.message = `access through ${v}, which is not a pointer to shared memory`; return -1; }
      return c;
    };
  }
  const loc = cx.program.locations[a.loc];
  const base = cx.layout.locBase[a.loc];
  if (a.index === null) return () => base;
  if (a.index.k === 'const') { const c = base + a.index.v; return () => c; }
  const idx = compileExpr(a.index, cx);
  const size = loc.size;
  const name = loc.name;
  return (s) => {
    const i = idx(s);
    if (i < 0 || i >= size) { fault.message = `index ${i} is out of bounds for '${name}' of size ${size}`; return -1; }
    return base + i;
  };
}

function compileGhostAddr(g: number, index: Expr | null, cx: ExprContext): Fn {
  const base = cx.layout.ghostBase + cx.layout.ghostLocBase[g];
  if (index === null) return () => base;
  const gh = cx.program.ghosts[g];
  const idx = compileExpr(index, cx);
  return (s) => {
    const i = idx(s);
    if (i < 0 || i >= gh.size) { fault.message = `index ${i} is out of bounds for ghost '${gh.name}' of size ${gh.size}`; return -1; }
    return base + i;
  };
}

export function compileProgram(program: Program, mmSize: number): CompiledProgram {
  const layout = layoutFor(program, mmSize);
  const propIndex = new Map<string, number>();
  const properties: CompiledProperty[] = [];
  const pcx: ExprContext = { program, layout, regBase: -1 };
  for (const p of program.properties) {
    propIndex.set(p.id, properties.length);
    const pred = p.kind === 'invariant' || p.kind === 'final' ? compileExpr(p.pred, pcx) : p.kind === 'deadlock' && p.where ? compileExpr(p.where, pcx) : null;
    const liveness = compileLiveness(p, pcx);
    properties.push({
      index: properties.length, id: p.id, kind: p.kind, description: p.description, pred,
      ...(p.kind === 'unchecked' ? { reason: p.reason } : {}),
      ...(liveness ? { liveness } : {}),
    });
  }
  if (!propIndex.has(DEADLOCK_ID)) {
    const named = properties.some((p) => p.kind === 'deadlock' || (p.liveness?.deadlock ?? null) !== null);
    properties.push({
      index: properties.length, id: DEADLOCK_ID, kind: 'builtin-deadlock',
      description: named ? 'no deadlock other than those the named properties describe' : 'no reachable state without an enabled step, unless every thread is finished or at an end label',
      pred: null,
    });
  }
  properties.push({ index: properties.length, id: RUNTIME_ERROR_ID, kind: 'runtime-error', description: 'no run-time fault in model code (index out of bounds, division by zero, local loop)', pred: null });

  const stepClasses: StepClass[] = [];
  let id = 0;
  const threads = program.threads.map((t, ti): CompiledThread => {
    const cx: ExprContext = { program, layout, regBase: layout.regBase[ti] };
    const code = t.code.map((ins, pc) => compileInstr(ins, pc, cx, propIndex));
    for (const c of code) c.id = id++;
    const isEnd = new Uint8Array(t.code.length + 1);
    for (const pc of t.endPcs) isEnd[pc] = 1;
    isEnd[t.code.length] = 1;
    let stepClass: Int32Array | null = null;
    const marked = new Map<number, { label: string; fairness: Fairness | null; progress: boolean }>();
    const labelAt = (pc: number): string => Object.entries(t.labels).find(([, p]) => p === pc)?.[0] ?? String(pc);
    for (const f of t.fairSteps ?? []) marked.set(f.pc, { label: f.label, fairness: f.fairness, progress: false });
    for (const pc of t.progressPcs ?? []) {
      const m = marked.get(pc);
      marked.set(pc, { label: m?.label ?? labelAt(pc), fairness: m?.fairness ?? null, progress: true });
    }
    for (const [pc, m] of [...marked].sort((a, b) => a[0] - b[0])) {
      stepClass ??= new Int32Array(t.code.length + 1).fill(-1);
      stepClass[pc] = stepClasses.length;
      stepClasses.push({ thread: ti, pc, ...m });
    }
    return {
      index: ti, name: t.name, actor: t.actor, code, end: t.code.length, regBase: layout.regBase[ti],
      nregs: t.regs.length, isEnd, resting: restingPcs(t), stepClass,
    };
  });
  return { program, layout, threads, properties, stepClasses };
}

function compileLiveness(p: Property, cx: ExprContext): CompiledLiveness | null {
  const deadlock = (e: Expr | null): Fn | null => (e ? compileExpr(e, cx) : null);
  switch (p.kind) {
    case 'eventually':
    case 'alwaysEventually':
      return { clauses: [{ p: null, q: compileExpr(p.goal, cx) }], deadlock: deadlock(p.deadlock) };
    case 'leadsTo':
      return { clauses: p.clauses.map((c) => ({ p: compileExpr(c.p, cx), q: compileExpr(c.q, cx) })), deadlock: deadlock(p.deadlock) };
    case 'progress':
      return { clauses: [], deadlock: deadlock(p.deadlock) };
    default:
      return null;
  }
}

function compileInstr(ins: Instr, pc: number, cx: ExprContext, propIndex: Map<string, number>): CompiledInstr {
  const c = new CompiledInstr(ins, pc);
  const rb = cx.regBase;
  switch (ins.op) {
    case 'load':
      c.op = OP_LOAD; c.visible = true; c.dst = rb + ins.dst; c.addr = compileAddr(ins.addr, cx); c.order = ORDER_CODES[ins.order];
      break;
    case 'store':
      c.op = OP_STORE; c.visible = true; c.addr = compileAddr(ins.addr, cx); c.value = compileExpr(ins.value, cx); c.order = ORDER_CODES[ins.order];
      break;
    case 'rmw':
      c.op = OP_RMW; c.visible = true; c.dst = ins.dst === null ? -1 : rb + ins.dst; c.addr = compileAddr(ins.addr, cx);
      c.value = compileExpr(ins.operand, cx); c.kind = RMW_CODES[ins.rmw]; c.order = ORDER_CODES[ins.order];
      if (ins.expected) { c.expected = compileExpr(ins.expected, cx); c.hasExpected = true; }
      break;
    case 'fence':
      c.op = OP_FENCE; c.visible = true; c.kind = FENCE_CODES[ins.kind];
      break;
    case 'loadExclusive':
      c.op = OP_LOAD_EX; c.visible = true; c.dst = rb + ins.dst; c.addr = compileAddr(ins.addr, cx); c.order = ORDER_CODES[ins.order];
      break;
    case 'storeExclusive':
      c.op = OP_STORE_EX; c.visible = true; c.dst = rb + ins.status; c.addr = compileAddr(ins.addr, cx); c.value = compileExpr(ins.value, cx); c.order = ORDER_CODES[ins.order];
      break;
    case 'await': {
      const a = ins.access;
      c.visible = true; c.dst = rb + a.dst; c.addr = compileAddr(a.addr, cx); c.order = ORDER_CODES[a.order]; c.cond = compileExpr(ins.cond, cx);
      if (a.kind === 'load') c.op = OP_AWAIT_LOAD;
      else {
        c.op = OP_AWAIT_RMW; c.kind = RMW_CODES[a.rmw]; c.value = compileExpr(a.operand, cx);
        if (a.expected) { c.expected = compileExpr(a.expected, cx); c.hasExpected = true; }
      }
      break;
    }
    case 'select':
      c.op = OP_SELECT; c.visible = true; c.targets = Int32Array.from(ins.targets);
      break;
    case 'atomicBegin':
      c.op = OP_ATOMIC_BEGIN; c.visible = true; c.end = ins.end;
      break;
    case 'atomicEnd':
      c.op = OP_ATOMIC_END;
      break;
    case 'guard':
      c.op = OP_GUARD; c.cond = compileExpr(ins.cond, cx);
      break;
    case 'skip':
      c.op = OP_SKIP; c.visible = true;
      break;
    case 'assign':
      c.op = OP_ASSIGN; c.dst = rb + ins.dst; c.value = compileExpr(ins.value, cx);
      break;
    case 'setGhost':
      c.op = OP_SET_GHOST; c.ghost = compileGhostAddr(ins.g, ins.index, cx); c.value = compileExpr(ins.value, cx);
      break;
    case 'branch':
      c.op = OP_BRANCH; c.cond = compileExpr(ins.cond, cx); c.target = ins.target;
      break;
    case 'jump':
      c.op = OP_JUMP; c.target = ins.target;
      break;
    case 'choose':
      c.op = OP_CHOOSE; c.dst = rb + ins.dst; c.min = ins.min; c.max = ins.max;
      break;
    case 'assert':
      c.op = OP_ASSERT; c.cond = compileExpr(ins.cond, cx); c.property = propIndex.get(ins.property) ?? -1;
      break;
  }
  const deps = dependencies(ins);
  const abs = (regs: readonly number[]): Int32Array => (regs.length === 0 ? EMPTY : Int32Array.from(regs, (r) => rb + r));
  c.depAddr = abs(deps.addr);
  c.depData = abs(deps.data);
  c.depCtrl = abs(deps.ctrl);
  c.depSources = abs(deps.sources);
  return c;
}

/** The value a read-modify-write writes, or null when it writes nothing (a failed cas). */
export function rmwResult(kind: number, old: number, operand: number, expected: number): number | null {
  switch (kind) {
    case RMW_XCHG: return operand;
    case RMW_CAS: return old === expected ? operand : null;
    case RMW_ADD: return (old + operand) | 0;
    case RMW_SUB: return (old - operand) | 0;
    case RMW_AND: return old & operand;
    case RMW_OR: return old | operand;
    case RMW_XOR: return old ^ operand;
    case RMW_ANDNOT: return old & ~operand;
  }
  return null;
}
