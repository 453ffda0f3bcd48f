/**
 * Exclusive reservations (Arm's exclusive monitor) for the memory models whose coherence
 * order is the order in which writes reach memory: SC, and the store-buffer models (TSO,
 * PSO), where a write enters coherence order when it leaves its buffer.
 *
 * aarch64.cat lets a store-exclusive succeed only if no other thread's write comes between
 * the write its load-exclusive read and its own write in coherence order
 * (`empty rmw & (fre; coe)`); the thread's own writes may. So a reservation is broken
 * exactly when another thread's write to the reserved cell reaches memory after the write
 * the load-exclusive read. When the load-exclusive read its own newest buffered store
 * (forwarding), that store has not reached memory yet: other threads' writes that reach
 * memory before it come before it in coherence order and do not break the reservation.
 * `pending` counts the thread's own buffered stores to the cell that must reach memory
 * first (its buffer is FIFO per cell, so they are the next ones to that cell).
 *
 * State per thread: [reserved cell + 1, or 0 for none; pending].
 */
import type { StateNames } from './model.ts';

export class ExclusiveMonitor {
  static size(threads: number): number {
    return 2 * threads;
  }

  constructor(private readonly base: number, private readonly threads: number) {}

  /** Thread `t`'s load-exclusive read `cell`, with `pending` of its own stores to it still buffered. */
  open(s: Int32Array, t: number, cell: number, pending: number): void {
    const b = this.base + 2 * t;
    s[b] = cell + 1;
    s[b + 1] = pending;
  }

  /** A write of thread `t` to `cell` reached memory (took its place in coherence order). */
  reached(s: Int32Array, t: number, cell: number): void {
    const tag = cell + 1;
    for (let u = 0, b = this.base; u < this.threads; u++, b += 2) {
      if (s[b] !== tag) continue;
      if (u === t) {
        if (s[b + 1] > 0) s[b + 1]--;
      } else if (s[b + 1] === 0) {
        s[b] = 0;
      }
    }
  }

  /** Whether a store-exclusive of `t` to `cell` may succeed now (its own buffered stores to it gone). */
  holds(s: Int32Array, t: number, cell: number): boolean {
    const b = this.base + 2 * t;
    return s[b] === cell + 1 && s[b + 1] === 0;
  }

  close(s: Int32Array, t: number): void {
    const b = this.base + 2 * t;
    s[b] = 0;
    s[b + 1] = 0;
  }

  describe(s: Int32Array, names: StateNames): { name: string; value: string }[] {
    const out: { name: string; value: string }[] = [];
    for (let t = 0, b = this.base; t < this.threads; t++, b += 2) {
      const v = s[b] === 0 ? 'none' : `${names.cell(s[b] - 1)}${s[b + 1] > 0 ? ` (after ${s[b + 1]} buffered store${s[b + 1] > 1 ? 's' : ''})` : ''}`;
      out.push({ name: `exclusive reservation of ${names.thread(t)}`, value: v });
    }
    return out;
  }
}
