/**
 * p2m types with recalculation, and the p2m's ioreq-server binding, as x86 HAP/EPT has
 * them: xen-project/xen xen/arch/x86/mm/p2m.c (p2m_set_ioreq_server,
 * p2m_get_ioreq_server, p2m_change_entry_type_global, p2m_finish_type_change),
 * xen/arch/x86/mm/p2m-ept.c (ept_p2m_type_to_flags, resolve_misconfig,
 * ept_change_entry_type_global, ept_get_entry), xen/arch/x86/include/asm/p2m.h
 * (p2m_recalc_type).
 *
 *  - An EPT entry holds the p2m type and, after a global type change, a "recalculate"
 *    mark (Xen invalidates the EMT so that the next access takes an EPT misconfiguration
 *    exit). Type and mark live in the same 64-bit entry, which the hardware walker reads
 *    in one access: one location here.
 *  - Access rights are computed when the entry is written (ept_p2m_type_to_flags): a
 *    p2m_ioreq_server entry written while the server's flags include WRITE is
 *    write-protected. In these models the entry only ever leaves p2m_ioreq_server through
 *    a recalculation, so "write-protected" is "type is p2m_ioreq_server".
 *  - p2m_recalc_type: a marked entry of a changeable type is recomputed as p2m_ram_rw,
 *    except that p2m_ioreq_server stays while an ioreq server is still bound. Lookups
 *    (ept_get_entry) apply the recalculation to what they return; resolve_misconfig
 *    writes it back, under the p2m lock. Leaving p2m_ioreq_server decrements
 *    p2m->ioreq.entry_count.
 *  - p2m->ioreq.server and .flags are read and written under p2m->ioreq.lock.
 *  - p2m_change_entry_type_global takes the p2m lock, marks the entries, and flushes the
 *    TLBs (ept_sync_domain: IPIs to every CPU running the domain; TLBs are not modelled,
 *    so the walker always reads the entry, and the flush is a full barrier).
 */
import type { Loc, ModelBuilder, Reg, ThreadBuilder, ValueNames } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Term } from '../../checker/term.ts';
import { barrier } from './barriers.ts';
import { SPINLOCK_NAMES, spinLock, spinUnlock } from './spinlock.ts';

/** p2m_type_t values (asm/p2m.h) */
export const P2M_RAM_RW = 0;
export const P2M_IOREQ_SERVER = 15;
/** the recalculate mark, beside the type in one entry */
export const EPT_RECALC = 16;

export const EPT_ENTRY_NAMES: ValueNames = {
  [P2M_RAM_RW]: 'ram_rw', [P2M_IOREQ_SERVER]: 'ioreq_server',
  [P2M_RAM_RW + EPT_RECALC]: 'ram_rw+recalc', [P2M_IOREQ_SERVER + EPT_RECALC]: 'ioreq_server+recalc',
};
export const P2M_TYPE_NAMES: ValueNames = { [P2M_RAM_RW]: 'p2m_ram_rw', [P2M_IOREQ_SERVER]: 'p2m_ioreq_server' };

/** The ioreq server bound to p2m_ioreq_server: none, or the one server the models have. */
export const IOREQ_SERVER_NULL = 0;
export const IOREQ_SERVER_S = 1;
export const IOREQ_SERVER_NAMES: ValueNames = { [IOREQ_SERVER_NULL]: 'NULL', [IOREQ_SERVER_S]: 'S' };
/** XEN_DMOP_IOREQ_MEM_ACCESS_WRITE */
export const IOREQ_MEM_ACCESS_WRITE = 1;

export const entryType = (e: Term): Term => e.mod(EPT_RECALC);
export const entryMarked = (e: Term): Term => e.ge(EPT_RECALC);
/** the EPT permits no write: a p2m_ioreq_server entry computed while the server claimed writes */
export const entryWriteProtected = (e: Term): Term => entryType(e).eq(P2M_IOREQ_SERVER);

export interface P2m {
  /** the EPT entry of the one guest frame g the models follow */
  readonly entry: Loc;
  /** the p2m lock (also what get_gfn/put_gfn take for a frame) */
  readonly lock: Loc;
  readonly ioreq: {
    readonly lock: Loc;
    readonly server: Loc;
    readonly flags: Loc;
    readonly entryCount: Loc;
  };
}

/** A p2m whose frame g has type p2m_ioreq_server, bound to server S for writes. */
export function declareP2m(m: ModelBuilder): P2m {
  return {
    entry: m.shared('ept[g]', P2M_IOREQ_SERVER, { values: EPT_ENTRY_NAMES }),
    lock: m.shared('p2m.lock', 0, { values: SPINLOCK_NAMES }),
    ioreq: {
      lock: m.shared('p2m.ioreq.lock', 0, { values: SPINLOCK_NAMES }),
      server: m.shared('p2m.ioreq.server', IOREQ_SERVER_S, { values: IOREQ_SERVER_NAMES }),
      flags: m.shared('p2m.ioreq.flags', IOREQ_MEM_ACCESS_WRITE),
      entryCount: m.shared('p2m.ioreq.entry_count', 1),
    },
  };
}

export interface LookupRegs {
  readonly entry: Reg;
  readonly server: Reg;
  /** receives the type */
  readonly type: Reg;
}

/**
 * A type lookup (ept_get_entry, as get_gfn_type_access and get_gfn_query_unlocked make
 * it): read the entry and apply p2m_recalc_type to a marked one, which reads the bound
 * server without its lock.
 */
