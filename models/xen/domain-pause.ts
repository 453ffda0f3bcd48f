/**
 * Pausing a domain and the vCPU side of it: xen-project/xen xen/common/domain.c
 * (domain_pause, domain_unpause) and xen/common/sched/core.c (vcpu_sleep_nosync,
 * vcpu_sleep_sync, context_saved, vcpu_wake), as protocols.md §5 (E.2) uses them.
 *
 *  - domain_pause: atomic_inc(&d->pause_count), then for each vCPU vcpu_sleep_sync:
 *    vcpu_sleep_nosync (the vCPU is no longer runnable; its pCPU gets SCHEDULE_SOFTIRQ,
 *    an IPI that forces it out of guest mode), then spin while it is still running
 *    (`while ( v->is_running ) cpu_relax()`), smp_rmb, and sync its state. This is a
 *    blocking point: domain_pause returns only once every vCPU has left the CPU.
 *  - A vCPU leaves the CPU only at a scheduling point, the softirq check on the way back
 *    to the guest: Xen runs no softirq in the middle of a trap handler. There the
 *    scheduler sees it is not runnable and switches it out; context_saved clears
 *    is_running after the state is saved (smp_wmb; is_running = 0).
 *  - domain_unpause: atomic_dec_and_test(&d->pause_count); at zero, vcpu_wake makes each
 *    vCPU runnable again. A descheduled vCPU is modelled as waiting for the count to
 *    drop to zero, then running again.
 *
 * The atomics are fully ordered RMWs (locked on x86, barriers around them on Arm).
 */
import type { Loc, LocArray, ModelBuilder, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { barrier } from './barriers.ts';
import { fullyOrdered } from './bitops.ts';

export interface DomainPause {
  readonly pauseCount: Loc;
  /** v->is_running per vCPU; every vCPU starts on a CPU */
  readonly isRunning: LocArray;
}

export function declareDomainPause(m: ModelBuilder, vcpus: number): DomainPause {
  return {
    pauseCount: m.shared('d.pause_count', 0),
    isRunning: m.array('v.is_running', vcpus, 1),
  };
}

/** domain_pause(d), from another domain's hypercall. `r` is scratch. */
export function domainPause(t: ThreadBuilder, mm: MemoryModelName, dp: DomainPause, r: Reg): void {
  fullyOrdered(t, mm, () => t.fetchAdd(null, dp.pauseCount, 1, { note: 'domain_pause: atomic_inc(&d->pause_count)' }));
  for (let v = 0; v < dp.isRunning.size; v++) {
    t.await(r, dp.isRunning.at(v), r.eq(0), { note: `domain_pause: vcpu_sleep_sync(vCPU${v}): spin while it is running` });
    barrier(t, mm, 'smp_rmb', { note: 'vcpu_sleep_sync: smp_rmb, then sync its state' });
  }
  t.assign(r, 0);
}

/** domain_unpause(d): the last unpause wakes the vCPUs. */
export function domainUnpause(t: ThreadBuilder, mm: MemoryModelName, dp: DomainPause): void {
  fullyOrdered(t, mm, () => t.fetchAdd(null, dp.pauseCount, -1, { note: 'domain_unpause: atomic_dec_and_test(&d->pause_count), vcpu_wake at zero' }));
}

/**
 * vCPU `v`'s scheduling point on its way back to the guest: if the domain is paused, the
 * scheduler switches it out until it is woken. `r` is scratch.
 */
export function vcpuSchedulingPoint(t: ThreadBuilder, mm: MemoryModelName, dp: DomainPause, v: number, r: Reg): void {
  t.load(r, dp.pauseCount, { note: 'softirq on the way to the guest: is the vCPU still runnable (pause_count)?' });
  t.if(r.ne(0), () => descheduled(t, mm, dp, v, r));
  t.assign(r, 0);
}

/**
 * The SCHEDULE_SOFTIRQ IPI of vcpu_sleep_nosync, taken while the vCPU runs guest code:
 * a VM exit that brings it to its scheduling point before its next guest instruction.
 * It is the first step of an alternative (a `select` branch) against that instruction.
 */
export function pauseKick(t: ThreadBuilder, dp: DomainPause, r: Reg): void {
  t.await(r, dp.pauseCount, r.ne(0), { note: 'SCHEDULE_SOFTIRQ IPI from vcpu_sleep_nosync: VM exit' });
  t.assign(r, 0);
}

function descheduled(t: ThreadBuilder, mm: MemoryModelName, dp: DomainPause, v: number, r: Reg): void {
  barrier(t, mm, 'smp_wmb', { note: 'context_saved: smp_wmb (state saved before is_running is cleared)' });
  t.store(dp.isRunning.at(v), 0, { note: 'context_saved: is_running = 0' });
  t.await(r, dp.pauseCount, r.eq(0), { note: 'descheduled until vcpu_wake (pause_count back to 0)' });
  t.store(dp.isRunning.at(v), 1, { note: 'scheduled in again: is_running = 1' });
}
