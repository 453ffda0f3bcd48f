/**
 * Where Promising-ARM's state lives in xenmc's flat state vector (the memory model's area,
 * from `mmBase`). Everything is an int; timestamps and views are positions in the message
 * list (1..n), 0 standing for the initial values.
 *
 *   [ n | appended | base[C] | gone[C] | messages[cap × 4] | thread 0 | ... | thread T-1 | register views[R × 2] ]
 *
 * - `n`: messages in memory; message i (1-based) is [cell, value, thread, pending], pending
 *   1 while it is an outstanding promise.
 * - `appended`: 1 when the step that reached this state appended a message (see
 *   PromisingArm.mayPromise), and in the initial state.
 * - `base[c]`: cell c's initial value, the message at timestamp 0; `gone[c]` is 1 once no
 *   thread can read it any more (it is then 0, so equal situations encode equally).
 * - per thread (Promising-ARM's local state, PLDI 2019 Fig. 4): `coh[C]` (per location,
 *   the timestamp of the last write the thread read or wrote there), the views vrp/vwp
 *   (lower bounds for its next reads/writes), vrm/vwm (the views of its reads and writes so
 *   far), vrn (those of its no-return atomics' reads, which only a full barrier orders:
 *   aarch64.cat's `R \ NoRet`), vcap (its control and address dependencies so far), vrel
 *   (its release writes), the forward bank `fwd[C × 3]` ([timestamp, view, exclusive] of
 *   its last write per location) and the exclusive bank `exb` ([cell + 1 or 0, timestamp,
 *   view] of its open load-exclusive).
 * - per register: the views its value carries, full and with pick dependencies
 *   (checker/dependencies.ts).
 */
import type { StateLayout } from '../model.ts';

export const MSG_CELL = 0;
export const MSG_VALUE = 1;
export const MSG_THREAD = 2;
export const MSG_PENDING = 3;
export const MSG_INTS = 4;

/** per-thread view slots, after coh[C] */
export const VRP = 0;
export const VWP = 1;
export const VRM = 2;
export const VWM = 3;
export const VRN = 4;
export const VCAP = 5;
export const VREL = 6;
export const VIEWS = 7;

export class ArmLayout {
  readonly threads: number;
  readonly cells: number;
  readonly mem: number;
  /**
   * writes memory keeps: one per location plus `--buffer` more (the newest write of each
   * location is always kept; the bound is on the older ones some thread can still read,
   * and outstanding promises). `cap` adds one per location for an atomic block, which
   * cannot stop half-way: it starts only within the bound, and its writes to a location
   * are one write (PromisingArm.atomicStore), so it appends at most one per location.
   */
  readonly bound: number;
  readonly cap: number;
  readonly n: number;
  /** 1 when the last step appended a message (or in the initial state): see PromisingArm.mayPromise */
  readonly appended: number;
  readonly base: number;
  readonly gone: number;
  readonly msgs: number;
  readonly thread0: number;
  readonly threadInts: number;
  /** offsets inside a thread's block */
  readonly coh = 0;
  readonly views: number;
  readonly fwd: number;
  readonly exb: number;
  readonly regViews: number;
  readonly firstReg: number;
  readonly regs: number;
  readonly size: number;
  readonly ends: readonly number[];
  readonly regBase: readonly number[];

  constructor(layout: StateLayout, bound: number) {
    this.threads = layout.threads;
    this.cells = layout.cells;
    this.mem = layout.memBase;
    this.ends = layout.ends;
    this.regBase = layout.regBase;
    this.bound = layout.cells + bound;
    this.cap = this.bound + this.cells;
    const mm = layout.mmBase;
    this.n = mm;
    this.appended = mm + 1;
    this.base = mm + 2;
    this.gone = this.base + this.cells;
    this.msgs = this.gone + this.cells - MSG_INTS; // message i at msgs + i·MSG_INTS, i ≥ 1
    this.views = this.cells;
    this.fwd = this.views + VIEWS;
    this.exb = this.fwd + 3 * this.cells;
    this.threadInts = this.exb + 3;
    this.thread0 = this.gone + this.cells + this.cap * MSG_INTS;
    this.firstReg = layout.threads;
    this.regs = layout.memBase - layout.threads;
    this.regViews = this.thread0 + this.threads * this.threadInts;
    this.size = this.regViews + 2 * this.regs - mm;
  }

  /** offset of message i's fields */
  msg(i: number): number { return this.msgs + i * MSG_INTS; }
  /** offset of thread t's block */
  th(t: number): number { return this.thread0 + t * this.threadInts; }
  /** offset of the full view of the register at absolute state index r; the pick view follows it */
  reg(r: number): number { return this.regViews + 2 * (r - this.firstReg); }
}
