/**
 * The Linux kernel's memory-model primitives, per memory model, as the kernel implements
 * them on each architecture: what `READ_ONCE`, `smp_store_release`, `xchg`, `spin_lock`
 * ... compile to. The litmus front end's Linux-kernel C tests use it (the LKMM is weaker
 * than every architecture the kernel runs on, so a test the LKMM forbids must stay
 * forbidden under each mapping), and so can models of code that runs in a Linux domain.
 *
 * The barrier names are not repeated here: `smp_mb`, `smp_rmb` and `smp_wmb` come from
 * the one barrier table, barriers.ts. The rest, from the kernel sources:
 *
 * - tso (x86): arch/x86/include/asm/barrier.h — `__smp_store_release` is `barrier();
 *   WRITE_ONCE()` and `__smp_load_acquire` is `READ_ONCE(); barrier()` (plain MOVs: TSO
 *   gives release and acquire); `smp_mb__before_atomic`/`after_atomic` are `barrier()`,
 *   since every atomic is LOCK-prefixed. arch/x86/include/asm/cmpxchg.h — `xchg` is XCHG,
 *   `cmpxchg` is LOCK CMPXCHG (both full barriers), whatever the _relaxed/_acquire/_release
 *   suffix; atomic.h — `atomic_add` and friends are LOCK ADD. Spin locks are qspinlocks:
 *   the lock is `atomic_try_cmpxchg_acquire(&lock->val, 0, 1)` (LOCK CMPXCHG), the unlock
 *   `smp_store_release(&lock->locked, 0)` (a plain MOV); `smp_mb__after_spinlock` is the
 *   generic no-op (include/linux/spinlock.h), the lock being a full barrier already.
 * - armv8 (arm64): arch/arm64/include/asm/barrier.h — `smp_store_release` is STLR,
 *   `smp_load_acquire` is LDAR; `smp_mb__before_atomic`/`after_atomic` fall back to
 *   asm-generic's `smp_mb()` (DMB ISH). cmpxchg.h and atomic_lse.h — with the LSE atomics
 *   the kernel patches in on CPUs that have them: fully ordered `xchg`/`cmpxchg` are
 *   SWPAL/CASAL, the _acquire forms SWPA/CASA, _release SWPL/CASL, _relaxed SWP/CAS; void
 *   atomics (`atomic_add`) are STADD. (The LL/SC fallback instead ends a fully ordered
 *   RMW with DMB ISH.) Spin locks: qspinlock's CASA to lock, STLR to unlock;
 *   arch/arm64/include/asm/spinlock.h makes `smp_mb__after_spinlock` an `smp_mb()`.
 *   READ_ONCE is a plain LDR (without LTO; arch/arm64/include/asm/rwonce.h upgrades it to
 *   LDAR only under LTO), so address dependencies are the hardware's.
 * - pso: the kernel has no PSO port; this column is asm-generic/barrier.h's fallbacks
 *   (`__smp_store_release` is `smp_mb(); WRITE_ONCE()`, `__smp_load_acquire` is
 *   `READ_ONCE(); smp_mb()`, a fully ordered RMW is `smp_mb__before_atomic(); relaxed op;
 *   smp_mb__after_atomic()`) over the barrier table's PSO column.
 * - sc: nothing is reordered, so every primitive is its plain access.
 *
 * RCU read-side sections compile to nothing in a non-preemptible kernel (`preempt_disable`
 * is `barrier()`); `rcu_dereference` is READ_ONCE and `rcu_assign_pointer` is
 * `smp_store_release`. A grace period (`synchronize_rcu`) is not one instruction and is
 * not modelled.
 */
import type { FenceKind, LoadOrder, RmwOrder, StoreOrder } from '../../checker/ir.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { barrierKind, type BarrierName } from './barriers.ts';

/** An access with the fences the primitive puts around it (null: none). */
export interface Access<O> {
  readonly order: O;
  readonly before: FenceKind | null;
  readonly after: FenceKind | null;
}

