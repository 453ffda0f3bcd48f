/**
 * Scenario A of ../shared/design/protocols.md: the synchronous ioreq handshake between Xen
 * (working for a guest vCPU that did an MMIO access) and the device model.
 *
 * Follows:
 *  - Xen changeset 12348:814fbacfafc6 "[HVM] Clarify ioreq interactions between Xen and
 *    qemu-dm" (../shared/design/sources/000_a24e99a47fe7bcae.txt): writers wmb() before
 *    updating the state, readers rmb() after seeing it;
 *  - xen-project/xen xen/common/ioreq.c: ioreq_send, wait_for_io,
 *    vcpu_ioreq_handle_completion; xen/include/xen/event.h: the wait primitives;
 *    xen/common/event_channel.c: default_xen_notification_fn;
 *  - qemu/qemu hw/xen/xen-hvm-common.c: cpu_get_ioreq, cpu_handle_ioreq.
 *
 * Actors: one Xen thread per vCPU (the trap, ioreq_send and the completion), and one
 * device-model thread serving every vCPU's slot. Request k of vCPU v is tagged with the
 * address ADDR(v,k) = 1 + v·K + k; a write carries WVAL = addr + 100, and the device
 * model answers a read with RVAL = addr + 50, so "the data is the data of this request"
 * is a plain comparison (properties A1 and A2).
 *
 * Consumers may poll (protocols.md §0): the device model may look at a slot without an
 * event (QEMU scans slots on any port's event, demu polls), and Xen's completion may run
 * before the vCPU is descheduled (on Arm, leave_hypervisor_to_guest checks for vCPU work
 * before the scheduler runs). Both are alternatives the search explores.
 */
import { defineModel } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostArray, LocArray, ModelBuilder, ThreadBuilder } from '../checker/builder.ts';
import type { BuildContext, VerifySettings } from '../checker/model.ts';
import { or } from '../checker/term.ts';
import {
  IOREQ_READ, IOREQ_STATE_NAMES, IOREQ_WRITE, STATE_IORESP_READY, declareIoreqSlots, slotOf,
} from './xen/ioreq-slot.ts';
import { ioreqSend, waitForIo, waitForIoSleepLabel } from './xen/ioreq-send.ts';
import { RVAL as DM_RVAL, cpuGetIoreqAlternatives, cpuHandleIoreq, declareDmRegs, resetDmRegs } from './xen/ioreq-dm.ts';

const PROPERTIES = ['A1', 'A2', 'A3', 'A4'];

/** Labels (suffixed with the request number) where a Xen thread's vCPU is descheduled, waiting to be woken. */
const ASLEEP_AFTER_SEND = 'descheduled';

export const ADDR = (v: number, k: number, K: number): number => 1 + v * K + k;
export const WVAL = (addr: number): number => addr + 100;
export const RVAL = DM_RVAL;

function direction(mode: string, v: number, k: number): number {
  if (mode === 'read') return IOREQ_READ;
  if (mode === 'write') return IOREQ_WRITE;
  return (v + k) % 2 === 0 ? IOREQ_READ : IOREQ_WRITE;
}

