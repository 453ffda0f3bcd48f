/**
 * Xen's wait primitives (xen-project/xen xen/include/xen/event.h), as protocols.md §0
 * gives them:
 *
 * prepare_wait_on_xen_event_channel(port):
 *   1. set_bit(_VPF_blocked_in_xen); 2. raise the schedule softirq; 3. smp_mb.
 *   The caller then publishes; the vCPU is descheduled at the next softirq point unless
 *   it has been woken (its flag cleared) in the meantime.
 *
 * wait_on_xen_event_channel(port, cond):
 *   1. if cond, return; 2. set_bit(_VPF_blocked_in_xen); 3. smp_mb;
 *   4. if cond, clear the flag and return; 5. run the scheduler, which blocks the vCPU.
 *
 * A descheduled vCPU is modelled as an await on its blocked flag being clear: the waker
 * (notifyXen) clears it. Variants that break the primitive (protocols.md A-B5: the flag
 * written by a plain store and no smp_mb) are options here, so the broken code is the
 * same code with one line changed, as in the history it models.
 */
import type { LocRef, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Term } from '../../checker/term.ts';
import { barrier } from './barriers.ts';
import { clearBit, setBit } from './bitops.ts';

export interface WaitBugs {
  /** write the blocked flag with a plain store instead of set_bit (protocols.md A-B5) */
  readonly plainStore?: boolean;
  /** drop the smp_mb between setting the flag and re-checking (A-B4 in prepare_wait, A-B5 in wait) */
  readonly noMb?: boolean;
}

/** prepare_wait_on_xen_event_channel: set the blocked flag, then smp_mb (the implicit barrier before publishing). */
export function prepareWaitOnXenEventChannel(t: ThreadBuilder, mm: MemoryModelName, blocked: LocRef, bugs: WaitBugs = {}): void {
  setBlocked(t, mm, blocked, bugs, 'prepare_wait_on_xen_event_channel: set _VPF_blocked_in_xen');
  if (!bugs.noMb) barrier(t, mm, 'smp_mb', { note: 'prepare_wait_on_xen_event_channel: smp_mb' });
}

/**
 * What a model that tracks which vCPU a pCPU runs does when this vCPU is descheduled and
 * when it runs again (ghost updates, local code): models where another vCPU may only run on
 * the pCPU while this one is descheduled (protocols.md C-B2) need to know.
 */
export interface SchedHooks {
  /** runs with the step that decides to deschedule */
  readonly descheduled: () => void;
  /** runs with the step that wakes the vCPU and runs it again */
  readonly resumed: () => void;
}

/**
 * Deschedule the vCPU until it is woken: block until its blocked flag is clear.
 * `label` names the point, so properties can speak of a vCPU asleep there.
 */
export function blockUntilWoken(t: ThreadBuilder, blocked: LocRef, flag: Reg, label: string, note: string, sched?: SchedHooks): void {
  sched?.descheduled();
  t.label(label);
  t.await(flag, blocked, flag.eq(0), { note });
  sched?.resumed();
}

export interface WaitOptions extends WaitBugs {
  readonly blocked: LocRef;
  /** a register for the flag value read while descheduled */
  readonly flag: Reg;
  /** emits the loads of the condition and returns it; called for each evaluation */
  readonly cond: () => Term;
  /** label of the point where the vCPU is descheduled */
  readonly sleepLabel: string;
  /** label to continue at once the wait returns */
  readonly doneLabel: string;
  readonly sched?: SchedHooks;
}

/** wait_on_xen_event_channel(port, cond); continues at `doneLabel`. */
export function waitOnXenEventChannel(t: ThreadBuilder, mm: MemoryModelName, o: WaitOptions): void {
  t.if(o.cond(), () => t.goto(o.doneLabel));
  setBlocked(t, mm, o.blocked, o, 'wait_on_xen_event_channel: set _VPF_blocked_in_xen');
  if (!o.noMb) barrier(t, mm, 'smp_mb', { note: 'wait_on_xen_event_channel: smp_mb (set blocked, then re-check)' });
  t.if(o.cond(), () => {
    clearBit(t, mm, o.blocked, 0, { note: 'wait_on_xen_event_channel: condition now true, clear_bit(_VPF_blocked_in_xen)' });
    t.goto(o.doneLabel);
  });
  blockUntilWoken(t, o.blocked, o.flag, o.sleepLabel, 'schedule: vCPU blocked until woken', o.sched);
  t.goto(o.doneLabel);
}

function setBlocked(t: ThreadBuilder, mm: MemoryModelName, blocked: LocRef, bugs: WaitBugs, note: string): void {
  if (bugs.plainStore) t.store(blocked, 1, { note: `${note} (plain store)` });
  else setBit(t, mm, blocked, 0, { note });
}
