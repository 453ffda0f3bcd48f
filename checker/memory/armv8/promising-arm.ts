/**
 * ARMv8 (AArch64) as herd7's aarch64.cat defines it, through the operational model
 * Promising-ARM of Pulte, Pichon-Pharabod, Kang, Lee and Hur, "Promising-ARM/RISC-V: A
 * Simpler and Faster Operational Concurrency Model" (PLDI 2019), proved equivalent there
 * to the axiomatic ARMv8 model. Threads execute in program order, one instruction at a
 * time, which fits xenmc's interpreter; the reorderings come from three things:
 *
 * - Memory is a list of writes (messages) in coherence order, per location: a write is
 *   appended, a read may take any write to its location that the thread's *views* allow,
 *   not only the newest (R→R and W→R reordering, other-multi-copy atomicity: once a write
 *   is in the list every thread may read it).
 * - Each thread's views (PLDI 2019 Fig. 4; see ./layout.ts) say how far it must have
 *   seen: a read's view is the join of its address dependencies, `vrp` (raised by
 *   barriers and acquires) and, for an RCsc acquire, the thread's release writes; it must
 *   take the last write to its location at or before that view, or a later one, and never
 *   one before the last it read or wrote there (coherence). A write goes after its
 *   address and data dependencies, the control and address dependencies so far (`vcap`),
 *   `vwp`, and for a release everything before it.
 * - Promises (checker/explore/certification.ts): a thread may append a write before it
 *   executes it, if it can then execute it running alone — the R→W and W→W reorderings
 *   (LB, 2+2W, S). At most `bound` may be outstanding per thread (`--promises`), and the
 *   search reports whether that bound limited it.
 *
 * Barriers: DMB SY (`full`) raises vrp and vwp to everything done so far; DMB LD (`ld`)
 * raises both to the reads so far (R→R, R→W); DMB ST (`st`) raises vwp to the writes so
 * far (W→W); ISB (`isb`) raises vrp to vcap (ctrl+ISB and addr;po;ISB order later reads).
 * Acquire loads (LDAR) and acquirePC loads (LDAPR) raise vrp and vwp to their own view;
 * only LDAR's view includes earlier releases ([L];po;[A]). Release stores (STLR) wait
 * for everything before them and record themselves in vrel.
 *
 * What the paper does not cover, derived from aarch64.cat (herdtools7 7.58):
 * - Single-instruction atomics (LSE: SWP, LDADD, CAS, ... and the IR's RMWs): a read then
 *   a write of the same location with no other thread's write between them in coherence
 *   (`empty rmw & (fre; coe)`), the write after the read (`aob = rmw`); the read is A and
 *   the write L as the order says. The written value comes from the read, so a later read
 *   of that write by the same thread is ordered after the atomic's read (`(addr|data);lrs`
 *   through the atomic), and an acquire read of it after all of the atomic
 *   (`rmw; lrs; [A|Q]`: the forward bank's exclusive flag). An atomic that is both A and L
 *   orders everything after it ([range([A];amo;[L])]; po). A no-return atomic (no
 *   destination register: STADD, or LDADD/SWP/CAS into XZR) reads without acquire
 *   semantics, and only DMB SY and releases order its read (`[R \ NoRet]; po; [dmb.ld]`).
 * - Pick dependencies (CSEL: registers read only in the condition of an `ite`): they order
 *   later writes (`pob`: pick-addr;[W], pick-data, pick-ctrl;[W], pick-addr;po;[W]) but not
 *   later reads, and pass nothing through a write the thread reads back: each register
 *   carries a full view and a view with picks, the forward bank only the full one.
 *
 * xenmc's own constructs:
 * - `await` is a spin loop that exits when its condition holds: its read may take any
 *   write the model allows (the loop's last iteration), and everything after it is
 *   control dependent on the registers of the condition.
 * - An atomic block starts only when its thread has no outstanding promise; it is a DMB
 *   SY, then its reads take the newest write of each location and its writes are appended
 *   (no other thread steps in between), then a DMB SY: a lock-protected critical section
 *   whose lock acquire and release are full barriers.
 * - Ghost updates happen when the thread executes them, in program order; another thread
 *   may read a promised write of that thread before the thread's earlier ghost updates.
 *
 * Memory keeps one write per location and at most `--buffer` more; writes no
 * thread can read any more are dropped and timestamps renumbered (./canonical.ts), so the
 * bound limits only writes still in flight. A write that finds memory full waits, and
 * `bufferFullHits` counts it, as for store buffers.
 */
