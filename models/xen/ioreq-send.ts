/**
 * Xen's half of the synchronous ioreq handshake, written once for every model of the ioreq
 * family (protocols.md §A.2, "X, send" and "X, completion" steps 1–2):
 *
 *  - ioreq_send (xen-project/xen xen/common/ioreq.c): check the vCPU's slot is idle,
 *    write the whole slot with state NONE (`*p = *proto_p`), prepare_wait_on_xen_event_channel
 *    (whose smp_mb orders the slot before READY), publish READY, notify the device model;
 *  - wait_for_io (same file): read the state with smp_rmb; while it is not NONE, reject a
 *    backwards transition, take IORESP_READY (state := NONE, then read the data) or wait on
 *    the event channel until the state changes.
 *
 * The bugs of protocols.md that live in these functions are options here, so a variant is
 * the same code with one line changed, as in the history it models (A-B2/C-B4 drop the
 * smp_rmb, A-B4 drops prepare_wait's smp_mb, A-B5 breaks the wait primitive, A-B6 blocks
 * only after notifying). Xen's own sanity checks ("device model set bad IO state", "Weird
 * HVM ioreq state transition": domain_crash) are handed to the caller as `check`, which
 * says which property they belong to in its model.
 */
import type { LocRef, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Operand, Term } from '../../checker/term.ts';
import { barrier } from './barriers.ts';
import { setBit } from './bitops.ts';
import { notify } from './event-channel.ts';
import {
  IOREQ_DIR_NAMES, STATE_IOREQ_NONE, STATE_IOREQ_READY, STATE_IORESP_READY, type IoreqSlotRefs,
} from './ioreq-slot.ts';
import { blockUntilWoken, prepareWaitOnXenEventChannel, waitOnXenEventChannel, type WaitBugs, type SchedHooks } from './wait.ts';

/** A run-time check of Xen's or the device model's own code: `ok` must hold, else `message`. */
export type Check = (ok: Term, message: string) => void;

export interface IoreqSendOptions {
  readonly slot: IoreqSlotRefs;
  /** _VPF_blocked_in_xen of the vCPU */
  readonly blocked: LocRef;
  /** P of the vCPU's ioreq port, as the device model sees it */
  readonly pending: LocRef;
  /** a register for the state read */
  readonly state: Reg;
  /** a register for the flag read while descheduled (A-B6 only) */
  readonly flag: Reg;
  /** how trace notes name this request ("request 0") */
  readonly label: string;
  readonly addr: Operand;
  readonly dir: number;
  /** the write data (0 for a read) */
  readonly data: Operand;
  /** "device model set bad IO state": the slot must be NONE before Xen writes it */
  readonly checkIdle: Check;
  /** runs with the READY store (ghost updates: "what Xen published for this request") */
  readonly onPublish?: () => void;
  /**
   * protocols.md A-B4: READY is published without prepare_wait's smp_mb; A-B6: the blocked
   * flag is set only after publishing and notifying, and the vCPU is descheduled without
   * re-checking the state, at `sleepLabel`.
   */
  readonly bug?: { readonly kind: 'no-prepare-wait-mb' } | { readonly kind: 'block-after-notify'; readonly sleepLabel: string };
}

