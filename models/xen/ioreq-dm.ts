/**
 * The device model's half of the synchronous ioreq handshake (protocols.md §A.2 "DM"),
 * written once for every model of the ioreq family. It follows QEMU
 * (qemu/qemu hw/xen/xen-hvm-common.c):
 *
 *  - cpu_get_ioreq: learn the pending port from the event channel device (which hands the
 *    port over with P cleared) and look at that vCPU's slot; cpu_get_ioreq_from_shared_memory
 *    returns nothing unless the state is READY, then xen_rmb ("see READY, then read the
 *    contents") and state := INPROCESS;
 *  - cpu_handle_ioreq: (drain the buffered ring: handle_buffered_iopage, §A.5), copy the
 *    request, xen_rmb (DMB ISHLD on Arm: it also orders the payload loads before the
 *    response stores), emulate (a read stores its result into the slot's data), check the
 *    request is still in service ("Badness in I/O request"), xen_wmb ("update ioreq contents
 *    /then/ update state"), state := IORESP_READY, and notify the port, whose far end is Xen.
 *
 * Consumers may poll (protocols.md §0): besides the event, the device model may look at a
 * slot at any time and find it READY (QEMU scans the slot of whichever port fired; demu
 * polls), so each vCPU gives two ways in.
 *
 * A device model answers a read of address `a` with RVAL(a), so "the data Xen takes is the
 * data the device model stored for this request" is a plain comparison in every model.
 */
