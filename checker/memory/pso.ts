/**
 * PSO, SPARC's Partial Store Order (The SPARC Architecture Manual, Version 8, 1992, §6.2
 * and appendix K; Sindhu, Frailong and Cekleov, "Formal specification of memory models",
 * 1992), in the operational form with one FIFO store buffer per thread and location: a
 * store is appended to the buffer of its location; a load takes the thread's newest
 * buffered store to that location (store forwarding) or else memory; the oldest entry of
 * any buffer may be written to memory at any time, as a step of its own. Stores to
 * different locations therefore become visible in any order (W→W relaxed), loads overtake
 * buffered stores (W→R relaxed), and R→R and R→W are kept because loads and stores are
 * issued in program order and a load completes when it is issued.
 *
 * Ordering, as protocols.md §0 asks ("only membar, or a modelled barrier, orders stores"):
 * - a `st` fence (SPARC's STBAR, membar #StoreStore; Linux/Xen wmb) orders the thread's
 *   earlier stores before its later ones without stopping the thread: it closes the
 *   current *epoch*, and an entry may leave its buffer only when no entry of an older
 *   epoch is left in any of the thread's buffers. This is the store barrier SPARC
 *   specifies: loads after it may still overtake the stores before it. (Draining the
 *   buffers at the fence would also forbid those W→R reorderings, which PSO allows: a
 *   checker built that way would miss store-buffering bugs behind a wmb.)
 * - a `full` fence (membar #StoreLoad|…, mb) takes effect only once every buffer of the
 *   thread is empty;
 * - an `ld` fence is a no-op: PSO keeps R→R and R→W;
 * - acquire loads are plain loads, for the same reason; a release store is a `st` fence
 *   followed by the store (its earlier loads have completed already).
 * - a read-modify-write acts atomically on memory: a plain (or acquire) one is enabled
 *   when the thread's buffer for its location is empty (so it reads the latest value and
 *   nothing of its own is pending there) and no earlier `st` fence still holds stores
 *   back, and then reads and writes memory at once. It orders nothing else: earlier
 *   stores to other locations may still become visible after it (SPARC's SWAP and
 *   LDSTUB under PSO, and Xen's unordered set_bit/clear_bit). A release or acq_rel RMW
 *   also waits for all the thread's buffers to drain: a fully ordered RMW is a fence.
 *   (Xen's value-returning helpers are fenced explicitly by models/xen/bitops.ts.)
 * - atomic blocks behave as a locked sequence, as under TSO: they start only when every
 *   buffer of the thread is empty and their stores go straight to memory, so a block is a
 *   full fence at entry and at exit.
 *
 * Exclusives (Arm's LDXR/STXR; SPARC has none, they are given a meaning so AArch64 tests
 * run under PSO too): a load-exclusive is a load that opens the thread's reservation
 * (exclusive-monitor.ts); a store-exclusive may always fail, and succeeds like a plain RMW
 * (a release one like a release RMW) — straight to memory — only while the reservation
 * holds: no other thread's write reached memory after the write the load-exclusive read.
 *
 * Buffers have a capacity per thread and location (`--buffer N`): a store to a full
 * buffer waits until a flush makes room, and `bufferFullHits` counts each time that
 * happens, so a verdict can say whether the bound limited the search.
 *
 * Liveness: every buffered store is eventually flushed. Weak fairness per thread and
 * location, one key each ("flush t's oldest store to c"): weak fairness on "some flush of
 * t" would let t's store to x wait forever while its stores to y keep flushing. A buffer
 * held back by a `st` fence is not enabled, but the older epoch's buffers are, and their
 * fairness empties them, after which it is enabled until flushed.
 *
 * State per thread: [entries, epoch] and, per memory cell, [n, value0, epoch0, value1,
 * epoch1, ...] oldest first. Epochs are canonical: the oldest epoch present is 0, the
 * ones present are consecutive, `epoch` (the one new stores get) is the newest present or
 * one more (a `st` fence after the last store), and 0 when nothing is buffered; unused
 * entries are zero. Equal situations therefore encode equally.
 */