export default defineModel({
  name: 'ioreq',
  title: 'synchronous ioreq handshake between Xen and the device model (protocols.md §1, scenario A)',
  sources: [
    'xen changeset 12348:814fbacfafc6 (shared/design/sources/000_a24e99a47fe7bcae.txt)',
    'xen-project/xen xen/common/ioreq.c (ioreq_send, wait_for_io)',
    'xen-project/xen xen/include/xen/event.h (prepare_wait_on_xen_event_channel, wait_on_xen_event_channel)',
    'xen-project/xen xen/common/event_channel.c (default_xen_notification_fn)',
    'qemu/qemu hw/xen/xen-hvm-common.c (cpu_get_ioreq, cpu_handle_ioreq)',
  ],
  params: {
    vcpus: { kind: 'int', default: 1, min: 1, max: 4, description: 'guest vCPUs, each with its own ioreq slot and Xen thread' },
    requests: { kind: 'int', default: 2, min: 1, max: 4, description: 'MMIO requests each vCPU issues, one after another' },
    dir: { kind: 'choice', default: 'mixed', choices: ['read', 'write', 'mixed'], description: 'reads, writes, or alternating (request k of vCPU v reads when v+k is even)' },
  },
  variants: [
    { id: 'A-F', title: 'fixed: the code of protocols.md §A.2 (changeset 12348 and today\'s ioreq.c)' },
    { id: 'A-B1', title: 'DM drops the wmb before IORESP_READY (qemu-dm helper2.c before 12348)' },
    { id: 'A-B2', title: 'Xen drops the rmb after seeing IORESP_READY (pre-12348 hvm_io_assist)' },
    { id: 'A-B3', title: 'DM drops the rmb after seeing READY' },
    { id: 'A-B4', title: 'Xen publishes READY without the barrier of prepare_wait' },
    { id: 'A-B5', title: 'wait_on_xen_event_channel: blocked flag by a plain store, no smp_mb before the re-check' },
    { id: 'A-B6', title: 'Xen sets blocked only after publishing and notifying, and schedules out without re-checking' },
    { id: 'A-B7', title: 'DM orders its payload loads before the IORESP_READY store with only a store barrier' },
  ],
  properties: [
    { id: 'A1', title: 'no stale request: every payload value the DM reads for request k was written by Xen for request k' },
    { id: 'A2', title: 'no stale response: the data Xen takes at completion is the value the DM stored for request k' },
    { id: 'A3', title: 'legal state machine: NONE→READY→INPROCESS→IORESP_READY→NONE only; the DM\'s "not in service" check never fires' },
    { id: 'A4', title: 'no lost wakeup: once IORESP_READY is visible, the vCPU is woken and takes the response (safety form: never a deadlock with the vCPU asleep in Xen over IORESP_READY)' },
  ],
  // protocols.md §6, rows "A ioreq"; verdicts.tsv gives the same cells (test/models/ioreq.test.ts compares them).
  // Two ARMv8 bugs need more than the default instance and bounds (README, "ioreq").
  verifyWith: (variant, mm): VerifySettings | undefined => {
    if (mm !== 'armv8') return undefined;
    if (variant === 'A-B4') return { params: { requests: 1 }, promises: 2, reason: 'READY overtakes the payload only if Xen promises both its stores to the state: two promises outstanding' };
    if (variant === 'A-B7') return { params: { dir: 'write' }, reason: 'the load-buffering cycle closes only through a WRITE request followed by another' };
    return undefined;
  },
  expected: expectationTable(PROPERTIES, {
    'A-F': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'A-B1': { sc: 'H', tso: 'H', pso: 'V:A2', armv8: 'V:A2' },
    'A-B2': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:A2' },
    'A-B3': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:A1' },
    'A-B4': { sc: 'H', tso: 'H', pso: 'V:A1', armv8: 'V:A1' },
    'A-B5': { sc: 'H', tso: 'V:A4', pso: 'V:A4', armv8: 'V:A4' },
    'A-B6': { sc: 'V:A4', tso: 'V:A4', pso: 'V:A4', armv8: 'V:A4' },
    'A-B7': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:A1' },
  }),
  build(m, ctx) {
    const N = ctx.int('vcpus');
    const slots = declareIoreqSlots(m, N);
    /** P of each vCPU's ioreq port, as the device model's side sees it */
    const pending = m.array('evtchn.pending', N, 0);
    /** _VPF_blocked_in_xen of each vCPU (bit 0 of its pause_flags) */
    const blocked = m.array('vcpu.blocked_in_xen', N, 0);
    /**
     * How many requests the device model has taken from each slot (ghost: for A1). Its k-th
     * request from slot v is Xen's request k, whose payload is known, so A1 compares what the
     * device model read with that, in the device model's own program order. (A ghost that
     * Xen set when it publishes would not do under ARMv8: Xen may promise its READY store,
     * and the device model may read it, before Xen executes its earlier ghost update.)
     */
    const served = m.ghostArray('dm.served', N, 0);
    const xen = Array.from({ length: N }, (_, v) => xenThread(m, ctx, v, slots, pending, blocked));
    deviceModel(m, ctx, slots, pending, blocked, served);

    // A4 (protocols.md §A.3) in both its forms, under one id. Liveness: once IORESP_READY
    // is visible in vCPU v's slot, Xen eventually takes the response (it writes NONE), on
    // every fair run. Safety form: a deadlock in which some vCPU is descheduled in Xen
    // while its slot already holds the response; the shortest such deadlock is A4's
    // counterexample when there is one, and the built-in `deadlock` does not report it.
    const responded = (v: number) => m.mem(slots.state.at(v)).eq(STATE_IORESP_READY);
    m.leadsTo('A4', xen.map((_, v) => [responded(v), responded(v).not()] as const), {
      deadlock: or(...xen.map(({ thread, sleeps }, v) => or(...sleeps.map((l) => m.at(thread, l))).and(responded(v)))),
    });
  },
});

type Slots = ReturnType<typeof declareIoreqSlots>;

