/**
 * Successor generation: the hot loop of the explorer.
 *
 * One step of a thread executes one visible instruction (a shared-memory access, a fence,
 * an await, a select, an atomic block or a skip) and then every local instruction that
 * follows it (assignments, ghost updates, branches, choices, assertions) up to the next
 * visible instruction or the end of the thread. Local instructions touch only the
 * thread's own registers and ghost state, which no other thread reads, so running them
 * with the step before them removes interleavings without removing behaviours (Promela's
 * statement merging). Invariants are therefore evaluated between steps, not between
 * local instructions. The memory model's own steps (store-buffer flushes) are steps too.
 *
 * Everything works in place on preallocated scratch vectors, one per nesting depth of
 * nondeterministic choices, and reports successors to a sink; nothing allocates per state.
 */
import {
  OP_ASSERT, OP_ASSIGN, OP_ATOMIC_BEGIN, OP_ATOMIC_END, OP_AWAIT_LOAD, OP_AWAIT_RMW, OP_BRANCH, OP_CHOOSE,
  OP_FENCE, OP_GUARD, OP_JUMP, OP_LOAD, OP_LOAD_EX, OP_RMW, OP_SELECT, OP_SET_GHOST, OP_SKIP, OP_STORE, OP_STORE_EX,
  fault, rmwResult, RUNTIME_ERROR_ID,
  type CompiledProgram, type CompiledThread,
} from '../compile.ts';
import type { DependencyTracking, MemoryModel, MemoryTracer } from '../memory/model.ts';
import { Certification } from './certification.ts';

/**
 * Receives the outcomes of one expansion, in a fixed order (the order replay relies on).
 * `actor` says who moved: thread t (0 ≤ t < T) for a thread's step, or T + t for the
 * memory model's own step on behalf of thread t (a store of t's becoming visible), so a
 * liveness check can tell which threads and which buffers a cycle lets move.
 */
export interface SuccessorSink {
  /** A successor. `s` is scratch: copy it to keep it. */
  state(s: Int32Array, actor: number): void;
  /** A step from the expanded state that violates property `property` (failed assert, run-time fault). */
  violation(s: Int32Array, property: number, message: string, actor: number): void;
}

/** What the replay of a counterexample listens to, besides the memory model's own events. */
export interface StepTracer extends MemoryTracer {
  /** position to return to when an alternative outcome is abandoned */
  mark(): number;
  reset(mark: number): void;
  /** thread `t` executed the instruction at `pc` */
  instr(t: number, pc: number): void;
  fence(t: number, kind: number): void;
  /** a step of the memory model on behalf of thread `t` (a flush, a promise) */
  internal(t: number): void;
}

export interface GeneratorOptions {
  /** indices of the properties whose assertions are checked (default: all) */
  readonly checked?: ReadonlySet<number> | undefined;
  /**
   * A generator that runs threads alone, for certifying promises: it makes no promises
   * and certifies nothing itself.
   */
  readonly solo?: boolean;
}

/**
 * How many distinct labels SuccessorGenerator.stepLabel gives (checker/liveness/graph.ts):
 * T threads, K fairness keys of the memory model (by default one per thread), one label for
 * the memory steps that carry no fairness (promises), then the step classes.
 */
export function stepLabelCount(cp: CompiledProgram, mm: MemoryModel): number {
  const T = cp.threads.length;
  return T + (mm.fairness?.keys ?? T) + 1 + cp.stepClasses.length;
}

/**
 * A thread that runs this many local instructions without reaching a shared-memory step
 * is looping locally forever; that is reported as a run-time fault.
 */
export const LOCAL_STEP_LIMIT = 100_000;

export class SuccessorGenerator {
  private readonly threads: readonly CompiledThread[];
  private readonly size: number;
  private readonly scratch: Int32Array[] = [];
  private sink: SuccessorSink = noSink;
  /** properties whose assertions are checked (others pass) */
  private readonly checked: Uint8Array;
  private readonly runtimeError: number;
  /** during initial-state construction: continue with the next thread instead of emitting */
  private initMode = false;
  /** a failing assertion is reported and the thread carries on (CompiledProgram.assertions) */
  private readonly observeAssertions: boolean;
  /**
   * While a memory-model step is being reported: its index k among the state's internal
   * steps (else -1), so a liveness graph can ask the model which fairness unit it serves.
   */
  internalStep = -1;
  /** the visible instruction the step being generated executes (for a select: the alternative's first) */
  private executedPc = -1;
  /** labels of step classes start here: T threads, the memory model's fairness keys, its unfair steps (stepLabel) */
  private readonly classBase: number;
  /** the model's register dependency tracking, or null (SC, TSO, PSO) */
  private readonly deps: DependencyTracking | null;
  /** under a model with promises: certifies successors and generates promise steps */
  private readonly certification: Certification | null;
  tracer: StepTracer | null = null;