import type { CompiledInstr, CompiledProgram } from '../../compile.ts';
import { fault, OP_AWAIT_LOAD, OP_AWAIT_RMW, OP_LOAD, OP_LOAD_EX, OP_RMW, RMW_CAS, RMW_XCHG } from '../../compile.ts';
import type {
  DependencyTracking, MemoryFairness, MemoryModel, MemoryModelOptions, MemoryTracer, PromiseSupport, StateLayout, StateNames,
} from '../model.ts';
import {
  FENCE_FULL, FENCE_ISB, FENCE_LD, FENCE_ST, ORDER_ACQ_REL, ORDER_ACQUIRE, ORDER_ACQUIRE_PC, ORDER_RELEASE,
} from '../model.ts';
import { Canonicaliser, outstanding } from './canonical.ts';
import { ViewCompiler, type InstrViews } from './views.ts';
import {
  ArmLayout, MSG_CELL, MSG_INTS, MSG_PENDING, MSG_THREAD, MSG_VALUE, VCAP, VREL, VRM, VRN, VRP, VWM, VWP,
} from './layout.ts';

const max = (a: number, b: number): number => (a > b ? a : b);

export class PromisingArm implements MemoryModel, DependencyTracking, PromiseSupport {
  readonly name = 'armv8' as const;
  readonly size: number;
  readonly internalStep = 'promise';
  readonly dependencies: DependencyTracking = this;
  readonly promises: PromiseSupport = this;
  readonly bound: number;
  boundHits = 0;
  tracer: MemoryTracer | null = null;
  bufferFullHits = 0;
  private readonly L: ArmLayout;
  private readonly canon: Canonicaliser;
  /** the candidate timestamps of the read being enumerated */
  private readonly cand: Int32Array;
  /** the view of the last read, and of the last RMW read for its write (same step, same state) */
  private lastView = 0;
  private rmwView = 0;
  /** the instance whose counters solo instances (certification runs) add to */
  private readonly root: PromisingArm;

  constructor(private readonly layout: StateLayout, private readonly opts: MemoryModelOptions, root?: PromisingArm) {
    this.root = root ?? this;
    this.L = new ArmLayout(layout, opts.buffer);
    this.size = this.L.size;
    this.bound = opts.promises;
    this.canon = new Canonicaliser(this.L);
    this.cand = new Int32Array(this.L.cap + 1);
    this.live = opts.liveness === true;
    const C = this.L.cells;
    this.fairness = {
      kind: 'strong',
      keys: this.L.threads * C,
      key: (s, k) => this.internalKey(s, k),
      keyName: (j, names) => `${names.thread(Math.floor(j / C))} catching up with the newest write to ${names.cell(j % C)}`,
      justice: {
        count: this.L.threads,
        met: (s, j) => outstanding(this.L, s, j) === 0,
        name: (j, names) => `every promise of ${names.thread(j)} fulfilled`,
      },
    };
  }

  readonly fairness: MemoryFairness;

  init(s: Int32Array): void {
    const L = this.L;
    for (let c = 0; c < L.cells; c++) s[L.base + c] = s[L.mem + c];
    s[L.appended] = 1;
  }

  // --- register views ------------------------------------------------------------------

  /** Per-instruction view closures (./views.ts), once the compiled program is known. */
  private views: InstrViews[] = [];

  bind(cp: CompiledProgram): void {
    this.views = new ViewCompiler(cp, this.L).all();
    this.code = cp.threads;
  }

  private setReg(s: Int32Array, r: number, full: number, pick: number): void {
    const o = this.L.reg(r);
    s[o] = full;
    s[o + 1] = pick;
  }

  /** Called before the assignment itself, so a conditional reads the registers as they were. */
  assign(s: Int32Array, _t: number, ins: CompiledInstr): void {
    if (ins.dst < 0) return;
    const v = this.views[ins.id].data;
    this.setReg(s, ins.dst, v.full(s), v.pick(s));
  }

  branch(s: Int32Array, t: number, ins: CompiledInstr): void {
    const o = this.L.th(t) + this.L.views + VCAP;
    s[o] = max(s[o], this.views[ins.id].cond(s));
  }

  // --- reads -----------------------------------------------------------------------------

  private isAcquire(ins: CompiledInstr, order: number): boolean {
    if (ins.dst < 0) return false; // a no-return atomic has no acquire semantics
    return order === ORDER_ACQUIRE || order === ORDER_ACQ_REL || order === ORDER_ACQUIRE_PC;
  }

