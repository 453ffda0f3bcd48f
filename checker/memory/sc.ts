/**
 * Sequential consistency (Lamport 1979): one memory, every access takes effect at once,
 * threads interleave. Fences and access orderings have nothing to order.
 * Atomic blocks are indivisible and always enabled.
 */
import type { MemoryModel, MemoryTracer, StateLayout, StateNames } from './model.ts';

export class SequentialConsistency implements MemoryModel {
  readonly name = 'sc' as const;
  readonly size = 0;
  readonly internalStep = 'memory';
  readonly dependencies = null;
  readonly promises = null;
  tracer: MemoryTracer | null = null;
  bufferFullHits = 0;
  private readonly mem: number;

  constructor(layout: StateLayout) {
    this.mem = layout.memBase;
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
    if (this.tracer) this.tracer.write(t, cell, value, true);
  }

  rmwCount(): number { return 1; }
  rmwRead(s: Int32Array, t: number, cell: number): number { return this.load(s, t, cell); }
  rmwWriteCount(): number { return 1; }
  rmwWrite(s: Int32Array, t: number, cell: number, _order: number, value: number): void { this.store(s, t, cell, value); }

  fenceCount(): number { return 1; }
  fence(): void {}

  atomicEnabled(): boolean { return true; }
  atomicBegin(): void {}
  atomicEnd(): void {}
  atomicLoad(s: Int32Array, t: number, cell: number): number { return this.load(s, t, cell); }
  atomicStore(s: Int32Array, t: number, cell: number, value: number): void { this.store(s, t, cell, value); }

  internalCount(): number { return 0; }
  internal(): void {}
  internalThread(): number { return -1; }

  describe(_s: Int32Array, _names: StateNames): { name: string; value: string }[] { return []; }
}