  constructor(readonly cp: CompiledProgram, readonly mm: MemoryModel, opts: GeneratorOptions = {}) {
    this.threads = cp.threads;
    this.size = cp.layout.size;
    this.checked = new Uint8Array(cp.properties.length);
    const checked = opts.checked;
    for (const p of cp.properties) this.checked[p.index] = checked === undefined || checked.has(p.index) ? 1 : 0;
    this.runtimeError = cp.properties.find((p) => p.id === RUNTIME_ERROR_ID)!.index;
    this.observeAssertions = cp.assertions === 'observe';
    this.classBase = stepLabelCount(cp, mm) - cp.stepClasses.length;
    this.deps = mm.dependencies;
    this.certification = mm.promises !== null && !opts.solo ? new Certification(cp, mm.promises, (solo) => new SuccessorGenerator(cp, solo, { solo: true, checked: new Set() })) : null;
  }

  /** How many distinct labels `stepLabel` gives: threads, memory fairness keys, step classes. */
  get labelCount(): number {
    return this.classBase + this.cp.stepClasses.length;
  }

  /** Report every initial state: the declared initial values, with each thread's leading local code run. */
  initialStates(sink: SuccessorSink): void {
    const { layout, program } = this.cp;
    const s = new Int32Array(this.size);
    program.threads.forEach((t, ti) => t.regs.forEach((r, ri) => { s[layout.regBase[ti] + ri] = r.init ?? 0; }));
    let c = layout.memBase;
    for (const l of program.locations) for (const v of l.init) s[c++] = v;
    let g = layout.ghostBase;
    for (const gh of program.ghosts) for (const v of gh.init) s[g++] = v;
    this.mm.init(s);
    this.sink = sink;
    this.initMode = true;
    try {
      this.initThread(s, 0, 0);
    } finally {
      this.initMode = false;
    }
  }

  private initThread(src: Int32Array, t: number, d: number): void {
    if (t === this.threads.length) { this.sink.state(src, -1); return; }
    const th = this.threads[t];
    if (th.end === 0 || th.code[0].visible) { this.initThread(src, t + 1, d); return; }
    const s = this.copy(src, d);
    this.local(s, t, d + 1);
  }

  /** Report every successor of `cur` (which is not modified); returns how many outcomes were reported. */
  generate(cur: Int32Array, sink: SuccessorSink): void {
    this.sink = sink;
    const threads = this.threads;
    for (let t = 0; t < threads.length; t++) {
      const pc = cur[t];
      if (pc !== threads[t].end) this.visible(cur, t, pc, 0);
    }
    const mm = this.mm;
    const n = mm.internalCount(cur);
    for (let k = 0; k < n; k++) {
      const s = this.copy(cur, 0);
      const tr = this.tracer;
      const m = tr !== null ? tr.mark() : 0;
      const on = mm.internalThread(cur, k);
      if (tr !== null) tr.internal(on);
      mm.internal(s, k);
      this.internalStep = k;
      this.sink.state(s, threads.length + on);
      this.internalStep = -1;
      if (tr !== null) tr.reset(m);
    }
    if (this.certification !== null) this.certification.promiseSteps(cur, this.copy(cur, 0), this.sink, this.tracer);
  }

  /**
   * Report the successors of `cur` by a step of thread `t` alone (no memory-model steps):
   * how certification runs a thread on its own.
   */
  generateThread(cur: Int32Array, t: number, sink: SuccessorSink): void {
    this.sink = sink;
    const pc = cur[t];
    if (pc !== this.threads[t].end) this.visible(cur, t, pc, 0);
  }

  /**
   * Report the state reached by running thread `t`'s local code from its current pc (in
   * the middle of a step, e.g. just after an assertion) up to its next visible instruction.
   */
  continueLocal(cur: Int32Array, t: number, sink: SuccessorSink): void {
    this.sink = sink;
    this.local(this.copy(cur, 0), t, 1);
  }