  /** The view a read must at least have: its address, vrp, and for an RCsc acquire the thread's releases. */
  private preView(s: Int32Array, t: number, order: number, ins: CompiledInstr): number {
    const V = this.L.th(t) + this.L.views;
    let v = max(this.views[ins.id].addr.full(s), s[V + VRP]);
    if (ins.dst >= 0 && (order === ORDER_ACQUIRE || order === ORDER_ACQ_REL)) v = max(v, s[V + VREL]);
    return v;
  }

  /**
   * The timestamps thread t may read `cell` at with pre-view `vpre`, ascending, into
   * `cand`: the last write to it at or before max(vpre, coh), then every later one; never
   * the thread's own outstanding promises (it could not fulfil them after reading them).
   */
  private readable(s: Int32Array, t: number, cell: number, vpre: number): number {
    const L = this.L;
    const n = s[L.n];
    const lo = max(vpre, s[L.th(t) + cell]);
    let last = s[L.gone + cell] === 0 ? 0 : -1;
    const upto = lo < n ? lo : n;
    for (let i = 1; i <= upto; i++) if (s[L.msg(i) + MSG_CELL] === cell) last = i;
    let k = 0;
    if (last >= 0 && !this.ownPromise(s, t, last)) this.cand[k++] = last;
    for (let i = lo + 1; i <= n; i++) {
      if (s[L.msg(i) + MSG_CELL] === cell && !this.ownPromise(s, t, i)) this.cand[k++] = i;
    }
    return k;
  }

  private ownPromise(s: Int32Array, t: number, ts: number): boolean {
    if (ts === 0) return false;
    const m = this.L.msg(ts);
    return s[m + MSG_PENDING] === 1 && s[m + MSG_THREAD] === t;
  }

  /**
   * Perform the read of `cell` at timestamp `ts` with pre-view `vpre`; returns the value.
   * `noRet`: the read of a no-return atomic. Sets the destination register's views.
   */
  private read(s: Int32Array, t: number, cell: number, ts: number, vpre: number, order: number, ins: CompiledInstr, exclusive: boolean): number {
    const L = this.L;
    const th = L.th(t);
    const V = th + L.views;
    const value = ts === 0 ? s[L.base + cell] : s[L.msg(ts) + MSG_VALUE];
    const f = th + L.fwd + 3 * cell;
    const acquire = this.isAcquire(ins, order);
    // a write of its own read back: its view is that of the write's address and data, unless
    // the write was exclusive (an atomic) and the read an acquire (aob's rmw;lrs;[A|Q])
    const forwarded = s[f] === ts && ts > 0 && !(s[f + 2] === 1 && acquire);
    const vmsg = forwarded ? s[f + 1] : ts;
    const vpost = max(vpre, vmsg);
    this.lastView = vpost;
    s[L.appended] = 0;
    s[th + cell] = ts;
    if (ins.dst < 0) s[V + VRN] = max(s[V + VRN], vpost);
    else s[V + VRM] = max(s[V + VRM], vpost);
    if (acquire) { s[V + VRP] = max(s[V + VRP], vpost); s[V + VWP] = max(s[V + VWP], vpost); }
    s[V + VCAP] = max(s[V + VCAP], this.views[ins.id].addr.pick(s));
    if (ins.dst >= 0) this.setReg(s, ins.dst, vpost, vpost);
    if (exclusive) { const e = th + L.exb; s[e] = cell + 1; s[e + 1] = ts; s[e + 2] = vpost; }
    if (this.tracer) this.tracer.readMessage(t, cell, value, ts, forwarded && vmsg < ts);
    return value;
  }

  /** An await's loop exits on its condition: control dependency on the condition's registers. */
  private awaited(s: Int32Array, t: number, ins: CompiledInstr): void {
    if (ins.op === OP_AWAIT_LOAD || ins.op === OP_AWAIT_RMW) this.branch(s, t, ins);
  }

  loadCount(s: Int32Array, t: number, cell: number, order: number, ins: CompiledInstr): number {
    return this.readable(s, t, cell, this.preView(s, t, order, ins));
  }

  load(s: Int32Array, t: number, cell: number, order: number, k: number, ins: CompiledInstr): number {
    const vpre = this.preView(s, t, order, ins);
    this.readable(s, t, cell, vpre);
    const v = this.read(s, t, cell, this.cand[k], vpre, order, ins, false);
    this.awaited(s, t, ins);
    this.canon.run(s, this.tracer);
    return v;
  }

  // --- writes ----------------------------------------------------------------------------

