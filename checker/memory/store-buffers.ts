/**
 * What x86-TSO and PSO share: a thread's stores wait in buffers, and everything that
 * bypasses them — a locked RMW, a successful store-exclusive, an atomic block — reads and
 * writes memory at once. When such an access may start differs (tso.ts: an empty buffer;
 * pso.ts: per location and epoch), so each model keeps its own `rmwCount`,
 * `storeExclusiveCount` and `atomicEnabled`; the accesses themselves are written here once.
 */
import { ExclusiveMonitor } from './exclusive-monitor.ts';
import type { MemoryTracer, StateLayout } from './model.ts';

export abstract class StoreBuffers {
  readonly internalStep = 'store buffer';
  readonly dependencies = null;
  readonly promises = null;
  tracer: MemoryTracer | null = null;
  bufferFullHits = 0;
  /** offset of memory, and of this model's own state (the buffers, then the reservations) */
  protected readonly mem: number;
  protected readonly base: number;
  protected readonly threads: number;
  protected readonly monitor: ExclusiveMonitor | null;
  /** ints of the buffers and the reservations */
  readonly size: number;

  /** `buffers`: ints of all threads' buffers, which come first in the model's state */
  constructor(layout: StateLayout, buffers: number, exclusives: boolean) {
    this.mem = layout.memBase;
    this.base = layout.mmBase;
    this.threads = layout.threads;
    this.monitor = exclusives ? new ExclusiveMonitor(this.base + buffers, this.threads) : null;
    this.size = buffers + (exclusives ? ExclusiveMonitor.size(this.threads) : 0);
  }

  init(_s: Int32Array): void {}

  loadCount(): number { return 1; }

  rmwRead(s: Int32Array, t: number, cell: number): number {
    const v = s[this.mem + cell];
    if (this.tracer) this.tracer.read(t, cell, v, 'memory');
    return v;
  }

  rmwWriteCount(): number { return 1; }

  rmwWrite(s: Int32Array, t: number, cell: number, _order: number, value: number): void {
    s[this.mem + cell] = value;
    if (this.monitor !== null) this.monitor.reached(s, t, cell);
    if (this.tracer) this.tracer.write(t, cell, value, true);
  }

  storeExclusive(s: Int32Array, t: number, cell: number, value: number, _order: number, k: number): number {
    if (k === 1) this.rmwWrite(s, t, cell, 0, value);
    this.monitor!.close(s, t);
    return k === 1 ? 0 : 1;
  }

  atomicBegin(): void {}
  atomicEnd(): void {}

  atomicLoad(s: Int32Array, t: number, cell: number): number {
    return this.rmwRead(s, t, cell);
  }

  atomicStore(s: Int32Array, t: number, cell: number, value: number): void {
    this.rmwWrite(s, t, cell, 0, value);
  }
}
