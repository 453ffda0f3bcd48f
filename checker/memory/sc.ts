/**
 * Sequential consistency (Lamport 1979): one memory, every access takes effect at once,
 * threads interleave. Fences and access orderings have nothing to order.
 * Atomic blocks are indivisible and always enabled.
 *
 * Exclusives: a store-exclusive may fail at any time, and succeeds only if no other
 * thread wrote the cell since its load-exclusive read it (exclusive-monitor.ts); the
 * reservation state exists only for programs that have exclusives.
 *
 * Liveness: SC has no steps of its own, so it assumes no fairness of its own; only the
 * threads' fairness constrains runs.
 */
import { ExclusiveMonitor } from './exclusive-monitor.ts';
import type { MemoryFairness, MemoryModel, MemoryTracer, StateLayout, StateNames } from './model.ts';

export class SequentialConsistency implements MemoryModel {
  readonly name = 'sc' as const;
  readonly size: number;
  readonly internalStep = 'memory';
  readonly dependencies = null;
  readonly promises = null;
  tracer: MemoryTracer | null = null;
  /** no steps of its own, so no fairness units */
  readonly fairness: MemoryFairness = { kind: 'weak', keys: 0, key: () => 0, keyName: () => '' };
  bufferFullHits = 0;
  private readonly mem: number;
  private readonly monitor: ExclusiveMonitor | null;

  constructor(layout: StateLayout, exclusives = false) {
    this.mem = layout.memBase;
    this.monitor = exclusives ? new ExclusiveMonitor(layout.mmBase, layout.threads) : null;
    this.size = exclusives ? ExclusiveMonitor.size(layout.threads) : 0;
  }

  init(_s: Int32Array): void {}

  loadCount(): number { return 1; }
  load(s: Int32Array, t: number, cell: number): number {
    const v = s[this.mem + cell];
    if (this.tracer) this.tracer.read(t, cell, v, 'memory');
    return v;
  }

  storeCount(): number { return 1; }
  store(s: Int32Array, t: number, cell: number, value: number): void {
    s[this.mem + cell] = value;
    if (this.monitor !== null) this.monitor.reached(s, t, cell);
    if (this.tracer) this.tracer.write(t, cell, value, true);
  }

  rmwCount(): number { return 1; }
  rmwRead(s: Int32Array, t: number, cell: number): number { return this.load(s, t, cell); }
  rmwWriteCount(): number { return 1; }
  rmwWrite(s: Int32Array, t: number, cell: number, _order: number, value: number): void { this.store(s, t, cell, value); }

  fenceCount(): number { return 1; }
  fence(): void {}

  loadExclusive(s: Int32Array, t: number, cell: number): number {
    const v = this.load(s, t, cell);
    this.monitor!.open(s, t, cell, 0);
    return v;
  }

  /** Outcome 0: the store-exclusive fails; outcome 1 (while the reservation holds): it stores. */
  storeExclusiveCount(s: Int32Array, t: number, cell: number): number {
    return this.monitor!.holds(s, t, cell) ? 2 : 1;
  }

  storeExclusive(s: Int32Array, t: number, cell: number, value: number, _order: number, k: number): number {
    if (k === 1) this.store(s, t, cell, value);
    this.monitor!.close(s, t);
    return k === 1 ? 0 : 1;
  }

  atomicEnabled(): boolean { return true; }
  atomicBegin(): void {}
  atomicEnd(): void {}
  atomicLoad(s: Int32Array, t: number, cell: number): number { return this.load(s, t, cell); }
  atomicStore(s: Int32Array, t: number, cell: number, value: number): void { this.store(s, t, cell, value); }

  internalCount(): number { return 0; }
  internal(): void {}
  internalThread(): number { return -1; }

  describe(s: Int32Array, names: StateNames): { name: string; value: string }[] {
    return this.monitor === null ? [] : this.monitor.describe(s, names);
  }
}