  /** The view a write must exceed: dependencies (with picks), vcap, vwp, and for a release everything before. */
  private writeView(s: Int32Array, t: number, order: number, ins: CompiledInstr): number {
    const V = this.L.th(t) + this.L.views;
    const iv = this.views[ins.id];
    let v = max(max(iv.addr.pick(s), iv.data.pick(s)), max(s[V + VCAP], s[V + VWP]));
    if (order === ORDER_RELEASE || order === ORDER_ACQ_REL) v = max(v, max(max(s[V + VRM], s[V + VWM]), s[V + VRN]));
    return v;
  }

  /**
   * The places a write of `value` to `cell` by t may take, into `cand`: 0 for a fresh one
   * at the end (if memory has room and `fresh`), then each of t's outstanding promises of
   * that write it may fulfil: after coh and `view`, and for an atomic (`after` ≥ 0) with no
   * other thread's write to the location after the write it read (timestamp `after`).
   */
  private places(s: Int32Array, t: number, cell: number, value: number, view: number, after: number): number {
    const L = this.L;
    const n = s[L.n];
    let k = 0;
    let clear = true; // no other thread's write to cell after `after` so far
    const coh = s[L.th(t) + cell];
    for (let i = 1; i <= n; i++) {
      const m = L.msg(i);
      if (s[m + MSG_CELL] !== cell) continue;
      if (s[m + MSG_THREAD] !== t) { if (after >= 0 && i > after) clear = false; continue; }
      if (s[m + MSG_PENDING] === 1 && s[m + MSG_VALUE] === value && i > coh && i > view && clear) this.cand[1 + k++] = i;
    }
    if (this.found !== null && clear && coh < this.foundAt && view < this.foundAt) this.found(cell, value);
    if (n < L.bound && clear) { this.cand[0] = 0; return k + 1; }
    if (n >= L.bound) this.root.bufferFullHits++;
    // no fresh place: shift the promises down
    for (let i = 0; i < k; i++) this.cand[i] = this.cand[i + 1];
    return k;
  }

  /** Perform a write at place `ts` (0: fresh). */
  private write(s: Int32Array, t: number, cell: number, value: number, ts: number, order: number, addrPick: number, fwdView: number, atomic: boolean): void {
    const L = this.L;
    const th = L.th(t);
    const V = th + L.views;
    s[L.appended] = 1;
    if (ts === 0) {
      ts = ++s[L.n];
      const m = L.msg(ts);
      s[m + MSG_CELL] = cell; s[m + MSG_VALUE] = value; s[m + MSG_THREAD] = t; s[m + MSG_PENDING] = 0;
      s[L.mem + cell] = value;
      if (this.tracer) this.tracer.write(t, cell, value, true);
    } else {
      s[L.msg(ts) + MSG_PENDING] = 0;
      if (this.tracer) this.tracer.fulfil(t, cell, value, ts);
    }
    s[th + cell] = ts;
    s[V + VWM] = max(s[V + VWM], ts);
    s[V + VCAP] = max(s[V + VCAP], addrPick);
    if (order === ORDER_RELEASE || order === ORDER_ACQ_REL) s[V + VREL] = max(s[V + VREL], ts);
    const f = th + L.fwd + 3 * cell;
    s[f] = ts; s[f + 1] = fwdView; s[f + 2] = atomic ? 1 : 0;
  }

  storeCount(s: Int32Array, t: number, cell: number, order: number, value: number, ins: CompiledInstr): number {
    return this.places(s, t, cell, value, this.writeView(s, t, order, ins), -1);
  }

  store(s: Int32Array, t: number, cell: number, value: number, order: number, k: number, ins: CompiledInstr): void {
    this.places(s, t, cell, value, this.writeView(s, t, order, ins), -1);
    const iv = this.views[ins.id];
    this.write(s, t, cell, value, this.cand[k], order, iv.addr.pick(s), max(iv.addr.full(s), iv.data.full(s)), false);
    this.canon.run(s, this.tracer);
  }

  // --- exclusives (LDXR/STXR, Promising-ARM's exclusive bank) -----------------------------

  loadExclusive(s: Int32Array, t: number, cell: number, order: number, k: number, ins: CompiledInstr): number {
    const vpre = this.preView(s, t, order, ins);
    this.readable(s, t, cell, vpre);
    const v = this.read(s, t, cell, this.cand[k], vpre, order, ins, true);
    this.canon.run(s, this.tracer);
    return v;
  }

