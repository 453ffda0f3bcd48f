/**
 * Xen's spinlocks (xen-project/xen xen/common/spinlock.c, with the barriers of
 * xen/arch/{x86,arm}/include/asm/spinlock.h), as the ioreq models use them (the buffered
 * ring's `bufioreq_lock`):
 *
 *  - acquire: the ticket is taken with a locked fetch-and-add, then the CPU spins until the
 *    head reaches it; then arch_lock_acquire_barrier(): smp_mb() on Arm, a compiler barrier
 *    on x86, where the locked add is a full fence already;
 *  - release: arch_lock_release_barrier() (smp_mb() on Arm, a compiler barrier on x86: TSO
 *    never lets the releasing store pass the critical section's accesses), then the head is
 *    advanced by a plain store.
 *
 * A test-and-set lock stands for the ticket lock: which waiter enters next (the tickets'
 * fairness) decides nothing a safety property here looks at. PSO follows Arm, as
 * models/xen/bitops.ts does for value-returning atomics.
 */
import type { LocRef, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';

const lockBarrier = (mm: MemoryModelName): boolean => mm === 'pso' || mm === 'armv8';

/** spin_lock: wait until the lock is free and take it (`got` holds the old value, 0). */
export function spinLock(t: ThreadBuilder, mm: MemoryModelName, lock: LocRef, got: Reg, name: string): void {
  t.awaitRmw('xchg', got, lock, 1, got.eq(0), { note: `spin_lock(&${name})` });
  if (lockBarrier(mm)) t.fence('full', { note: 'arch_lock_acquire_barrier: smp_mb' });
  t.assign(got, 0);
}

/** spin_unlock: release barrier, then the store that frees the lock. */
export function spinUnlock(t: ThreadBuilder, mm: MemoryModelName, lock: LocRef, name: string): void {
  if (lockBarrier(mm)) t.fence('full', { note: 'arch_lock_release_barrier: smp_mb' });
  t.store(lock, 0, { note: `spin_unlock(&${name})` });
}