import type { LocArray, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { barrier } from './barriers.ts';
import { awaitEvent, notifyXen } from './event-channel.ts';
import {
  IOREQ_DIR_NAMES, IOREQ_READ, IOREQ_STATE_NAMES, STATE_IOREQ_INPROCESS, STATE_IOREQ_READY, STATE_IORESP_READY,
  slotOf, type IoreqSlots,
} from './ioreq-slot.ts';
import type { Check } from './ioreq-send.ts';

/** The value a device model returns for a read of address `a` (a tag, so properties can compare). */
export const RVAL = (a: number): number => a + 50;
const RVAL_OFFSET = 50;

/** The device model's registers for one request in service. */
export interface DmRegs {
  /** the vCPU (port) being served */
  readonly port: Reg;
  readonly state: Reg;
  readonly event: Reg;
  /** the local copy of the request */
  readonly addr: Reg;
  readonly dir: Reg;
  readonly data: Reg;
  /** whether the notify woke the vCPU */
  readonly woke: Reg;
}

export function declareDmRegs(t: ThreadBuilder): DmRegs {
  return {
    port: t.reg('port', 0),
    state: t.reg('state', 0, { values: IOREQ_STATE_NAMES }),
    event: t.reg('event', 0),
    addr: t.reg('addr', 0),
    dir: t.reg('dir', 0, { values: IOREQ_DIR_NAMES }),
    data: t.reg('data', 0),
    woke: t.reg('woke', 0),
  };
}

export interface CpuGetIoreqOptions {
  readonly slots: IoreqSlots;
  /** P of each vCPU's ioreq port */
  readonly pending: LocArray;
  readonly vcpus: number;
  /** where to go when the slot of the port that fired is not READY */
  readonly idleLabel: string;
}

/**
 * The select alternatives through which the device model takes a synchronous request:
 * per vCPU, an event on its port (then the state check of cpu_get_ioreq_from_shared_memory)
 * and a poll that finds the slot READY. Each leaves `port` naming the vCPU.
 */
export function cpuGetIoreqAlternatives(t: ThreadBuilder, mm: MemoryModelName, r: DmRegs, o: CpuGetIoreqOptions): (() => void)[] {
  return [
    ...Array.from({ length: o.vcpus }, (_, v) => () => {
      // an event on vCPU v's port: xenevtchn_pending hands the port over, P cleared
      awaitEvent(t, mm, r.event, o.pending.at(v), { note: `event on vCPU${v}'s ioreq port` });
      t.assign(r.port, v);
      t.assign(r.event, 0);
      t.load(r.state, o.slots.state.at(r.port), { note: 'cpu_get_ioreq: read the slot state' });
      t.if(r.state.ne(STATE_IOREQ_READY), () => { t.assign(r.state, 0); t.assign(r.port, 0); t.goto(o.idleLabel); });
    }),
    ...Array.from({ length: o.vcpus }, (_, v) => () => {
      // a poll: the device model looks at vCPU v's slot without an event
      t.await(r.state, o.slots.state.at(v), r.state.eq(STATE_IOREQ_READY), { note: `poll vCPU${v}'s slot: state READY` });
      t.assign(r.port, v);
    }),
  ];
}

export interface CpuHandleIoreqOptions {
  readonly slots: IoreqSlots;
  /** _VPF_blocked_in_xen of each vCPU: the far end of the port */
  readonly blocked: LocArray;
  /** QEMU drains the buffered ring here, after INPROCESS and before copying the request */
  readonly afterTake?: () => void;
  /** checks on the copied request (local code: assertions over ghosts) */
  readonly onCopy?: () => void;
  /** the emulation's side effects as ghost updates (local code), before a read's result is stored */
  readonly onEmulate?: () => void;
  /** "Badness in I/O request ... not in service": the state must still be INPROCESS */
  readonly checkInService: Check;
  /**
   * protocols.md A-B3: no xen_rmb after seeing READY; A-B7: the payload loads are ordered
   * before the response stores only by a store barrier; A-B1: no xen_wmb before IORESP_READY.
   */
  readonly bugs?: {
    readonly noRmbAfterReady?: boolean;
    readonly copyOrderedByWmb?: boolean;
    readonly noWmbBeforeResponse?: boolean;
  };
}

/**
 * From a request taken (state READY seen on slot `port`) to the response published and Xen
 * notified. Leaves the registers for the caller to reset.
 */
export function cpuHandleIoreq(t: ThreadBuilder, mm: MemoryModelName, r: DmRegs, o: CpuHandleIoreqOptions): void {
  const slot = slotOf(o.slots, r.port);
  const bugs = o.bugs ?? {};
  if (!bugs.noRmbAfterReady) barrier(t, mm, 'xen_rmb', { note: 'see READY, then read the contents' });
  t.store(slot.state, STATE_IOREQ_INPROCESS, { note: 'state := INPROCESS' });
  o.afterTake?.();
  t.load(r.addr, slot.addr, { note: 'copy the request (addr)' });
  t.load(r.dir, slot.dir, { note: 'copy the request (dir)' });
  t.load(r.data, slot.data, { note: 'copy the request (data)' });
  o.onCopy?.();
  if (bugs.copyOrderedByWmb) barrier(t, mm, 'xen_wmb', { note: 'only a store barrier after copying the request' });
  else barrier(t, mm, 'xen_rmb', { note: 'DMB ISHLD: payload loads before the response stores' });
  o.onEmulate?.();
  t.if(r.dir.eq(IOREQ_READ), () => {
    t.store(slot.data, r.addr.add(RVAL_OFFSET), { note: 'emulate the read: store the result' });
  });
  t.load(r.state, slot.state, { note: 'check the request is still in service' });
  o.checkInService(r.state.eq(STATE_IOREQ_INPROCESS), 'the device model found its request not in service ("Badness in I/O request")');
  if (!bugs.noWmbBeforeResponse) barrier(t, mm, 'xen_wmb', { note: 'update the contents, then the state' });
  t.store(slot.state, STATE_IORESP_READY, { note: 'state := IORESP_READY' });
  notifyXen(t, mm, r.woke, o.blocked.at(r.port));
}

/** Reset the registers of a request served, so equal situations encode equally. */
export function resetDmRegs(t: ThreadBuilder, r: DmRegs): void {
  t.assign(r.state, 0); t.assign(r.addr, 0); t.assign(r.dir, 0); t.assign(r.data, 0); t.assign(r.woke, 0); t.assign(r.port, 0);
}