  /**
   * The liveness graph's label of the successor being reported from `src` by `actor`:
   *  - a thread's step: the thread t, or classBase + c when the instruction it executes
   *    has step class c (a fairness or progress label: CompiledProgram.stepClasses);
   *  - a memory-model step: T + the fairness unit it serves (MemoryModel.fairness; by
   *    default the thread whose store it is);
   *  - a step the explorer makes on the model's behalf that is not one of its internal
   *    steps (a promise: certification.ts): T + K, a label that carries no fairness unit,
   *    since a thread is never obliged to promise.
   */
  stepLabel(src: Int32Array, actor: number): number {
    const T = this.threads.length;
    if (actor < T) {
      const classes = this.threads[actor].stepClass;
      if (classes !== null) {
        const c = classes[this.executedPc];
        if (c >= 0) return this.classBase + c;
      }
      return actor;
    }
    if (this.internalStep < 0) return this.classBase - 1;
    const f = this.mm.fairness;
    return f === undefined ? actor : T + f.key(src, this.internalStep);
  }

  private copy(src: Int32Array, d: number): Int32Array {
    let s = this.scratch[d];
    if (s === undefined) { s = new Int32Array(this.size); this.scratch[d] = s; }
    s.set(src);
    return s;
  }

  /** Execute the visible instruction at `pc` of thread `t` from `src` (left unmodified). */
  private visible(src: Int32Array, t: number, pc: number, d: number): void {
    this.executedPc = pc;
    const th = this.threads[t];
    const ins = th.code[pc];
    const mm = this.mm;
    const tr = this.tracer;
    const m = tr !== null ? tr.mark() : 0;
    if (tr !== null) tr.instr(t, pc);
    switch (ins.op) {
      case OP_LOAD: {
        const cell = ins.addr(src);
        if (cell < 0) { this.faulted(src, m, t); return; }
        const n = mm.loadCount(src, t, cell, ins.order, ins);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          s[ins.dst] = mm.load(s, t, cell, ins.order, k, ins);
          s[t] = pc + 1;
          this.local(s, t, d + 1);
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_STORE: {
        const cell = ins.addr(src);
        const v = ins.value(src);
        if (cell < 0 || fault.message !== '') { this.faulted(src, m, t); return; }
        const n = mm.storeCount(src, t, cell, ins.order, v, ins);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          mm.store(s, t, cell, v, ins.order, k, ins);
          s[t] = pc + 1;
          this.local(s, t, d + 1);
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_RMW:
      case OP_AWAIT_RMW: {
        const cell = ins.addr(src);
        const operand = ins.value(src);
        const expected = ins.hasExpected ? ins.expected(src) : 0;
        if (cell < 0 || fault.message !== '') { this.faulted(src, m, t); return; }
        const n = mm.rmwCount(src, t, cell, ins.order, ins);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          const old = mm.rmwRead(s, t, cell, ins.order, k, ins);
          if (ins.dst >= 0) s[ins.dst] = old;
          if (ins.op === OP_AWAIT_RMW && ins.cond(s) === 0) {
            if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
            continue;
          }
          const nv = rmwResult(ins.kind, old, operand, expected);
          if (nv === null) {
            s[t] = pc + 1;
            this.local(s, t, d + 1);
          } else {
            const w = mm.rmwWriteCount(s, t, cell, ins.order, nv, ins);
            if (w === 1) {
              mm.rmwWrite(s, t, cell, ins.order, nv, 0, ins);
              s[t] = pc + 1;
              this.local(s, t, d + 1);
            } else {
              // several places for the write (a promise it may fulfil): one copy each
              const mk = tr !== null ? tr.mark() : 0;
              for (let j = 0; j < w; j++) {
                const s2 = this.copy(s, d + 1);
                mm.rmwWrite(s2, t, cell, ins.order, nv, j, ins);
                s2[t] = pc + 1;
                this.local(s2, t, d + 2);
                if (tr !== null) tr.reset(mk);
              }
            }
          }
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_FENCE: {
        const n = mm.fenceCount(src, t, ins.kind);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          mm.fence(s, t, ins.kind, k);
          if (tr !== null) tr.fence(t, ins.kind);
          s[t] = pc + 1;
          this.local(s, t, d + 1);
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_AWAIT_LOAD: {
        const cell = ins.addr(src);
        if (cell < 0) { this.faulted(src, m, t); return; }
        const n = mm.loadCount(src, t, cell, ins.order, ins);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          s[ins.dst] = mm.load(s, t, cell, ins.order, k, ins);
          if (ins.cond(s) !== 0) {
            s[t] = pc + 1;
            this.local(s, t, d + 1);
          }
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_SELECT: {
        const targets = ins.targets;
        for (let i = 0; i < targets.length; i++) {
          this.visible(src, t, targets[i], d);
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_ATOMIC_BEGIN: {
        if (!mm.atomicEnabled(src, t)) break;
        const s = this.copy(src, d);
        mm.atomicBegin(s, t);
        s[t] = pc + 1;
        this.atomic(s, t, d + 1);
        break;
      }
      case OP_SKIP: {
        const s = this.copy(src, d);
        s[t] = pc + 1;
        this.local(s, t, d + 1);
        break;
      }
      case OP_LOAD_EX: {
        const cell = ins.addr(src);
        if (cell < 0) { this.faulted(src, m, t); return; }
        const n = mm.loadCount(src, t, cell, ins.order, ins);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          s[ins.dst] = mm.loadExclusive(s, t, cell, ins.order, k, ins);
          s[t] = pc + 1;
          this.local(s, t, d + 1);
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      case OP_STORE_EX: {
        const cell = ins.addr(src);
        const v = ins.value(src);
        if (cell < 0 || fault.message !== '') { this.faulted(src, m, t); return; }
        const n = mm.storeExclusiveCount(src, t, cell, ins.order, v, ins);
        for (let k = 0; k < n; k++) {
          const s = this.copy(src, d);
          s[ins.dst] = mm.storeExclusive(s, t, cell, v, ins.order, k, ins);
          s[t] = pc + 1;
          this.local(s, t, d + 1);
          if (tr !== null) { tr.reset(m); tr.instr(t, pc); }
        }
        break;
      }
      default:
        throw new Error(`instruction ${pc} of thread ${th.name} is not a visible step`);
    }
    if (fault.message !== '') this.faulted(src, m, t);
    if (tr !== null) tr.reset(m);
  }

  /**
   * Run local instructions of thread `t` on `s` (owned, scratch at depth d-1) until the
   * thread reaches a visible instruction or its end, then report the state.
   */
  private local(s: Int32Array, t: number, d: number): void {
    const th = this.threads[t];
    const code = th.code;
    const end = th.end;
    const tr = this.tracer;
    const deps = this.deps;
    let steps = 0;
    for (;;) {
      const pc = s[t];
      if (pc === end) break;
      const ins = code[pc];
      if (ins.visible) break;
      if (tr !== null) tr.instr(t, pc);
      switch (ins.op) {
        case OP_ASSIGN:
          if (deps !== null) deps.assign(s, t, ins);
          s[ins.dst] = ins.value(s);
          s[t] = pc + 1;
          break;
        case OP_SET_GHOST: {
          const g = ins.ghost(s);
          const v = ins.value(s);
          if (g >= 0) s[g] = v;
          s[t] = pc + 1;
          break;
        }
        case OP_BRANCH:
          if (deps !== null) deps.branch(s, t, ins);
          s[t] = ins.cond(s) !== 0 ? ins.target : pc + 1;
          break;
        case OP_JUMP:
          s[t] = ins.target;
          break;
        case OP_CHOOSE: {
          const m = tr !== null ? tr.mark() : 0;
          for (let v = ins.min; v <= ins.max; v++) {
            const s2 = this.copy(s, d);
            s2[ins.dst] = v;
            if (deps !== null) deps.assign(s2, t, ins);
            s2[t] = pc + 1;
            this.local(s2, t, d + 1);
            if (tr !== null) tr.reset(m);
          }
          return;
        }
        case OP_ASSERT:
          if (ins.cond(s) === 0 && fault.message === '' && this.checked[ins.property] === 1) {
            // With promises outstanding, the failure is real only if the thread can go on
            // to fulfil them (the assertion itself is instrumentation, not code).
            if (this.certification !== null && !this.certification.admitsAllFrom(s, t, pc + 1)) return;
            const a = ins.ir as { message: string };
            this.sink.violation(s, ins.property, a.message, t);
            if (!this.observeAssertions) return;
          }
          s[t] = pc + 1;
          break;
        default:
          throw new Error(`unexpected local instruction ${ins.op} at ${pc} of thread ${th.name}`);
      }
      if (fault.message !== '') { this.reportFault(s, t); return; }
      if (++steps > LOCAL_STEP_LIMIT) {
        fault.message = `thread '${th.name}' ran ${LOCAL_STEP_LIMIT} local instructions without a shared-memory step (a local infinite loop?)`;
        this.reportFault(s, t);
        return;
      }
    }
    if (this.initMode) this.initThread(s, t + 1, d);
    else if (this.certification === null || this.certification.admitsAll(s)) this.sink.state(s, t);
  }

  /** Run an atomic block's body on `s` (owned) as part of one step, then the local code after it. */
  private atomic(s: Int32Array, t: number, d: number): void {
    const th = this.threads[t];
    const code = th.code;
    const mm = this.mm;
    const tr = this.tracer;
    const deps = this.deps;
    let steps = 0;
    for (;;) {
      const pc = s[t];
      const ins = code[pc];
      if (tr !== null) tr.instr(t, pc);
      switch (ins.op) {
        case OP_ATOMIC_END:
          mm.atomicEnd(s, t);
          s[t] = pc + 1;
          this.local(s, t, d);
          return;
        case OP_LOAD:
        case OP_AWAIT_LOAD: {
          const cell = ins.addr(s);
          if (cell < 0) { this.reportFault(s, t); return; }
          s[ins.dst] = mm.atomicLoad(s, t, cell, ins);
          if (ins.op === OP_AWAIT_LOAD && ins.cond(s) === 0) return;
          s[t] = pc + 1;
          break;
        }
        case OP_STORE: {
          const cell = ins.addr(s);
          const v = ins.value(s);
          if (cell < 0 || fault.message !== '') { this.reportFault(s, t); return; }
          mm.atomicStore(s, t, cell, v, ins);
          s[t] = pc + 1;
          break;
        }
        case OP_RMW:
        case OP_AWAIT_RMW: {
          const cell = ins.addr(s);
          const operand = ins.value(s);
          const expected = ins.hasExpected ? ins.expected(s) : 0;
          if (cell < 0 || fault.message !== '') { this.reportFault(s, t); return; }
          const old = mm.atomicLoad(s, t, cell, ins);
          if (ins.dst >= 0) s[ins.dst] = old;
          if (ins.op === OP_AWAIT_RMW && ins.cond(s) === 0) return;
          const nv = rmwResult(ins.kind, old, operand, expected);
          if (nv !== null) mm.atomicStore(s, t, cell, nv, ins);
          s[t] = pc + 1;
          break;
        }
        case OP_FENCE:
        case OP_SKIP:
          s[t] = pc + 1;
          break;
        case OP_GUARD:
          if (ins.cond(s) === 0) return;
          s[t] = pc + 1;
          break;
        case OP_ASSIGN:
          if (deps !== null) deps.assign(s, t, ins);
          s[ins.dst] = ins.value(s);
          s[t] = pc + 1;
          break;
        case OP_SET_GHOST: {
          const g = ins.ghost(s);
          const v = ins.value(s);
          if (g >= 0) s[g] = v;
          s[t] = pc + 1;
          break;
        }
        case OP_BRANCH:
          if (deps !== null) deps.branch(s, t, ins);
          s[t] = ins.cond(s) !== 0 ? ins.target : pc + 1;
          break;
        case OP_JUMP:
          s[t] = ins.target;
          break;
        case OP_CHOOSE: {
          const m = tr !== null ? tr.mark() : 0;
          for (let v = ins.min; v <= ins.max; v++) {
            const s2 = this.copy(s, d);
            s2[ins.dst] = v;
            if (deps !== null) deps.assign(s2, t, ins);
            s2[t] = pc + 1;
            this.atomic(s2, t, d + 1);
            if (tr !== null) tr.reset(m);
          }
          return;
        }
        case OP_ASSERT:
          if (ins.cond(s) === 0 && fault.message === '' && this.checked[ins.property] === 1) {
            // t has no promise outstanding in a block; the others' must still be fulfillable
            if (this.certification !== null && !this.certification.admitsAll(s)) return;
            const a = ins.ir as { message: string };
            this.sink.violation(s, ins.property, a.message, t);
            if (!this.observeAssertions) return;
          }
          s[t] = pc + 1;
          break;
        default:
          throw new Error(`instruction ${pc} of thread ${th.name} cannot stand inside an atomic block`);
      }
      if (fault.message !== '') { this.reportFault(s, t); return; }
      if (++steps > LOCAL_STEP_LIMIT) {
        fault.message = `thread '${th.name}' ran ${LOCAL_STEP_LIMIT} instructions inside an atomic block (an infinite loop?)`;
        this.reportFault(s, t);
        return;
      }
    }
  }

  private faulted(src: Int32Array, m: number, t: number): void {
    if (this.tracer !== null) this.tracer.reset(m + 1);
    this.reportFault(src, t);
  }

  private reportFault(s: Int32Array, t: number): void {
    const message = fault.message;
    fault.message = '';
    // A thread that faults with promises outstanding never fulfils them: not an execution.
    // (If the fault is real, an execution reaches it without promising the faulting
    // thread's later writes, since they never happen.)
    if (this.certification !== null && this.mm.promises!.outstanding(s, t) > 0) return;
    if (this.checked[this.runtimeError] === 1) this.sink.violation(s, this.runtimeError, message, t);
  }
}

const noSink: SuccessorSink = { state() {}, violation() {} };