/** Xen acting for vCPU v: K times, trap → ioreq_send → (descheduled) → wait_for_io → completion. */
function xenThread(
  m: ModelBuilder, ctx: BuildContext, v: number, slots: Slots,
  pending: LocArray, blocked: LocArray,
): { thread: ThreadBuilder; sleeps: string[] } {
  const { variant, mm } = ctx;
  const K = ctx.int('requests');
  const mode = ctx.choice('dir');
  const sleeps: string[] = [];
  const thread = m.thread(`Xen${v}`, { actor: `Xen (vCPU${v})` }, (t) => {
    const s = t.reg('state', 0, { values: IOREQ_STATE_NAMES });
    const prev = t.reg('prev_state', 0, { values: IOREQ_STATE_NAMES });
    const data = t.reg('data', 0);
    const flag = t.reg('flag', 0);
    const slot = slotOf(slots, v);
    for (let k = 0; k < K; k++) {
      const addr = ADDR(v, k, K);
      const dir = direction(mode, v, k);
      const label = `request ${k}`;

      // --- ioreq_send (xen/common/ioreq.c) -------------------------------------------
      if (variant === 'A-B6') sleeps.push(`${ASLEEP_AFTER_SEND}.${k}`);
      ioreqSend(t, mm, {
        slot, blocked: blocked.at(v), pending: pending.at(v), state: s, flag, label,
        addr, dir, data: dir === IOREQ_WRITE ? WVAL(addr) : 0,
        checkIdle: (ok, msg) => t.assert(ok, 'A3', msg),
        // A-B6, the bug: block only after notifying, and deschedule without re-checking the state
        bug: variant === 'A-B4' ? { kind: 'no-prepare-wait-mb' }
          : variant === 'A-B6' ? { kind: 'block-after-notify', sleepLabel: `${ASLEEP_AFTER_SEND}.${k}` }
          : undefined,
      });
      // Otherwise the completion runs next. On Arm it runs from leave_hypervisor_to_guest
      // before any softirq; on x86 the vCPU is first descheduled at the softirq point
      // until woken, which this covers as a completion that simply runs late (the wait
      // below then finds IORESP_READY at once).

      // --- wait_for_io (vcpu_ioreq_handle_completion) ----------------------------------
      sleeps.push(waitForIoSleepLabel(String(k)));
      waitForIo(t, mm, {
        slot, blocked: blocked.at(v), state: s, prev, data, flag, label, labelSuffix: String(k),
        noRmb: variant === 'A-B2',
        checkTransition: (ok, msg) => t.assert(ok, 'A3', msg),
        plainStore: variant === 'A-B5',
        noMb: variant === 'A-B5',
      });
      // A2 concerns reads; a write's data is Xen's own, so its check is vacuous (and present, so
      // that `--param dir=write` still declares what it checks)
      t.assert(dir === IOREQ_READ ? data.eq(RVAL(addr)) : true, 'A2', `request ${k} (read of ${addr}) completed with data that is not the device model's answer ${RVAL(addr)}`);
      // dead registers are reset so equal situations encode equally
      t.assign(s, 0);
      t.assign(prev, 0);
      t.assign(data, 0);
      t.assign(flag, 0);
    }
  });
  return { thread, sleeps };
}

/** The device model (QEMU cpu_handle_ioreq): serve slots forever, one request at a time. */
function deviceModel(
  m: ModelBuilder, ctx: BuildContext, slots: Slots,
  pending: LocArray, blocked: LocArray,
  served: GhostArray,
): ThreadBuilder {
  const { variant, mm } = ctx;
  const N = ctx.int('vcpus');
  const K = ctx.int('requests');
  const mode = ctx.choice('dir');
  return m.thread('DM', { actor: 'device model' }, (t) => {
    const r = declareDmRegs(t);
    t.label('idle', { end: true });
    t.select(...cpuGetIoreqAlternatives(t, mm, r, { slots, pending, vcpus: N, idleLabel: 'idle' }));
    cpuHandleIoreq(t, mm, r, {
      slots, blocked,
      // A1: the payload is the one Xen wrote for this request (request k = served[port] of slot port)
      onCopy: () => {
        const k = served.at(r.port);
        const wantAddr = r.port.mul(K).add(k).add(1);
        const wantDir = mode === 'read' ? IOREQ_READ : mode === 'write' ? IOREQ_WRITE : r.port.add(k).mod(2);
        t.assert(r.addr.eq(wantAddr), 'A1', 'the device model read a request address that Xen did not write for this request');
        t.assert(r.dir.eq(wantDir), 'A1', 'the device model read a direction that Xen did not write for this request');
        t.assert(r.dir.eq(IOREQ_READ).or(r.data.eq(wantAddr.add(WVAL(0)))), 'A1', 'the device model read write data that Xen did not write for this request');
        t.setGhost(served.at(r.port), k.add(1));
      },
      checkInService: (ok, msg) => t.assert(ok, 'A3', msg),
      bugs: { noRmbAfterReady: variant === 'A-B3', copyOrderedByWmb: variant === 'A-B7', noWmbBeforeResponse: variant === 'A-B1' },
    });
    resetDmRegs(t, r);
    t.goto('idle');
  });
}