/** How strongly a Linux RMW is ordered: `xchg` is full, `xchg_relaxed` relaxed, ... */
export type RmwStrength = 'full' | 'relaxed' | 'acquire' | 'release';

type PerModel<T> = Readonly<Record<MemoryModelName, T>>;

const a = <O>(order: O, before: FenceKind | null = null, after: FenceKind | null = null): Access<O> => ({ order, before, after });

/** READ_ONCE, rcu_dereference, atomic_read, spin_is_locked */
export const ONCE_LOAD: PerModel<Access<LoadOrder>> = { sc: a('plain'), tso: a('plain'), pso: a('plain'), armv8: a('plain') };
/** WRITE_ONCE, atomic_set */
export const ONCE_STORE: PerModel<Access<StoreOrder>> = { sc: a('plain'), tso: a('plain'), pso: a('plain'), armv8: a('plain') };
/** smp_load_acquire, atomic_read_acquire */
export const LOAD_ACQUIRE: PerModel<Access<LoadOrder>> = { sc: a('plain'), tso: a('plain'), pso: a('plain', null, 'full'), armv8: a('acquire') };
/** smp_store_release, rcu_assign_pointer, atomic_set_release, spin_unlock */
export const STORE_RELEASE: PerModel<Access<StoreOrder>> = { sc: a('plain'), tso: a('plain'), pso: a('plain', 'full'), armv8: a('release') };

/** Value-returning RMWs (xchg, cmpxchg, atomic_*_return, atomic_fetch_*) by strength. */
export const RMW: Readonly<Record<RmwStrength, PerModel<Access<RmwOrder>>>> = {
  full: { sc: a('plain'), tso: a('acq_rel'), pso: a('plain', 'full', 'full'), armv8: a('acq_rel') },
  relaxed: { sc: a('plain'), tso: a('acq_rel'), pso: a('plain'), armv8: a('plain') },
  acquire: { sc: a('plain'), tso: a('acq_rel'), pso: a('plain', null, 'full'), armv8: a('acquire') },
  release: { sc: a('plain'), tso: a('acq_rel'), pso: a('plain', 'full'), armv8: a('release') },
};

/** Void atomics (atomic_add, atomic_inc, ...): unordered in the LKMM; LOCK ADD on x86, STADD on arm64. */
export const VOID_RMW: PerModel<Access<RmwOrder>> = { sc: a('plain'), tso: a('acq_rel'), pso: a('plain'), armv8: a('plain') };

/** spin_lock (waits until the lock is free, then takes it) and spin_trylock (tries once). */
export const SPIN_LOCK: PerModel<Access<RmwOrder>> = RMW.acquire;

/** The barriers that are not in barriers.ts. */
export type KernelBarrier = 'smp_mb__before_atomic' | 'smp_mb__after_atomic' | 'smp_mb__after_spinlock';

const KERNEL_BARRIERS: Readonly<Record<KernelBarrier, PerModel<FenceKind | null>>> = {
  smp_mb__before_atomic: { sc: null, tso: null, pso: 'full', armv8: 'full' },
  smp_mb__after_atomic: { sc: null, tso: null, pso: 'full', armv8: 'full' },
  smp_mb__after_spinlock: { sc: null, tso: null, pso: 'full', armv8: 'full' },
};

/** A kernel barrier name → the fence it is under `mm`, or null when it compiles to nothing. */
export function kernelBarrier(name: 'smp_mb' | 'smp_rmb' | 'smp_wmb' | KernelBarrier, mm: MemoryModelName): FenceKind | null {
  if (name === 'smp_mb' || name === 'smp_rmb' || name === 'smp_wmb') {
    const k = barrierKind(name satisfies BarrierName, mm);
    return k === 'none' ? null : k;
  }
  return KERNEL_BARRIERS[name][mm];
}
