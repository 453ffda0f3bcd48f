/**
 * Keeping Promising-ARM's state finite and canonical (architecture.md: "timestamps or views
 * of an operational model are canonicalised (renumbered, unreadable messages dropped) so
 * equal situations encode equally").
 *
 * A message of location c is dropped once no thread can read it any more. Thread t can
 * only read a c-message at or after max(coh_t[c], the last c-message at or before vrp_t):
 * a read needs timestamp ≥ coh_t[c] and no c-message between it and its view, which is at
 * least vrp_t; coh and vrp only grow. So with m_c the least of these over the threads that
 * have not finished (and of the open load-exclusives on c and the outstanding promises to
 * c, which must stay), every c-message before m_c is unreadable for good. Finished
 * threads read nothing; their local state is cleared.
 *
 * Renumbering keeps every comparison the model makes: views and timestamps are compared
 * only with timestamps of messages still there, so a view v becomes the number of kept
 * messages at or before it; a coh or forward-bank entry naming a dropped message becomes
 * 0 ("before every message left"), which reads and writes treat the same way. The initial
 * value of c (timestamp 0) is dropped with the rest once m_c > 0 (`gone[c]`).
 *
 * Two more rewritings identify states that behave alike:
 * - coh_t[c] is raised to the last c-message at or before vrp_t when t has no promise to
 *   c outstanding (its reads could not go below that anyway, and its fresh writes go
 *   after everything), dropping a forward-bank entry that thereby becomes unreadable;
 * - a view that can no longer make a difference is cleared: every use of vrm, vwm, vrn and
 *   vcap joins them into vrp or vwp or a write's view (which includes vwp), every use of a
 *   register's pick view a write's view or vcap, every use of vrel, of a register's full
 *   view and of a forward-bank view a read's view (which includes vrp); and vrp and vwp
 *   only grow. So once such a view is at or below the view it would be joined with, it is
 *   0. The exclusive bank's view is never used on ARM (only RISC-V's rules read it).
 */
import type { MemoryTracer } from '../model.ts';
import { ArmLayout, MSG_CELL, MSG_INTS, MSG_PENDING, MSG_THREAD, VCAP, VIEWS, VREL, VRM, VRN, VRP, VWM, VWP } from './layout.ts';

export class Canonicaliser {
  private readonly floor: Int32Array;
  private readonly lastBelow: Int32Array;
  private readonly map: Int32Array;
  private readonly rank: Int32Array;
  private readonly ends: Int32Array;
  private readonly regEnd: Int32Array;
  private readonly promised: Uint8Array;

  constructor(private readonly L: ArmLayout) {
    this.floor = new Int32Array(L.cells);
    this.lastBelow = new Int32Array(L.cells);
    this.promised = new Uint8Array(L.cells);

    this.map = new Int32Array(L.cap + 1);
    this.rank = new Int32Array(L.cap + 1);
    this.ends = Int32Array.from(L.ends);
    this.regEnd = Int32Array.from(L.regBase, (_, t) => (t + 1 < L.threads ? L.regBase[t + 1] : L.mem));
  }

  run(s: Int32Array, tracer: MemoryTracer | null): void {
    const L = this.L;
    const C = L.cells;
    const n = s[L.n];
    const floor = this.floor;
    floor.fill(0x7fffffff);
    for (let t = 0; t < L.threads; t++) {
      const th = L.th(t);
      if (s[t] === this.ends[t]) { this.clearThread(s, t); continue; }
      const below = this.lastBelow;
      below.fill(0);
      const promised = this.promised;
      promised.fill(0);
      const vrp = s[th + L.views + VRP];
      for (let i = 1; i <= n; i++) {
        const m = L.msg(i);
        if (i <= vrp) below[s[m + MSG_CELL]] = i;
        if (s[m + MSG_PENDING] === 1 && s[m + MSG_THREAD] === t) promised[s[m + MSG_CELL]] = 1;
      }
      for (let c = 0; c < C; c++) {
        let coh = s[th + c];
        if (coh < below[c]) {
          if (promised[c] === 0) {
            coh = s[th + c] = below[c];
            const f = th + L.fwd + 3 * c;
            if (s[f] < coh) { s[f] = 0; s[f + 1] = 0; s[f + 2] = 0; }
          } else coh = below[c];
        }
        if (coh < floor[c]) floor[c] = coh;
      }
      const ex = s[th + L.exb];
      if (ex !== 0) {
        s[th + L.exb + 2] = 0;
        if (s[th + L.exb + 1] < floor[ex - 1]) floor[ex - 1] = s[th + L.exb + 1];
      }
    }
    let dropped = false;
    for (let i = 1; i <= n; i++) {
      const m = L.msg(i);
      const c = s[m + MSG_CELL];
      if (s[m + MSG_PENDING] === 1 && i < floor[c]) floor[c] = i;
    }
    for (let c = 0; c < C; c++) {
      if (floor[c] > 0 && s[L.gone + c] === 0) { s[L.gone + c] = 1; s[L.base + c] = 0; }
    }
    for (let i = 1; i <= n; i++) if (i < floor[s[L.msg(i) + MSG_CELL]]) { dropped = true; break; }
    if (dropped) this.renumber(s, n, tracer);
    for (let t = 0; t < L.threads; t++) if (s[t] !== this.ends[t]) this.clearDominated(s, t);
  }