export function p2mLookupType(t: ThreadBuilder, p2m: P2m, regs: LookupRegs, note: string): void {
  t.load(regs.entry, p2m.entry, { note });
  t.assign(regs.type, entryType(regs.entry));
  t.if(entryMarked(regs.entry).and(regs.type.eq(P2M_IOREQ_SERVER)), () => {
    t.load(regs.server, p2m.ioreq.server, { note: 'p2m_recalc_type: is an ioreq server still bound?' });
    t.if(regs.server.eq(IOREQ_SERVER_NULL), () => t.assign(regs.type, P2M_RAM_RW));
    t.assign(regs.server, 0);
  });
  t.assign(regs.entry, 0);
}

/**
 * resolve_misconfig (ept_handle_misconfig), on the EPT misconfiguration exit of a marked
 * entry: under the p2m lock, write back the recalculated type and clear the mark.
 * `old` is scratch for the lock.
 */
export function p2mResolveMisconfig(t: ThreadBuilder, mm: MemoryModelName, p2m: P2m, regs: LookupRegs, old: Reg): void {
  spinLock(t, mm, p2m.lock, old, 'p2m lock');
  t.load(regs.entry, p2m.entry, { note: 'resolve_misconfig: read the entry' });
  t.if(entryMarked(regs.entry), () => {
    t.assign(regs.type, entryType(regs.entry));
    t.if(regs.type.eq(P2M_IOREQ_SERVER), () => {
      t.load(regs.server, p2m.ioreq.server, { note: 'p2m_recalc_type: is an ioreq server still bound?' });
      t.if(regs.server.eq(IOREQ_SERVER_NULL), () => t.assign(regs.type, P2M_RAM_RW));
    });
    t.store(p2m.entry, regs.type, { note: 'resolve_misconfig: write back the recalculated type, mark cleared' });
    t.if(regs.type.ne(entryType(regs.entry)), () => {
      t.fetchAdd(null, p2m.ioreq.entryCount, -1, { note: 'p2m_entry_modify: leaving p2m_ioreq_server, entry_count--' });
    });
  });
  spinUnlock(t, mm, p2m.lock, 'p2m lock');
  t.assign(regs.entry, 0);
  t.assign(regs.type, 0);
  t.assign(regs.server, 0);
}

/** p2m_change_entry_type_global(d, p2m_ioreq_server, p2m_ram_rw): mark the entries for recalculation, flush. */
export function p2mChangeEntryTypeGlobal(t: ThreadBuilder, mm: MemoryModelName, p2m: P2m, e: Reg, old: Reg): void {
  spinLock(t, mm, p2m.lock, old, 'p2m lock');
  t.load(e, p2m.entry, { note: 'p2m_change_entry_type_global(ioreq_server → ram_rw): read the entry' });
  t.if(entryMarked(e).not(), () => {
    t.store(p2m.entry, e.add(EPT_RECALC), { note: 'ept_change_entry_type_global: mark it for recalculation' });
  });
  spinUnlock(t, mm, p2m.lock, 'p2m lock');
  barrier(t, mm, 'smp_mb', { note: 'ept_sync_domain: flush the TLBs of every CPU running the domain' });
  t.assign(e, 0);
}

/**
 * p2m_finish_type_change(d, gfn range, p2m_ioreq_server, p2m_ram_rw): the synchronous
 * sweep (with continuations) that resets the entries still of the old type.
 */
export function p2mFinishTypeChange(t: ThreadBuilder, mm: MemoryModelName, p2m: P2m, regs: LookupRegs, old: Reg): void {
  spinLock(t, mm, p2m.lock, old, 'p2m lock');
  p2mLookupType(t, p2m, regs, 'p2m_finish_type_change: look up the frame');
  t.if(regs.type.eq(P2M_RAM_RW), () => {
    t.load(regs.entry, p2m.entry, { note: 'p2m_finish_type_change: read the entry' });
    t.if(regs.entry.ne(P2M_RAM_RW), () => {
      t.store(p2m.entry, P2M_RAM_RW, { note: 'p2m_finish_type_change: reset it to p2m_ram_rw' });
      t.if(entryType(regs.entry).eq(P2M_IOREQ_SERVER), () => {
        t.fetchAdd(null, p2m.ioreq.entryCount, -1, { note: 'p2m_entry_modify: leaving p2m_ioreq_server, entry_count--' });
      });
    });
  });
  spinUnlock(t, mm, p2m.lock, 'p2m lock');
  t.assign(regs.entry, 0);
  t.assign(regs.type, 0);
}

/** p2m_get_ioreq_server: server and flags, under p2m->ioreq.lock. */
export function p2mGetIoreqServer(t: ThreadBuilder, p2m: P2m, server: Reg, flags: Reg): void {
  t.atomic(() => {
    t.load(server, p2m.ioreq.server);
    t.load(flags, p2m.ioreq.flags);
  }, { note: 'p2m_get_ioreq_server: read the server and flags under p2m->ioreq.lock' });
}

/**
 * p2m_set_ioreq_server(d, 0, s), the unmap, as hvm_map_mem_type_to_ioreq_server calls it:
 * under the ioreq-server lock and p2m->ioreq.lock, unbind the server and clear the
 * flags. `also` adds what the caller's model tracks in the same critical section.
 */
export function p2mUnbindIoreqServer(t: ThreadBuilder, p2m: P2m, also: () => void = () => {}): void {
  t.atomic(() => {
    t.store(p2m.ioreq.server, IOREQ_SERVER_NULL);
    t.store(p2m.ioreq.flags, 0);
    also();
  }, { note: 'p2m_set_ioreq_server(flags = 0): under the ioreq-server lock and p2m->ioreq.lock, server := NULL, flags := 0' });
}