  /**
   * Outcome 0: the store-exclusive fails (always possible). Then, while the thread's
   * reservation is on this cell, each place its write may take with no other thread's
   * write to the cell after the one the load-exclusive read (Promising-ARM's `exclusive`).
   */
  storeExclusiveCount(s: Int32Array, t: number, cell: number, order: number, value: number, ins: CompiledInstr): number {
    const e = this.L.th(t) + this.L.exb;
    if (s[e] !== cell + 1) return 1;
    return 1 + this.places(s, t, cell, value, this.writeView(s, t, order, ins), s[e + 1]);
  }

  storeExclusive(s: Int32Array, t: number, cell: number, value: number, order: number, k: number, ins: CompiledInstr): number {
    const L = this.L;
    const e = L.th(t) + L.exb;
    if (k > 0) {
      this.places(s, t, cell, value, this.writeView(s, t, order, ins), s[e + 1]);
      const iv = this.views[ins.id];
      this.write(s, t, cell, value, this.cand[k - 1], order, iv.addr.pick(s), max(iv.addr.full(s), iv.data.full(s)), true);
    } else {
      s[L.appended] = 0;
    }
    s[e] = 0; s[e + 1] = 0; s[e + 2] = 0;
    // the status register carries no view (Promising-ARM: the result of a write is bot)
    this.setReg(s, ins.dst, 0, 0);
    this.canon.run(s, this.tracer);
    return k > 0 ? 0 : 1;
  }

  // --- atomics (single-instruction read-modify-writes) -----------------------------------

  rmwCount(s: Int32Array, t: number, cell: number, order: number, ins: CompiledInstr): number {
    return this.readable(s, t, cell, this.preView(s, t, order, ins));
  }

  /*
   * An atomic's read is done first, then (unless a CAS failed) its write, on the same state
   * in the same step; what the write needs from before the read (its operands' views: the
   * read overwrites the destination register, which may be one of them) is kept here.
   */
  private rmwDataFull = 0;
  private rmwDataPick = 0;
  private rmwExpectedPick = 0;
  private rmwAddrFull = 0;
  private rmwAddrPick = 0;
  /** the destination's full view before the read (for a successful CAS, below) */
  private rmwOldFull = 0;

  rmwRead(s: Int32Array, t: number, cell: number, order: number, k: number, ins: CompiledInstr): number {
    const iv = this.views[ins.id];
    this.rmwDataFull = iv.data.full(s);
    this.rmwDataPick = iv.data.pick(s);
    this.rmwExpectedPick = iv.expected.pick(s);
    this.rmwAddrFull = iv.addr.full(s);
    this.rmwAddrPick = iv.addr.pick(s);
    if (ins.dst >= 0) this.rmwOldFull = s[this.L.reg(ins.dst)];
    const vpre = this.preView(s, t, order, ins);
    this.readable(s, t, cell, vpre);
    const v = this.read(s, t, cell, this.cand[k], vpre, order, ins, false);
    this.rmwView = this.lastView;
    this.awaited(s, t, ins);
    return v;
  }

  /** The view the write must exceed: the usual, its operands, and the read (aob: rmw). */
  private rmwWriteView(s: Int32Array, t: number, order: number): number {
    const V = this.L.th(t) + this.L.views;
    let v = max(max(this.rmwAddrPick, this.rmwDataPick), max(s[V + VCAP], s[V + VWP]));
    // a CAS's write happens only if the expected value matched: ordered after its source
    v = max(max(v, this.rmwExpectedPick), this.rmwView);
    if (order === ORDER_RELEASE || order === ORDER_ACQ_REL) v = max(v, max(max(s[V + VRM], s[V + VWM]), s[V + VRN]));
    return v;
  }

  rmwWriteCount(s: Int32Array, t: number, cell: number, order: number, value: number, ins: CompiledInstr): number {
    const after = s[this.L.th(t) + cell];
    return this.places(s, t, cell, value, this.rmwWriteView(s, t, order), after);
  }

