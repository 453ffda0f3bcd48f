/**
 * x86-TSO as in Owens, Sarkar and Sewell, "A better x86 memory model: x86-TSO"
 * (TPHOLs 2009) and Sewell et al., "x86-TSO: A Rigorous and Usable Programmer's Model
 * for x86 Multiprocessors" (CACM 2010): each thread has a FIFO store buffer; a store is
 * appended to it; a load takes the newest buffered store of its own thread to that
 * location (store forwarding) or else memory; the oldest entry of any buffer may be
 * written to memory at any time, as a step of its own. So W→R is the only reordering.
 *
 * - `full` fences (mfence) and locked read-modify-writes take effect only once the
 *   thread's buffer is empty; the RMW then reads and writes memory at once.
 * - `ld` and `st` fences are no-ops: TSO keeps R→R, R→W and W→W already.
 * - acquire/release orderings are no-ops for the same reason.
 * - Atomic blocks behave as a locked instruction sequence: they start only with an
 *   empty buffer and their stores go straight to memory, so they are a full fence at
 *   entry and at exit.
 *
 * Buffers have a capacity (`--buffer N`): a store to a full buffer waits until a flush
 * makes room. Each time that happens `bufferFullHits` counts it, so a verdict can say
 * whether the bound limited the search.
 *
 * Exclusives (x86 has none; they are given a meaning so AArch64 tests run under TSO too):
 * a load-exclusive is a load; a store-exclusive may always fail, and succeeds like a locked
 * instruction — with an empty buffer, straight to memory — only while the reservation holds
 * (exclusive-monitor.ts: no other thread's write reached memory after the write the
 * load-exclusive read).
 *
 * State per thread: [n, cell0, value0, cell1, value1, ...], oldest first; unused entries
 * are zero so equal buffers encode equally. The reservations follow, when the program has
 * exclusives.
 *
 * Liveness: every buffered store is eventually flushed. Stated as weak fairness of one
 * unit per thread, "flush t's oldest entry" (key t): a non-empty buffer stays non-empty
 * until it is flushed (the thread can only add), so that step is enabled continuously
 * until taken, weak and strong fairness coincide here, and FIFO order then brings every
 * entry out after finitely many flushes.
 */
import type { MemoryFairness, MemoryModel, StateLayout, StateNames } from './model.ts';
import { FENCE_FULL } from './model.ts';
import { StoreBuffers } from './store-buffers.ts';

export class TotalStoreOrder extends StoreBuffers implements MemoryModel {
  readonly name = 'tso' as const;
  /** ints per thread: [n, cell0, value0, ...] */
  private readonly stride: number;
  readonly fairness: MemoryFairness;

  constructor(layout: StateLayout, readonly capacity: number, exclusives = false) {
    super(layout, layout.threads * (1 + 2 * capacity), exclusives);
    this.stride = 1 + 2 * capacity;
    this.fairness = {
      kind: 'weak',
      keys: this.threads,
      key: (s, k) => this.internalThread(s, k),
      keyName: (j, names) => `the store buffer of ${names.thread(j)}`,
    };
  }

  load(s: Int32Array, t: number, cell: number): number {
    const b = this.base + t * this.stride;
    for (let i = s[b] - 1; i >= 0; i--) {
      if (s[b + 1 + 2 * i] === cell) {
        const v = s[b + 2 + 2 * i];
        if (this.tracer) this.tracer.read(t, cell, v, 'buffer');
        return v;
      }
    }
    const v = s[this.mem + cell];
    if (this.tracer) this.tracer.read(t, cell, v, 'memory');
    return v;
  }

  storeCount(s: Int32Array, t: number): number {
    if (s[this.base + t * this.stride] < this.capacity) return 1;
    this.bufferFullHits++;
    return 0;
  }

  store(s: Int32Array, t: number, cell: number, value: number): void {
    const b = this.base + t * this.stride;
    const n = s[b];
    s[b + 1 + 2 * n] = cell;
    s[b + 2 + 2 * n] = value;
    s[b] = n + 1;
    if (this.tracer) this.tracer.write(t, cell, value, false);
  }

  rmwCount(s: Int32Array, t: number): number {
    return s[this.base + t * this.stride] === 0 ? 1 : 0;
  }

  fenceCount(s: Int32Array, t: number, kind: number): number {
    if (kind !== FENCE_FULL) return 1;
    return s[this.base + t * this.stride] === 0 ? 1 : 0;
  }

  fence(): void {}

  loadExclusive(s: Int32Array, t: number, cell: number): number {
    const v = this.load(s, t, cell);
    const b = this.base + t * this.stride;
    let pending = 0;
    for (let i = 0; i < s[b]; i++) if (s[b + 1 + 2 * i] === cell) pending++;
    this.monitor!.open(s, t, cell, pending);
    return v;
  }

  /** Outcome 0: the store-exclusive fails; outcome 1 (empty buffer, reservation holds): it stores to memory. */
  storeExclusiveCount(s: Int32Array, t: number, cell: number): number {
    return s[this.base + t * this.stride] === 0 && this.monitor!.holds(s, t, cell) ? 2 : 1;
  }

  atomicEnabled(s: Int32Array, t: number): boolean {
    return s[this.base + t * this.stride] === 0;
  }

  internalCount(s: Int32Array): number {
    let n = 0;
    for (let t = 0; t < this.threads; t++) if (s[this.base + t * this.stride] !== 0) n++;
    return n;
  }

  internalThread(s: Int32Array, k: number): number {
    for (let t = 0; t < this.threads; t++) {
      if (s[this.base + t * this.stride] !== 0 && k-- === 0) return t;
    }
    return -1;
  }

  /** Flush the oldest entry of the k-th non-empty buffer. */
  internal(s: Int32Array, k: number): void {
    const t = this.internalThread(s, k);
    const b = this.base + t * this.stride;
    const n = s[b];
    const cell = s[b + 1];
    const value = s[b + 2];
    s[this.mem + cell] = value;
    if (this.monitor !== null) this.monitor.reached(s, t, cell);
    for (let i = 1; i < n; i++) {
      s[b + 1 + 2 * (i - 1)] = s[b + 1 + 2 * i];
      s[b + 2 + 2 * (i - 1)] = s[b + 2 + 2 * i];
    }
    s[b + 1 + 2 * (n - 1)] = 0;
    s[b + 2 + 2 * (n - 1)] = 0;
    s[b] = n - 1;
    if (this.tracer) this.tracer.commit(t, cell, value);
  }

  describe(s: Int32Array, names: StateNames): { name: string; value: string }[] {
    const out: { name: string; value: string }[] = [];
    for (let t = 0; t < this.threads; t++) {
      const b = this.base + t * this.stride;
      const entries: string[] = [];
      for (let i = 0; i < s[b]; i++) {
        const c = s[b + 1 + 2 * i];
        entries.push(`${names.cell(c)}:=${names.value(c, s[b + 2 + 2 * i])}`);
      }
      out.push({ name: `store buffer of ${names.thread(t)}`, value: `[${entries.join(', ')}]` });
    }
    if (this.monitor !== null) out.push(...this.monitor.describe(s, names));
    return out;
  }
}
