/**
 * Scenario E of ../shared/design/protocols.md (§5): unmapping an ioreq server from the
 * p2m type p2m_ioreq_server while a guest vCPU writes to a page of that type.
 *
 * Follows:
 *  - the v6 thread of "x86/ioreq server: Add HVMOP to map guest ram with p2m_ioreq_server
 *    to an ioreq server" (Sep 2016, ../shared/design/sources/004_0e88fc4fa042ceb7.txt):
 *    domain_pause/unpause around the unmap "to avoid the race condition when a vm exit
 *    happens on a write-protected page, just to find the ioreq server has been unmapped
 *    already", and patch 4 resetting the remaining p2m_ioreq_server entries;
 *  - xen-project/xen commit ca2b511d3f and today's code: xen/arch/x86/hvm/emulate.c
 *    (hvmemul_do_io: a p2m_ioreq_server page whose server is NULL is a race with the
 *    unmap, answered with X86EMUL_RETRY), xen/arch/x86/hvm/hvm.c
 *    (hvm_hap_nested_page_fault: get_gfn_type_access ... put_gfn around
 *    handle_mmio_with_translation), xen/arch/x86/hvm/dm.c and ioreq.c
 *    (hvm_map_mem_type_to_ioreq_server: p2m_set_ioreq_server, then
 *    p2m_change_entry_type_global if entry_count, then the p2m_finish_type_change sweep),
 *    xen/arch/x86/mm/p2m.c and p2m-ept.c (models/xen/p2m.ts);
 *  - xen-project/xen xen/common/domain.c and sched/core.c for domain_pause
 *    (models/xen/domain-pause.ts).
 *
 * Actors: DM, the device model's unmap hypercall, run by Xen on pCPU0; V, a guest vCPU on
 * pCPU1, which writes to frame g (of type p2m_ioreq_server, claimed by server S for
 * writes) and runs Xen's EPT exit handlers when the write traps. In v6 the emulation path
 * has no answer to a NULL server: hvmemul_do_io falls back to hvm_select_ioreq_server,
 * which finds no server for a RAM frame, and "just ignores accesses" (null_handler): the
 * write is dropped.
 *
 * The frame's p2m lock. protocols.md E.2 has hvmemul_do_io read the type "without a
 * lock", as the code does (get_gfn_query_unlocked); but hvm_hap_nested_page_fault holds
 * the frame's p2m lock from get_gfn_type_access to put_gfn, around
 * handle_mmio_with_translation, and p2m_change_entry_type_global takes that lock. The
 * model keeps it, and it matters: a lookup applies a pending recalculation
 * (ept_get_entry → p2m_recalc_type), so if the type change could land between the fault
 * and hvmemul_do_io's lookup, that lookup would see p2m_ram_rw, find no server, and drop
 * the write through null_handler: E2 would fail in the committed design (E-F2).
 *
 * Every access to the server is under a lock and domain_pause synchronises through
 * atomics and the scheduler, so every race here is an interleaving race (protocols.md E.4)
 * and the verdicts are the same under every memory model.
 */
import { defineModel, type BuildContext } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostRef, ModelBuilder, ThreadBuilder } from '../checker/builder.ts';
import { declareDomainPause, domainPause, domainUnpause, pauseKick, vcpuSchedulingPoint, type DomainPause } from './xen/domain-pause.ts';
import {
  IOREQ_SERVER_NAMES, IOREQ_SERVER_NULL, IOREQ_SERVER_S, P2M_IOREQ_SERVER, P2M_TYPE_NAMES, declareP2m, entryMarked,
  entryWriteProtected, p2mChangeEntryTypeGlobal, p2mFinishTypeChange, p2mGetIoreqServer, p2mLookupType,
  p2mResolveMisconfig, p2mUnbindIoreqServer, EPT_ENTRY_NAMES, type P2m,
} from './xen/p2m.ts';
import { spinLock, spinUnlock } from './xen/spinlock.ts';