  rmwWrite(s: Int32Array, t: number, cell: number, order: number, value: number, j: number, ins: CompiledInstr): void {
    const L = this.L;
    const after = s[L.th(t) + cell];
    this.places(s, t, cell, value, this.rmwWriteView(s, t, order), after);
    if (ins.kind === RMW_CAS && ins.dst >= 0) {
      // A successful CAS leaves in Rs a value equal both to what Rs held and to what it
      // read. As herd has it (catalogue-aarch64 MP+rel+CAS-ok-MRs-addr and -RsRs-addr:
      // Allowed, -bothRs-addr: Forbidden; LB+rel+CAS-ok-MRs-addr: Forbidden,
      // LB+rel+CAS-ok-RsRs-addr: Allowed), a later read through Rs is ordered only after
      // what both came from (the value could come from either), a later write after the
      // read (a pick dependency through the comparison), and never after the old Rs alone.
      const o = L.reg(ins.dst);
      s[o] = s[o] < this.rmwOldFull ? s[o] : this.rmwOldFull;
    }
    // A later read of this write by the same thread is ordered after what its value came
    // from (dob: (addr|data);lrs): the address, the operand and the value read — except
    // for a swap, whose written value is the operand only. (For a CAS the read counts:
    // catalogue-aarch64/LB+CAS-rfi-ctrl+DMBSY: Forbidden; its expected value does not:
    // MP+rel+CAS-addr: Allowed.)
    const fromRead = ins.kind !== RMW_XCHG ? this.rmwView : 0;
    const fwdView = max(max(this.rmwAddrFull, this.rmwDataFull), fromRead);
    this.write(s, t, cell, value, this.cand[j], order, this.rmwAddrPick, fwdView, true);
    if (order === ORDER_ACQ_REL && ins.dst >= 0) {
      // [range([A];amo;[L])]; po: the write of an A+L atomic is ordered before everything after it
      const V = L.th(t) + L.views;
      const ts = s[L.th(t) + cell];
      s[V + VRP] = max(s[V + VRP], ts);
      s[V + VWP] = max(s[V + VWP], ts);
    }
    this.canon.run(s, this.tracer);
  }

  // --- barriers --------------------------------------------------------------------------

  fenceCount(): number { return 1; }

  fence(s: Int32Array, t: number, kind: number): void {
    const V = this.L.th(t) + this.L.views;
    s[this.L.appended] = 0;
    switch (kind) {
      case FENCE_FULL: {
        const all = max(max(s[V + VRM], s[V + VWM]), s[V + VRN]);
        s[V + VRP] = max(s[V + VRP], all);
        s[V + VWP] = max(s[V + VWP], all);
        break;
      }
      case FENCE_LD:
        s[V + VRP] = max(s[V + VRP], s[V + VRM]);
        s[V + VWP] = max(s[V + VWP], s[V + VRM]);
        break;
      case FENCE_ST:
        s[V + VWP] = max(s[V + VWP], s[V + VWM]);
        break;
      case FENCE_ISB:
        s[V + VRP] = max(s[V + VRP], s[V + VCAP]);
        break;
    }
    this.canon.run(s, this.tracer);
  }

  // --- atomic blocks ----------------------------------------------------------------------

  /** Memory as the current block began: messages after it are the block's own. */
  private blockStart = 0;

  atomicEnabled(s: Int32Array, t: number): boolean {
    if (outstanding(this.L, s, t) !== 0) return false;
    // a block appends up to one write per location on top of the bound (layout.ts `cap`)
    if (s[this.L.n] > this.L.bound) { this.root.bufferFullHits++; return false; }
    return true;
  }

  atomicBegin(s: Int32Array, t: number): void {
    this.fence(s, t, FENCE_FULL);
    this.blockStart = s[this.L.n];
    // its reads take the newest write, so a promise just before it can change what they read
    s[this.L.appended] = 1;
  }

  atomicLoad(s: Int32Array, t: number, cell: number, ins: CompiledInstr): number {
    const L = this.L;
    const n = s[L.n];
    let ts = 0;
    for (let i = n; i >= 1; i--) if (s[L.msg(i) + MSG_CELL] === cell) { ts = i; break; }
    const value = s[L.mem + cell];
    const th = L.th(t);
    s[th + cell] = ts;
    s[th + L.views + VRM] = max(s[th + L.views + VRM], ts);
    if (ins.dst >= 0) this.setReg(s, ins.dst, ts, ts);
    if (this.tracer) this.tracer.readMessage(t, cell, value, ts, false);
    return value;
  }

  /**
   * A block's second write to a location replaces its first, in the first's place: no
   * other thread runs during the block, so only a reader racing with the lock holder could
   * see the value in between, which an atomic block abstracts away as it does under SC and
   * TSO. It keeps a block within one write per location (layout.ts `cap`).
   */
  atomicStore(s: Int32Array, t: number, cell: number, value: number): void {
    const L = this.L;
    const n = s[L.n];
    for (let i = this.blockStart + 1; i <= n; i++) {
      const m = L.msg(i);
      if (s[m + MSG_CELL] !== cell) continue;
      s[m + MSG_VALUE] = value;
      s[L.mem + cell] = value;
      if (this.tracer) {
        // the replaced write leaves the list; the new one (appended by the tracer) takes its place
        this.tracer.write(t, cell, value, true);
        const map = new Int32Array(n + 2);
        for (let j = 1; j <= n; j++) map[j] = j;
        map[i] = -1;
        map[n + 1] = i;
        this.tracer.renumber(map);
      }
      return;
    }
    this.write(s, t, cell, value, 0, 0, 0, 0, false);
  }