/** ioreq_send for a vCPU with an idle slot: steps 1–5 of protocols.md §A.2 "X, send" (it then returns RETRY). */
export function ioreqSend(t: ThreadBuilder, mm: MemoryModelName, o: IoreqSendOptions): void {
  const k = o.label;
  t.load(o.state, o.slot.state, { note: `${k}: ioreq_send: check the slot is idle` });
  o.checkIdle(o.state.eq(STATE_IOREQ_NONE), `Xen found the slot busy before writing ${k} ("device model set bad IO state")`);
  t.store(o.slot.addr, o.addr, { note: `${k}: write the slot (addr)` });
  t.store(o.slot.dir, o.dir, { note: `${k}: write the slot (dir ${IOREQ_DIR_NAMES[o.dir]})` });
  t.store(o.slot.data, o.data, { note: `${k}: write the slot (data)` });
  t.store(o.slot.state, STATE_IOREQ_NONE, { note: `${k}: write the slot (state NONE, *p = *proto_p)` });
  if (o.bug?.kind !== 'block-after-notify') prepareWaitOnXenEventChannel(t, mm, o.blocked, { noMb: o.bug?.kind === 'no-prepare-wait-mb' });
  t.store(o.slot.state, STATE_IOREQ_READY, { note: `${k}: publish READY` });
  o.onPublish?.();
  notify(t, mm, o.pending, { note: `${k}: notify_via_xen_event_channel` });
  if (o.bug?.kind === 'block-after-notify') {
    setBit(t, mm, o.blocked, 0, { note: `${k}: set _VPF_blocked_in_xen after notifying` });
    barrier(t, mm, 'smp_mb');
    blockUntilWoken(t, o.blocked, o.flag, o.bug.sleepLabel, 'softirq: vCPU descheduled (no re-check)');
  }
}

export interface WaitForIoOptions extends WaitBugs {
  readonly slot: IoreqSlotRefs;
  readonly blocked: LocRef;
  /** registers: the state read, the previous state, the data taken, the flag read while descheduled */
  readonly state: Reg;
  readonly prev: Reg;
  readonly data: Reg;
  readonly flag: Reg;
  /** how trace notes and labels name this request ("request 0" / "0") */
  readonly label: string;
  readonly labelSuffix: string;
  /** protocols.md A-B2 and C-B4: no smp_rmb after reading the state */
  readonly noRmb?: boolean;
  /** "Weird HVM ioreq state transition": the state never goes backwards */
  readonly checkTransition: Check;
  /** scheduler bookkeeping around the point where the vCPU is descheduled */
  readonly sched?: SchedHooks;
}

/** Label of wait_for_io's blocking point for the request with suffix `s`: a vCPU resting there is descheduled. */
export const waitForIoSleepLabel = (s: string): string => `wait_for_io.blocked.${s}`;

/**
 * wait_for_io: returns (falls through) with `data` holding the slot's data taken at
 * IORESP_READY, the slot set back to NONE.
 */
export function waitForIo(t: ThreadBuilder, mm: MemoryModelName, o: WaitForIoOptions): void {
  const k = o.label;
  const loop = `wait_for_io.${o.labelSuffix}`;
  const done = `wait_for_io.${o.labelSuffix}.done`;
  const waited = `wait_for_io.${o.labelSuffix}.waited`;
  const rmb = (note: string): void => { if (!o.noRmb) barrier(t, mm, 'smp_rmb', { note }); };
  t.assign(o.prev, STATE_IOREQ_NONE);
  t.load(o.state, o.slot.state, { note: `${k}: wait_for_io: read the slot state` });
  rmb('wait_for_io: smp_rmb');
  t.label(loop);
  t.if(o.state.ne(STATE_IOREQ_NONE), () => {
    o.checkTransition(o.state.ge(o.prev), `illegal ioreq state transition for ${k} ("Weird HVM ioreq state transition")`);
    t.assign(o.prev, o.state);
    t.if(o.state.eq(STATE_IORESP_READY), () => {
      t.store(o.slot.state, STATE_IOREQ_NONE, { note: `${k}: IORESP_READY → NONE` });
      t.load(o.data, o.slot.data, { note: `${k}: take the response data` });
      t.goto(done);
    });
    waitOnXenEventChannel(t, mm, {
      blocked: o.blocked, flag: o.flag,
      cond: () => {
        t.load(o.state, o.slot.state, { note: `${k}: wait_on_xen_event_channel: re-read the state` });
        rmb('wait condition: smp_rmb');
        return o.state.ne(o.prev);
      },
      sleepLabel: waitForIoSleepLabel(o.labelSuffix),
      doneLabel: waited,
      plainStore: o.plainStore,
      noMb: o.noMb,
      sched: o.sched,
    });
    t.label(waited);
    t.goto(loop);
  });
  t.label(done);
}
