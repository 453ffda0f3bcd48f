/**
 * The Xen and Linux barrier names, mapped onto the checker's one fence vocabulary
 * (`full`; `ld` orders R→R and R→W; `st` orders W→W) per memory model, as
 * ../shared/design/protocols.md §0 gives it. Models say `barrier(t, mm, 'smp_wmb')`; the
 * checker sees only the generic kind, or nothing where the name compiles to no
 * instruction.
 *
 * Sources: xen-project/xen xen/arch/x86/include/asm/system.h (x86: smp_mb is a locked
 * add, a full fence; smp_rmb/smp_wmb are compiler barriers, sound because TSO keeps R→R
 * and W→W), xen/arch/arm/include/asm/system.h (Arm64: smp_mb = DMB ISH, smp_rmb = DMB
 * ISHLD, smp_wmb = DMB ISHST); QEMU's xen_rmb/xen_wmb and ring.h's xen_mb/xen_rmb/xen_wmb
 * are the same three. PSO has no Xen port: each name is modelled by what it must order
 * (wmb = store-store barrier, rmb = nothing since PSO keeps R→R, mb = full). Shareability
 * domains are not modelled (DMB ISH = DMB SY), and DSB is modelled as a full barrier (it
 * is at least that). Under SC no barrier has anything to order.
 */
import type { FenceKind } from '../../checker/ir.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { InstrOptions, ThreadBuilder } from '../../checker/builder.ts';

export type BarrierName =
  | 'mb' | 'rmb' | 'wmb'
  | 'smp_mb' | 'smp_rmb' | 'smp_wmb'
  | 'xen_mb' | 'xen_rmb' | 'xen_wmb'
  | 'mfence'
  | 'dmb_ish' | 'dmb_sy' | 'dmb_ishld' | 'dmb_ld' | 'dmb_ishst' | 'dmb_st'
  | 'dsb' | 'dsb_st';

/** What a barrier compiles to: a fence of a generic kind, or no instruction at all. */
export type BarrierKind = FenceKind | 'none';

type Row = Readonly<Record<MemoryModelName, BarrierKind>>;

const FULL: Row = { sc: 'none', tso: 'full', pso: 'full', armv8: 'full' };
const READ: Row = { sc: 'none', tso: 'none', pso: 'none', armv8: 'ld' };
const WRITE: Row = { sc: 'none', tso: 'none', pso: 'st', armv8: 'st' };

/** The one table. Rows with equal meaning share a constant so they cannot drift apart. */
export const BARRIERS: Readonly<Record<BarrierName, Row>> = {
  mb: FULL, rmb: READ, wmb: WRITE,
  smp_mb: FULL, smp_rmb: READ, smp_wmb: WRITE,
  xen_mb: FULL, xen_rmb: READ, xen_wmb: WRITE,
  mfence: FULL,
  dmb_ish: FULL, dmb_sy: FULL,
  dmb_ishld: READ, dmb_ld: READ,
  dmb_ishst: WRITE, dmb_st: WRITE,
  dsb: FULL, dsb_st: FULL,
};

export function barrierKind(name: BarrierName, mm: MemoryModelName): BarrierKind {
  return BARRIERS[name][mm];
}

/** Emit barrier `name` as the generic fence it is under `mm` (or nothing). */
export function barrier(t: ThreadBuilder, mm: MemoryModelName, name: BarrierName, opts: InstrOptions = {}): void {
  const kind = barrierKind(name, mm);
  if (kind !== 'none') t.fence(kind, { note: opts.note ?? name });
}