  atomicEnd(s: Int32Array, t: number): void {
    this.fence(s, t, FENCE_FULL);
    s[this.L.appended] = 1;
    this.canon.run(s, this.tracer);
  }

  // --- promises --------------------------------------------------------------------------

  /*
   * Liveness. Promising-ARM lets a read take any write its views allow, so a thread
   * spinning on a location could take a stale write forever: no hardware does that (ARMv8
   * guarantees that a write becomes visible to every observer in finite time). In a
   * liveness check (`MemoryModelOptions.liveness`) the model therefore has a step of its
   * own: "thread t catches up with the newest write to c" raises coh_t[c] to it. It is
   * enabled when t's next instruction reads c (a load, an atomic or a load-exclusive; an
   * await proceeds on any write that satisfies it) and could take an older write, and t has
   * no promise outstanding (whose place it might pass). The step only takes read choices
   * away, so it adds no behaviour. Each (t, c) is one strongly fair unit: a run on which t
   * comes to read c infinitely often while it could catch up catches up infinitely often,
   * so a spin that keeps taking a stale write is not fair, and a run with newer writes
   * arriving all the time still is. (Strong, not weak: between two reads of c the thread
   * does other things, where the unit is not enabled.) Enabling it only at reads of c keeps
   * the extra states few. Safety checks go without these steps.
   *
   * Promises: every promise is eventually fulfilled, a justice condition per thread: "t
   * has no promise outstanding" holds infinitely often. Exact with one promise at a time
   * over all threads (the default, --promises 1); with more, a run on which t always has
   * some promise outstanding although each is fulfilled in turn counts as unfair.
   */
  private readonly live: boolean;
  private code: CompiledProgram['threads'] = [];

  /** The cell thread t may catch up on (its next instruction reads it and could take an older write), or -1. */
  private staleRead(s: Int32Array, t: number): number {
    const L = this.L;
    const pc = s[t];
    if (pc === L.ends[t]) return -1;
    const ins = this.code[t].code[pc];
    if (ins.op !== OP_LOAD && ins.op !== OP_RMW && ins.op !== OP_LOAD_EX) return -1;
    if (outstanding(L, s, t) !== 0) return -1;
    const cell = ins.addr(s);
    if (fault.message !== '') { fault.message = ''; return -1; }
    return this.readable(s, t, cell, s[L.th(t) + L.views + VRP]) >= 2 ? cell : -1;
  }

  internalCount(s: Int32Array): number {
    if (!this.live) return 0;
    let k = 0;
    for (let t = 0; t < this.L.threads; t++) if (this.staleRead(s, t) >= 0) k++;
    return k;
  }

  /** The k-th thread that may catch up and its cell, as t·cells + c: its fairness key. */
  private internalKey(s: Int32Array, k: number): number {
    for (let t = 0; t < this.L.threads; t++) {
      const c = this.staleRead(s, t);
      if (c >= 0 && k-- === 0) return t * this.L.cells + c;
    }
    return -1;
  }

  internal(s: Int32Array, k: number): void {
    const L = this.L;
    const key = this.internalKey(s, k);
    const t = Math.floor(key / L.cells), cell = key % L.cells;
    let newest = 0;
    for (let i = s[L.n]; i >= 1; i--) if (s[L.msg(i) + MSG_CELL] === cell) { newest = i; break; }
    s[L.th(t) + cell] = newest;
    if (this.tracer) this.tracer.catchUp(t, cell, s[L.mem + cell]);
    // appends nothing, and leaves `appended` as it was: it commutes with a promise as a read does
    this.canon.run(s, this.tracer);
  }

  internalThread(s: Int32Array, k: number): number {
    return Math.floor(this.internalKey(s, k) / this.L.cells);
  }

  outstanding(s: Int32Array, t: number): number { return outstanding(this.L, s, t); }

