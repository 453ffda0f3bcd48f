/**
 * Xen's spin locks (xen-project/xen xen/common/spinlock.c, xen/arch/{x86,arm}/include/asm/
 * spinlock.h), for code whose critical section spans several steps or contains a wait,
 * so that an atomic block cannot stand for it (a lock held across its_send_command's
 * doorbell, or across the wait for a physical SYNC).
 *
 * Ordering, as the code gives it:
 *  - spin_lock takes a ticket with a fully ordered fetch-and-add and then waits for its
 *    turn, followed by arch_lock_acquire_barrier(): smp_mb on Arm, a compiler barrier on
 *    x86 (where the locked add is already a full fence). Tickets only add fairness; the
 *    mutual exclusion and ordering are those of a test-and-set lock whose successful
 *    exchange is fully ordered, which is what is modelled: a blocking exchange.
 *  - spin_unlock is arch_lock_release_barrier() (smp_mb on Arm, a compiler barrier on
 *    x86, sound because TSO keeps R→W and W→W) followed by a plain store.
 * PSO follows the Arm barriers (protocols.md §0: mb is a full barrier there).
 *
 * Liveness: the tickets make the lock fair (first come, first served), so a CPU waiting
 * for a lock that is released again and again gets it. That is strong fairness of the
 * acquire step (checker/liveness/fairness.ts), declared with a label of its own; weak
 * fairness would not do, since the waiter is enabled only while the lock is free, and a
 * livelock check would report a CPU starved by another that re-takes the lock each time
 * round, which tickets rule out.
 */
import type { Loc, LocRef, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { fullyOrdered } from './bitops.ts';

export const SPIN_UNLOCKED = 0;
export const SPIN_LOCKED = 1;
export const SPINLOCK_NAMES: Readonly<Record<number, string>> = { [SPIN_UNLOCKED]: 'unlocked', [SPIN_LOCKED]: 'locked' };

/** Whether the Arm barriers around the lock word are instructions of their own under `mm`. */
const armBarriers = (mm: MemoryModelName): boolean => mm === 'pso' || mm === 'armv8';

/** spin_lock(lock): wait until the lock is free and take it, fully ordered. `old` is scratch. */
export function spinLock(t: ThreadBuilder, mm: MemoryModelName, lock: LocRef | Loc, old: Reg, name: string): void {
  fullyOrdered(t, mm, () => {
    t.label(`spin_lock(${name})@${t.code.length}`, { fairness: 'strong' });
    t.awaitRmw('xchg', old, lock, SPIN_LOCKED, old.eq(SPIN_UNLOCKED), { note: `spin_lock(${name})` });
  });
  t.assign(old, 0);
}

/** spin_unlock(lock): the release barrier, then a plain store. */
export function spinUnlock(t: ThreadBuilder, mm: MemoryModelName, lock: LocRef | Loc, name: string): void {
  if (armBarriers(mm)) t.fence('full', { note: `spin_unlock(${name}): arch_lock_release_barrier (smp_mb)` });
  t.store(lock, SPIN_UNLOCKED, { note: `spin_unlock(${name})` });
}