const PROPERTIES = ['E1', 'E2', 'E3'];

/** Committed code (E-F2, and E-B4 which lacks its type reset): a NULL server means RETRY. */
const retries = (variant: string): boolean => variant === 'E-F2' || variant === 'E-B4';

interface Ghosts {
  /** the server bound to p2m_ioreq_server (the ownership E2 speaks of) */
  readonly owner: GhostRef;
  /** the unmap has happened */
  readonly unmapped: GhostRef;
  /** a handler of V's has seen type == p2m_ioreq_server, then server == NULL (E1) */
  readonly sawNullServer: GhostRef;
}

export default defineModel({
  name: 'p2m-ioreq-unmap',
  title: 'unmapping an ioreq server from p2m_ioreq_server while a vCPU writes (protocols.md §5, scenario E)',
  sources: [
    'xen-devel v6 "x86/ioreq server: Add HVMOP to map guest ram with p2m_ioreq_server to an ioreq server" (shared/design/sources/004_0e88fc4fa042ceb7.txt)',
    'xen-project/xen commit ca2b511d3f',
    'xen-project/xen xen/arch/x86/hvm/emulate.c (hvmemul_do_io)',
    'xen-project/xen xen/arch/x86/hvm/hvm.c (hvm_hap_nested_page_fault)',
    'xen-project/xen xen/arch/x86/hvm/dm.c, xen/arch/x86/hvm/ioreq.c (hvm_map_mem_type_to_ioreq_server)',
    'xen-project/xen xen/arch/x86/mm/p2m.c, p2m-ept.c (p2m_set_ioreq_server, p2m_change_entry_type_global, resolve_misconfig)',
    'xen-project/xen xen/common/domain.c, xen/common/sched/core.c (domain_pause, vcpu_sleep_sync)',
  ],
  params: {
    writes: { kind: 'int', default: 1, min: 1, max: 3, description: 'guest writes V makes to frame g, one after another' },
  },
  variants: [
    { id: 'E-F1', title: 'v6: domain_pause covers the unmap and the type reset' },
    { id: 'E-F2', title: 'committed (ca2b511d3f): no pause; a NULL server for a p2m_ioreq_server page is answered with RETRY; entries reset afterwards' },
    { id: 'E-B1', title: 'no pause and no NULL handling' },
    { id: 'E-B2', title: 'v6 with the pause taken only after server := NULL' },
    { id: 'E-B3', title: 'v6 with the unpause before the entries are marked for recalculation' },
    { id: 'E-B4', title: 'RETRY design, but the type reset is never performed' },
  ],
  properties: [
    { id: 'E1', title: 'no Xen handler acting for V observes type == p2m_ioreq_server together with server == NULL' },
    { id: 'E2', title: 'every guest write to g is forwarded to a server that owned the type when it was checked, or performed as a RAM write after the unmap; never dropped, never crashing the domain' },
    { id: 'E3', title: 'V\'s write eventually completes', needs: 'liveness' },
  ],
  // protocols.md §6, rows "E p2m"; verdicts.tsv gives the same cells (test/models/p2m-ioreq-unmap.test.ts compares them).
  // E-F2's E1 is violated by design: the race is reachable and answered with RETRY.
  expected: expectationTable(PROPERTIES, {
    'E-F1': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'E-F2': {
      sc: { E1: 'violated', E2: 'holds', E3: 'holds' }, tso: { E1: 'violated', E2: 'holds', E3: 'holds' },
      pso: { E1: 'violated', E2: 'holds', E3: 'holds' }, armv8: { E1: 'violated', E2: 'holds', E3: 'holds' },
    },
    'E-B1': { sc: 'V:E1,E2', tso: 'V:E1,E2', pso: 'V:E1,E2', armv8: 'V:E1,E2' },
    'E-B2': { sc: 'V:E1,E2', tso: 'V:E1,E2', pso: 'V:E1,E2', armv8: 'V:E1,E2' },
    'E-B3': { sc: 'V:E1,E2', tso: 'V:E1,E2', pso: 'V:E1,E2', armv8: 'V:E1,E2' },
    'E-B4': { sc: 'V:E3', tso: 'V:E3', pso: 'V:E3', armv8: 'V:E3' },
  }),
  build(m, ctx) {
    const p2m = declareP2m(m);
    const dp = declareDomainPause(m, 1);
    const ghosts: Ghosts = {
      owner: m.ghost('E.owner', IOREQ_SERVER_S, { values: IOREQ_SERVER_NAMES }),
      unmapped: m.ghost('E.unmapped', 0),
      sawNullServer: m.ghost('E.saw_null_server', 0),
    };
    // E1 as an observation in V's history rather than an assertion, so that the search
    // goes on past it and finds what the handler then does with the NULL server (E2).
    m.invariant('E1', ghosts.sawNullServer.eq(0));
    deviceModel(m, ctx, p2m, dp, ghosts);
    const v = guestVcpu(m, ctx, p2m, dp, ghosts);
    // E3 (progress): on every fair run V's writes complete and it is back in guest code.
    // In E-B4 the RETRY loop never ends: a livelock, found as a fair cycle.
    m.eventually('E3', m.at(v, 'guest'));
  },
});