import type { MemoryFairness, MemoryModel, StateLayout, StateNames } from './model.ts';
import { FENCE_FULL, FENCE_ST, ORDER_ACQ_REL, ORDER_RELEASE } from './model.ts';
import { StoreBuffers } from './store-buffers.ts';

export class PartialStoreOrder extends StoreBuffers implements MemoryModel {
  readonly name = 'pso' as const;
  private readonly cells: number;
  /** ints per (thread, cell) buffer */
  private readonly fifo: number;
  /** ints per thread */
  private readonly stride: number;
  readonly fairness: MemoryFairness;

  constructor(layout: StateLayout, readonly capacity: number, exclusives = false) {
    super(layout, layout.threads * (2 + layout.cells * (1 + 2 * capacity)), exclusives);
    this.cells = layout.cells;
    this.fifo = 1 + 2 * capacity;
    this.stride = 2 + this.cells * this.fifo;
    this.fairness = {
      kind: 'weak',
      keys: this.threads * this.cells,
      key: (s, k) => this.internalKey(s, k),
      keyName: (j, names) => `the store buffer of ${names.thread(Math.floor(j / this.cells))} for ${names.cell(j % this.cells)}`,
    };
  }

  /** The k-th flushable buffer (thread t, cell c), as t·cells + c: also its fairness key. */
  private internalKey(s: Int32Array, k: number): number {
    for (let t = 0; t < this.threads; t++) {
      if (s[this.th(t)] === 0) continue;
      for (let c = 0; c < this.cells; c++) {
        const b = this.buf(t, c);
        if (s[b] > 0 && s[b + 2] === 0 && k-- === 0) return t * this.cells + c;
      }
    }
    return -1;
  }

  /** offset of thread t's header: [entries, epoch] */
  private th(t: number): number { return this.base + t * this.stride; }
  /** offset of the buffer of thread t for cell c */
  private buf(t: number, cell: number): number { return this.base + t * this.stride + 2 + cell * this.fifo; }

  load(s: Int32Array, t: number, cell: number): number {
    const b = this.buf(t, cell);
    const n = s[b];
    if (n > 0) {
      const v = s[b + 2 * n - 1];
      if (this.tracer) this.tracer.read(t, cell, v, 'buffer');
      return v;
    }
    const v = s[this.mem + cell];
    if (this.tracer) this.tracer.read(t, cell, v, 'memory');
    return v;
  }

  storeCount(s: Int32Array, t: number, cell: number): number {
    if (s[this.buf(t, cell)] < this.capacity) return 1;
    this.bufferFullHits++;
    return 0;
  }

  store(s: Int32Array, t: number, cell: number, value: number, order: number): void {
    if (order === ORDER_RELEASE) this.closeEpoch(s, t);
    const h = this.th(t);
    const b = this.buf(t, cell);
    const n = s[b];
    s[b + 1 + 2 * n] = value;
    s[b + 2 + 2 * n] = s[h + 1];
    s[b] = n + 1;
    s[h]++;
    if (this.tracer) this.tracer.write(t, cell, value, false);
  }

  rmwCount(s: Int32Array, t: number, cell: number, order: number): number {
    const h = this.th(t);
    if (order === ORDER_RELEASE || order === ORDER_ACQ_REL) return s[h] === 0 ? 1 : 0;
    // A pending st fence (epoch > 0) holds back every store after it, the RMW's write too.
    return s[this.buf(t, cell)] === 0 && s[h + 1] === 0 ? 1 : 0;
  }

  loadExclusive(s: Int32Array, t: number, cell: number): number {
    const v = this.load(s, t, cell);
    // its own buffered stores to the cell reach memory first; they do not break the reservation
    this.monitor!.open(s, t, cell, s[this.buf(t, cell)]);
    return v;
  }

  /** Outcome 0: the store-exclusive fails; outcome 1 (as an RMW could, reservation holding): it stores to memory. */
  storeExclusiveCount(s: Int32Array, t: number, cell: number, order: number): number {
    return this.rmwCount(s, t, cell, order) === 1 && this.monitor!.holds(s, t, cell) ? 2 : 1;
  }

