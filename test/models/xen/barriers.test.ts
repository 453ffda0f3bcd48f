/**
 * The barrier table of models/xen/barriers.ts against protocols.md §0: every Xen/Linux
 * name maps to the generic fence kind §0 gives it, per memory model.
 */
import { describe, expect, it } from 'vitest';
import { BARRIERS, barrierKind, type BarrierName } from '../../../models/xen/barriers.ts';

describe('Xen/Linux barrier names per memory model (protocols.md §0)', () => {
  it('x86 (TSO): smp_mb is a locked add, a full fence; smp_rmb and smp_wmb are compiler barriers only', () => {
    expect(barrierKind('smp_mb', 'tso')).toBe('full');
    expect(barrierKind('smp_rmb', 'tso')).toBe('none');
    expect(barrierKind('smp_wmb', 'tso')).toBe('none');
    expect(barrierKind('mfence', 'tso')).toBe('full');
  });

  it('Arm64: smp_mb = DMB ISH (full), smp_rmb = DMB ISHLD (R→R and R→W), smp_wmb = DMB ISHST (W→W)', () => {
    expect(barrierKind('smp_mb', 'armv8')).toBe('full');
    expect(barrierKind('smp_rmb', 'armv8')).toBe('ld');
    expect(barrierKind('smp_wmb', 'armv8')).toBe('st');
    expect(barrierKind('dmb_ish', 'armv8')).toBe('full');
    expect(barrierKind('dmb_ishld', 'armv8')).toBe('ld');
    expect(barrierKind('dmb_ishst', 'armv8')).toBe('st');
  });

  it('shareability is not modelled (ISH = SY, ISHLD = LD, ISHST = ST) and DSB is a full barrier', () => {
    for (const mm of ['sc', 'tso', 'pso', 'armv8'] as const) {
      expect(barrierKind('dmb_sy', mm)).toBe(barrierKind('dmb_ish', mm));
      expect(barrierKind('dmb_ld', mm)).toBe(barrierKind('dmb_ishld', mm));
      expect(barrierKind('dmb_st', mm)).toBe(barrierKind('dmb_ishst', mm));
    }
    expect(barrierKind('dsb', 'armv8')).toBe('full');
    expect(barrierKind('dsb_st', 'armv8')).toBe('full');
  });

  it('PSO: wmb is a store-store barrier, rmb a no-op (PSO keeps R→R), mb a full barrier', () => {
    expect(barrierKind('wmb', 'pso')).toBe('st');
    expect(barrierKind('smp_wmb', 'pso')).toBe('st');
    expect(barrierKind('rmb', 'pso')).toBe('none');
    expect(barrierKind('mb', 'pso')).toBe('full');
  });

  it('QEMU xen_rmb/xen_wmb and ring.h xen_mb/xen_rmb/xen_wmb are the smp_ barriers; plain mb/rmb/wmb likewise', () => {
    for (const mm of ['sc', 'tso', 'pso', 'armv8'] as const) {
      for (const [a, b] of [['xen_mb', 'smp_mb'], ['xen_rmb', 'smp_rmb'], ['xen_wmb', 'smp_wmb'], ['mb', 'smp_mb'], ['rmb', 'smp_rmb'], ['wmb', 'smp_wmb']] as [BarrierName, BarrierName][]) {
        expect(barrierKind(a, mm)).toBe(barrierKind(b, mm));
      }
    }
  });

  it('under SC no barrier has anything to order', () => {
    for (const name of Object.keys(BARRIERS) as BarrierName[]) expect(barrierKind(name, 'sc')).toBe('none');
  });
});