/** The DM's unmap: HVMOP/DMOP map_mem_type_to_ioreq_server(S, p2m_ioreq_server, flags = 0). */
function deviceModel(m: ModelBuilder, ctx: BuildContext, p2m: P2m, dp: DomainPause, g: Ghosts): ThreadBuilder {
  const { mm, variant } = ctx;
  return m.thread('DM', { actor: 'device model (unmap hypercall on pCPU0)' }, (t) => {
    const r = t.reg('r', 0);
    const old = t.reg('lock_old', 0);
    const e = t.reg('entry', 0, { values: EPT_ENTRY_NAMES });
    const srv = t.reg('server', 0, { values: IOREQ_SERVER_NAMES });
    const type = t.reg('type', 0, { values: P2M_TYPE_NAMES });
    const unmap = (): void => p2mUnbindIoreqServer(t, p2m, () => {
      t.setGhost(g.owner, IOREQ_SERVER_NULL);
      t.setGhost(g.unmapped, 1);
    });
    const resetTypes = (): void => p2mChangeEntryTypeGlobal(t, mm, p2m, e, old);
    const pause = (): void => domainPause(t, mm, dp, r);
    const unpause = (): void => domainUnpause(t, mm, dp);
    switch (variant) {
      case 'E-F1': pause(); unmap(); resetTypes(); unpause(); break;
      case 'E-B1': unmap(); resetTypes(); break;
      case 'E-B2': unmap(); pause(); resetTypes(); unpause(); break;
      case 'E-B3': pause(); unmap(); unpause(); resetTypes(); break;
      case 'E-F2':
        unmap();
        t.load(r, p2m.ioreq.entryCount, { note: 'read_atomic(&p2m->ioreq.entry_count)' });
        t.if(r.ne(0), () => {
          resetTypes();
          p2mFinishTypeChange(t, mm, p2m, { entry: e, server: srv, type }, old);
        });
        t.assign(r, 0);
        break;
      case 'E-B4': unmap(); break;
      default: throw new Error(`unknown variant ${variant}`);
    }
  });
}

