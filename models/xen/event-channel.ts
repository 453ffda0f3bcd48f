/**
 * Event channels, 2-level ABI (xen-project/xen xen/common/event_2l.c,
 * xen/common/event_channel.c), as protocols.md §0 describes them:
 *  - each port has a pending bit P; sending test-and-sets P, so notifications coalesce;
 *  - the consumer clears P; a latched P is never lost (unmasking re-checks it, which is
 *    why masks are not modelled: an unmask that re-raises a latched P is equivalent to
 *    the consumer finding P set later);
 *  - both send paths run fully ordered RMWs, so a notify is a full fence on the
 *    notifier's CPU; that fence synchronises only with a consumer that reads the shared
 *    variable after observing the event, and models let consumers also poll.
 *  - when Xen is the receiving end (the device model notifying an ioreq port), "send"
 *    calls the notification function instead: test_and_clear_bit(_VPF_blocked_in_xen)
 *    on the vCPU and a wake-up if it was set (default_xen_notification_fn).
 */
import type { InstrOptions, LocRef, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { fullyOrdered, testAndClearBit } from './bitops.ts';

/** notify_via_xen_event_channel / evtchn_send to a guest-bound port: set P, fully ordered. */
export function notify(t: ThreadBuilder, mm: MemoryModelName, pending: LocRef, opts: InstrOptions = {}): void {
  fullyOrdered(t, mm, () => t.setBit(pending, 0, { note: opts.note ?? `notify: set pending ${pending.name}` }));
}

/**
 * The consumer learns that `pending` is set and clears it (the evtchn device hands the
 * port over with P cleared), blocking until it is set: an await on a fully ordered xchg.
 * `got` receives the old value (always 1 once taken).
 */
export function awaitEvent(t: ThreadBuilder, mm: MemoryModelName, got: Reg, pending: LocRef, opts: InstrOptions = {}): void {
  // The await is the consumer's blocking point, so it must come first (a select takes it
  // as the alternative's guard); only the trailing half of the full ordering is emitted.
  // The leading half would order the consumer's earlier accesses before clearing P, which
  // no protocol here relies on: a consumer's previous round ends with its own notify, a
  // full fence already.
  t.awaitRmw('xchg', got, pending, 0, got.eq(1), { note: opts.note ?? `take event ${pending.name}` });
  if (mm === 'pso' || mm === 'armv8') t.fence('full', { note: 'atomic: trailing barrier' });
}

/**
 * The device model's notify on an ioreq port whose far end is Xen: Xen's notification
 * function does test_and_clear_bit(_VPF_blocked_in_xen) and wakes the vCPU if the flag
 * was set. Waking is the clearing itself: a descheduled vCPU runs again once its
 * blocked flag is clear. `woke` receives whether it was set.
 */
export function notifyXen(t: ThreadBuilder, mm: MemoryModelName, woke: Reg, blocked: LocRef, opts: InstrOptions = {}): void {
  testAndClearBit(t, mm, woke, blocked, 0, { note: opts.note ?? `notify Xen: test_and_clear_bit(_VPF_blocked_in_xen) and wake` });
}

/**
 * A consumer that sleeps until `pending` is set without taking it: the port stays pending
 * until the consumer clears it with `clearEvent`, wherever its code does that (before
 * scanning the shared state, or, wrongly, after: protocols.md B-B1). `got` receives P.
 */
export function waitForEvent(t: ThreadBuilder, got: Reg, pending: LocRef, opts: InstrOptions = {}): void {
  t.await(got, pending, got.eq(1), { note: opts.note ?? `wait for event ${pending.name}` });
}

/** The consumer clears P with a fully ordered RMW (test_and_clear_bit). */
export function clearEvent(t: ThreadBuilder, mm: MemoryModelName, pending: LocRef, opts: InstrOptions = {}): void {
  testAndClearBit(t, mm, null, pending, 0, { note: opts.note ?? `clear pending ${pending.name}` });
}