  viable(s: Int32Array, t: number): boolean {
    const L = this.L;
    const n = s[L.n];
    const th = L.th(t);
    const floor = max(s[th + L.views + VWP], s[th + L.views + VCAP]);
    for (let i = 1; i <= n; i++) {
      const m = L.msg(i);
      if (s[m + MSG_PENDING] !== 1 || s[m + MSG_THREAD] !== t) continue;
      if (i <= floor || i <= s[th + s[m + MSG_CELL]]) return false;
    }
    return true;
  }

  room(s: Int32Array): boolean { return s[this.L.n] < this.L.bound; }

  next(s: Int32Array): number { return s[this.L.n] + 1; }

  /**
   * Promises are made only in states reached by a step that appended a message (a write,
   * an atomic, a promise, an atomic block) and in the initial state. No behaviour is
   * lost: a step a that appends nothing (a read, a fence) commutes with a promise P — a
   * then P reaches the state P then a reaches with a taking the same message (P's message
   * is after every view a compares with; a thread never reads its own promise) — so every
   * execution can be reordered to make its promises right after appending steps, and the
   * states between are the same states in another order. Atomic blocks count as appending:
   * their reads take the newest write, which a promise just before them changes.
   */
  mayPromise(s: Int32Array): boolean { return s[this.L.appended] === 1; }

  open(s: Int32Array, t: number, at: number): boolean {
    const V = this.L.th(t) + this.L.views;
    return s[V + VWP] < at && s[V + VCAP] < at;
  }

  private found: ((cell: number, value: number) => void) | null = null;
  private foundAt = 0;

  collect(at: number, found: ((cell: number, value: number) => void) | null): void {
    this.found = found;
    this.foundAt = at;
  }

  promise(s: Int32Array, t: number, cell: number, value: number): void {
    const L = this.L;
    const ts = ++s[L.n];
    const m = L.msg(ts);
    s[m + MSG_CELL] = cell; s[m + MSG_VALUE] = value; s[m + MSG_THREAD] = t; s[m + MSG_PENDING] = 1;
    s[L.mem + cell] = value;
    s[L.appended] = 1;
    if (this.tracer) this.tracer.promise(t, cell, value);
    this.canon.run(s, this.tracer);
  }

  solo(): MemoryModel {
    const m = new PromisingArm(this.layout, this.opts, this.root);
    m.views = this.views;
    m.code = this.code;
    return m;
  }

  localWidth(t: number): number {
    const L = this.L;
    return L.threadInts + 2 * (this.regEnd(t) - L.regBase[t]) + 1 + 2 * L.cells + L.cap * MSG_INTS;
  }

  local(s: Int32Array, t: number, out: Int32Array, at: number): void {
    const L = this.L;
    const th = L.th(t);
    for (let j = 0; j < L.threadInts; j++) out[at++] = s[th + j];
    for (let o = L.reg(L.regBase[t]), end = L.reg(this.regEnd(t)); o < end; o++) out[at++] = s[o];
    out[at++] = s[L.n];
    for (let j = L.base, end = L.gone + L.cells; j < end; j++) out[at++] = s[j];
    for (let j = L.msg(1), end = L.msg(L.cap + 1); j < end; j++) out[at++] = s[j];
  }

  private regEnd(t: number): number {
    const L = this.L;
    return t + 1 < L.threads ? L.regBase[t + 1] : L.mem;
  }

  // --- traces ----------------------------------------------------------------------------

  /**
   * Per location, the writes some thread can still read, oldest first (coherence order),
   * with the initial value while it is readable; per thread, its views.
   */
  describe(s: Int32Array, names: StateNames): { name: string; value: string }[] {
    const L = this.L;
    const n = s[L.n];
    const out: { name: string; value: string }[] = [];
    for (let c = 0; c < L.cells; c++) {
      const ws: string[] = s[L.gone + c] === 0 ? [`${names.value(c, s[L.base + c])} (initial)`] : [];
      for (let i = 1; i <= n; i++) {
        const m = L.msg(i);
        if (s[m + MSG_CELL] !== c) continue;
        ws.push(`${names.value(c, s[m + MSG_VALUE])} by ${names.thread(s[m + MSG_THREAD])}${s[m + MSG_PENDING] === 1 ? ' (promised)' : ''}`);
      }
      out.push({ name: `writes to ${names.cell(c)}`, value: `[${ws.join(', ')}]` });
    }
    for (let t = 0; t < L.threads; t++) {
      const V = L.th(t) + L.views;
      out.push({ name: `views of ${names.thread(t)}`, value: `reads ≥ ${s[V + VRP]}, writes > ${Math.max(s[V + VWP], s[V + VCAP])}` });
    }
    return out;
  }
}