/** V: `writes` guest writes to g, each retried until it completes; then guest code forever. */
function guestVcpu(m: ModelBuilder, ctx: BuildContext, p2m: P2m, dp: DomainPause, g: Ghosts): ThreadBuilder {
  const { mm, variant } = ctx;
  const N = ctx.int('writes');
  return m.thread('V', { actor: 'V (vCPU on pCPU1: guest, and Xen\'s EPT exit handlers)' }, (t) => {
    const r = t.reg('r', 0);
    const old = t.reg('lock_old', 0);
    const e = t.reg('ept', 0, { values: EPT_ENTRY_NAMES });
    const lookup = { entry: t.reg('entry', 0, { values: EPT_ENTRY_NAMES }), server: t.reg('recalc_server', 0, { values: IOREQ_SERVER_NAMES }), type: t.reg('p2mt', 0, { values: P2M_TYPE_NAMES }) };
    const srv = t.reg('s', 0, { values: IOREQ_SERVER_NAMES });
    const flags = t.reg('flags', 0);
    const owner = t.reg('owner_when_checked', 0, { values: IOREQ_SERVER_NAMES });
    const clear = (): void => { for (const x of [e, lookup.entry, lookup.server, lookup.type, srv, flags, owner]) t.assign(x, 0); };

    for (let i = 0; i < N; i++) {
      const vmentry = `vmentry.${i}`;
      const done = `write.${i}.done`;
      const putGfnAndRetry = (note: string): void => {
        spinUnlock(t, mm, p2m.lock, `p2m lock: put_gfn (${note})`);
        clear();
        t.goto(vmentry);
      };
      t.label(vmentry);
      vcpuSchedulingPoint(t, mm, dp, 0, r);
      t.select(
        () => { pauseKick(t, dp, r); t.goto(vmentry); },
        () => {
          t.load(e, p2m.entry, { note: `guest write ${i} to g: the EPT walk` });
          t.if(entryMarked(e), () => {
            // EPT misconfiguration exit: recalculate, then the instruction runs again
            p2mResolveMisconfig(t, mm, p2m, lookup, old);
            clear();
            t.goto(vmentry);
          });
          t.if(entryWriteProtected(e).not(), () => {
            t.assert(g.unmapped.eq(1), 'E2', 'the write went to RAM while the server still owned the type');
            clear();
            t.goto(done);
          });
          // EPT violation: hvm_hap_nested_page_fault
          spinLock(t, mm, p2m.lock, old, 'p2m lock: get_gfn_type_access');
          p2mLookupType(t, p2m, lookup, 'hvm_hap_nested_page_fault: get_gfn_type_access(g)');
          t.if(lookup.type.ne(P2M_IOREQ_SERVER), () => putGfnAndRetry('spurious fault: the type changed, re-execute'));
          // handle_mmio_with_translation → hvmemul_do_io
          p2mLookupType(t, p2m, lookup, 'hvmemul_do_io: get_gfn_query_unlocked(g)');
          t.assign(owner, g.owner);
          t.if(lookup.type.eq(P2M_IOREQ_SERVER), () => {
            p2mGetIoreqServer(t, p2m, srv, flags);
            t.if(srv.eq(IOREQ_SERVER_NULL), () => t.setGhost(g.sawNullServer, 1));
            if (retries(variant)) {
              t.if(srv.eq(IOREQ_SERVER_NULL), () => putGfnAndRetry('s == NULL: a race with the unmap, X86EMUL_RETRY'));
            }
          });
          t.if(srv.eq(IOREQ_SERVER_NULL), () => {
            t.skip({ note: 'hvm_select_ioreq_server(d, &p): no server claims g (a RAM frame)' });
            t.assert(false, 'E2', 'the write was dropped: no ioreq server, hvmemul_do_io used null_handler');
          }, () => {
            t.assert(srv.eq(owner), 'E2', 'the write was forwarded to a server that did not own the type when it was checked');
          });
          spinUnlock(t, mm, p2m.lock, 'p2m lock: put_gfn (hvm_send_ioreq has sent the write to the server)');
          clear();
        },
      );
      t.label(done);
    }
    // Guest code forever: the vCPU can still be paused and woken.
    t.label('guest', { end: true });
    pauseKick(t, dp, r);
    vcpuSchedulingPoint(t, mm, dp, 0, r);
    t.goto('guest');
  });
}