  /** Clear the views of thread t that vrp/vwp make irrelevant (see above). */
  private clearDominated(s: Int32Array, t: number): void {
    const L = this.L;
    const V = L.th(t) + L.views;
    const vrp = s[V + VRP];
    const vwp = s[V + VWP];
    const both = vrp < vwp ? vrp : vwp;
    if (s[V + VRM] <= both) s[V + VRM] = 0;
    if (s[V + VWM] <= both) s[V + VWM] = 0;
    if (s[V + VRN] <= both) s[V + VRN] = 0;
    if (s[V + VCAP] <= both) s[V + VCAP] = 0;
    if (s[V + VREL] <= vrp) s[V + VREL] = 0;
    const f0 = L.th(t) + L.fwd;
    for (let c = 0; c < L.cells; c++) if (s[f0 + 3 * c + 1] <= vrp) s[f0 + 3 * c + 1] = 0;
    for (let r = L.regBase[t]; r < this.regEnd[t]; r++) {
      const o = L.reg(r);
      if (s[o] <= vrp) s[o] = 0;
      if (s[o + 1] <= both) s[o + 1] = 0;
    }
  }

  private renumber(s: Int32Array, n: number, tracer: MemoryTracer | null): void {
    const L = this.L;
    const C = L.cells;
    const floor = this.floor;

    // renumber: map[i] = new timestamp of message i (-1 dropped); rank[v] = kept messages ≤ v
    const map = this.map, rank = this.rank;
    map[0] = 0; rank[0] = 0;
    let k = 0;
    for (let i = 1; i <= n; i++) {
      const from = L.msg(i);
      if (i < floor[s[from + MSG_CELL]]) { map[i] = -1; rank[i] = k; continue; }
      k++;
      map[i] = k;
      rank[i] = k;
      if (k !== i) { const to = L.msg(k); for (let j = 0; j < MSG_INTS; j++) s[to + j] = s[from + j]; }
    }
    for (let i = k + 1; i <= n; i++) { const m = L.msg(i); for (let j = 0; j < MSG_INTS; j++) s[m + j] = 0; }
    s[L.n] = k;
    for (let t = 0; t < L.threads; t++) {
      const th = L.th(t);
      for (let c = 0; c < C; c++) { const v = s[th + c]; s[th + c] = v > 0 && map[v] > 0 ? map[v] : 0; }
      for (let j = 0; j < VIEWS; j++) s[th + L.views + j] = rank[s[th + L.views + j]];
      for (let c = 0; c < C; c++) {
        const f = th + L.fwd + 3 * c;
        const ts = s[f];
        if (ts > 0 && map[ts] < 0) { s[f] = 0; s[f + 1] = 0; s[f + 2] = 0; continue; }
        s[f] = ts > 0 ? map[ts] : 0;
        s[f + 1] = rank[s[f + 1]];
      }
      const e = th + L.exb;
      if (s[e] !== 0) s[e + 1] = s[e + 1] > 0 ? map[s[e + 1]] : 0;
    }
    for (let r = L.regViews, end = L.regViews + 2 * L.regs; r < end; r++) s[r] = rank[s[r]];
    if (tracer !== null) {
      map[0] = 0;
      tracer.renumber(map.subarray(0, n + 1));
    }
  }

  /** A finished thread reads and writes nothing more: its local state and register views are cleared. */
  private clearThread(s: Int32Array, t: number): void {
    const L = this.L;
    const th = L.th(t);
    for (let j = 0; j < L.threadInts; j++) s[th + j] = 0;
    for (let r = L.regBase[t]; r < this.regEnd[t]; r++) { const o = L.reg(r); s[o] = 0; s[o + 1] = 0; }
  }
}

/** Outstanding promises of thread t. */
export function outstanding(L: ArmLayout, s: Int32Array, t: number): number {
  let k = 0;
  const n = s[L.n];
  for (let i = 1; i <= n; i++) {
    const m = L.msg(i);
    if (s[m + MSG_PENDING] === 1 && s[m + MSG_THREAD] === t) k++;
  }
  return k;
}