  fenceCount(s: Int32Array, t: number, kind: number): number {
    if (kind !== FENCE_FULL) return 1;
    return s[this.th(t)] === 0 ? 1 : 0;
  }

  fence(s: Int32Array, t: number, kind: number): void {
    if (kind === FENCE_ST) this.closeEpoch(s, t);
  }

  /** A store barrier: later stores get a newer epoch, if any store of the current one is buffered. */
  private closeEpoch(s: Int32Array, t: number): void {
    const h = this.th(t);
    if (s[h] === 0) return;
    const cur = s[h + 1];
    for (let c = 0; c < this.cells; c++) {
      const b = this.buf(t, c);
      const n = s[b];
      // a FIFO's newest entry carries its newest epoch
      if (n > 0 && s[b + 2 * n] === cur) { s[h + 1] = cur + 1; return; }
    }
  }

  atomicEnabled(s: Int32Array, t: number): boolean {
    return s[this.th(t)] === 0;
  }

  /** Flushable buffers: non-empty, with their oldest entry in the oldest epoch (0). */
  internalCount(s: Int32Array): number {
    let k = 0;
    for (let t = 0; t < this.threads; t++) {
      if (s[this.th(t)] === 0) continue;
      for (let c = 0; c < this.cells; c++) {
        const b = this.buf(t, c);
        if (s[b] > 0 && s[b + 2] === 0) k++;
      }
    }
    return k;
  }

  internalThread(s: Int32Array, k: number): number {
    return Math.floor(this.internalKey(s, k) / this.cells);
  }

  /** Write the oldest entry of the k-th flushable buffer to memory. */
  internal(s: Int32Array, k: number): void {
    const key = this.internalKey(s, k);
    this.flush(s, Math.floor(key / this.cells), key % this.cells);
  }

  private flush(s: Int32Array, t: number, cell: number): void {
    const h = this.th(t);
    const b = this.buf(t, cell);
    const n = s[b];
    const value = s[b + 1];
    s[this.mem + cell] = value;
    for (let i = 1; i < n; i++) {
      s[b + 2 * i - 1] = s[b + 2 * i + 1];
      s[b + 2 * i] = s[b + 2 * i + 2];
    }
    s[b + 2 * n - 1] = 0;
    s[b + 2 * n] = 0;
    s[b] = n - 1;
    s[h]--;
    if (this.monitor !== null) this.monitor.reached(s, t, cell);
    if (this.tracer) this.tracer.commit(t, cell, value);
    this.renumber(s, t);
  }

  /** Keep epochs canonical: when the oldest epoch has left every buffer, the next one becomes 0. */
  private renumber(s: Int32Array, t: number): void {
    const h = this.th(t);
    if (s[h] === 0) { s[h + 1] = 0; return; }
    for (let c = 0; c < this.cells; c++) {
      const b = this.buf(t, c);
      if (s[b] > 0 && s[b + 2] === 0) return;
    }
    for (let c = 0; c < this.cells; c++) {
      const b = this.buf(t, c);
      for (let i = 0; i < s[b]; i++) s[b + 2 + 2 * i]--;
    }
    s[h + 1]--;
  }

  describe(s: Int32Array, names: StateNames): { name: string; value: string }[] {
    const out: { name: string; value: string }[] = [];
    for (let t = 0; t < this.threads; t++) {
      const h = this.th(t);
      // entries grouped by epoch, oldest first; ‖ marks a store barrier between epochs
      const epochs: string[][] = Array.from({ length: s[h + 1] + 1 }, () => []);
      for (let c = 0; c < this.cells; c++) {
        const b = this.buf(t, c);
        for (let i = 0; i < s[b]; i++) epochs[s[b + 2 + 2 * i]].push(`${names.cell(c)}:=${names.value(c, s[b + 1 + 2 * i])}`);
      }
      const text = s[h] === 0 ? '' : epochs.map((e) => e.join(', ')).join(' ‖ ');
      out.push({ name: `store buffers of ${names.thread(t)}`, value: `[${text}]` });
    }
    if (this.monitor !== null) out.push(...this.monitor.describe(s, names));
    return out;
  }
}
