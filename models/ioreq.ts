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
import type { BuildContext } from '../checker/model.ts';
import { or } from '../checker/term.ts';
import { barrier } from './xen/barriers.ts';
import { awaitEvent, notify, notifyXen } from './xen/event-channel.ts';
import {
  IOREQ_DIR_NAMES, IOREQ_READ, IOREQ_STATE_NAMES, IOREQ_WRITE, STATE_IOREQ_INPROCESS, STATE_IOREQ_NONE,
  STATE_IOREQ_READY, STATE_IORESP_READY, declareIoreqSlots,
} from './xen/ioreq-slot.ts';
import { blockUntilWoken, prepareWaitOnXenEventChannel, waitOnXenEventChannel } from './xen/wait.ts';
import { setBit } from './xen/bitops.ts';

const PROPERTIES = ['A1', 'A2', 'A3', 'A4'];

/** Labels (suffixed with the request number) where a Xen thread's vCPU is descheduled, waiting to be woken. */
const ASLEEP_AFTER_SEND = 'descheduled';
const ASLEEP_IN_WAIT = 'wait_for_io.blocked';

export const ADDR = (v: number, k: number, K: number): number => 1 + v * K + k;
export const WVAL = (addr: number): number => addr + 100;
export const RVAL = (addr: number): number => addr + 50;

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
    { id: 'A4', title: 'no lost wakeup: never a deadlock with a vCPU blocked in Xen while its slot says IORESP_READY' },
  ],
  // protocols.md §6, rows "A ioreq"; verdicts.tsv gives the same cells (test/models/ioreq.test.ts compares them).
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

    // A4 in its safety form (protocols.md §A.3): a deadlock in which some vCPU is
    // descheduled in Xen while its slot already holds the response.
    m.deadlock('A4', or(...xen.map(({ thread, sleeps }, v) =>
      or(...sleeps.map((l) => m.at(thread, l))).and(m.mem(slots.state.at(v)).eq(STATE_IORESP_READY)))));
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
    const state = slots.state.at(v);
    for (let k = 0; k < K; k++) {
      const addr = ADDR(v, k, K);
      const dir = direction(mode, v, k);
      const rmbAfterState = (note: string): void => { if (variant !== 'A-B2') barrier(t, mm, 'smp_rmb', { note }); };

      // --- ioreq_send (xen/common/ioreq.c) -------------------------------------------
      t.load(s, state, { note: `request ${k}: ioreq_send: check the slot is idle` });
      t.assert(s.eq(STATE_IOREQ_NONE), 'A3', `Xen found the slot busy before writing request ${k} ("device model set bad IO state")`);
      t.store(slots.addr.at(v), addr, { note: `request ${k}: write the slot (addr)` });
      t.store(slots.dir.at(v), dir, { note: `request ${k}: write the slot (dir ${IOREQ_DIR_NAMES[dir]})` });
      t.store(slots.data.at(v), dir === IOREQ_WRITE ? WVAL(addr) : 0, { note: `request ${k}: write the slot (data)` });
      t.store(state, STATE_IOREQ_NONE, { note: `request ${k}: write the slot (state NONE, *p = *proto_p)` });
      if (variant !== 'A-B6') prepareWaitOnXenEventChannel(t, mm, blocked.at(v), { noMb: variant === 'A-B4' });
      t.store(state, STATE_IOREQ_READY, { note: `request ${k}: publish READY` });
      notify(t, mm, pending.at(v), { note: `request ${k}: notify_via_xen_event_channel` });
      if (variant === 'A-B6') {
        // the bug: block only now, and deschedule without re-checking the state
        setBit(t, mm, blocked.at(v), 0, { note: `request ${k}: set _VPF_blocked_in_xen after notifying` });
        barrier(t, mm, 'smp_mb');
        const label = `${ASLEEP_AFTER_SEND}.${k}`;
        sleeps.push(label);
        blockUntilWoken(t, blocked.at(v), flag, label, 'softirq: vCPU descheduled (no re-check)');
      }
      // Otherwise the completion runs next. On Arm it runs from leave_hypervisor_to_guest
      // before any softirq; on x86 the vCPU is first descheduled at the softirq point
      // until woken, which this covers as a completion that simply runs late (the wait
      // below then finds IORESP_READY at once).

      // --- wait_for_io (vcpu_ioreq_handle_completion) ----------------------------------
      const loop = `wait_for_io.${k}`;
      const done = `wait_for_io.${k}.done`;
      const waited = `wait_for_io.${k}.waited`;
      sleeps.push(`${ASLEEP_IN_WAIT}.${k}`);
      t.assign(prev, STATE_IOREQ_NONE);
      t.load(s, state, { note: `request ${k}: wait_for_io: read the slot state` });
      rmbAfterState('wait_for_io: smp_rmb');
      t.label(loop);
      t.if(s.ne(STATE_IOREQ_NONE), () => {
        t.assert(s.ge(prev), 'A3', `illegal ioreq state transition for request ${k} ("Weird HVM ioreq state transition")`);
        t.assign(prev, s);
        t.if(s.eq(STATE_IORESP_READY), () => {
          t.store(state, STATE_IOREQ_NONE, { note: `request ${k}: IORESP_READY → NONE` });
          t.load(data, slots.data.at(v), { note: `request ${k}: take the response data` });
          t.goto(done);
        });
        waitOnXenEventChannel(t, mm, {
          blocked: blocked.at(v), flag,
          cond: () => {
            t.load(s, state, { note: `request ${k}: wait_on_xen_event_channel: re-read the state` });
            rmbAfterState('wait condition: smp_rmb');
            return s.ne(prev);
          },
          sleepLabel: `${ASLEEP_IN_WAIT}.${k}`,
          doneLabel: waited,
          plainStore: variant === 'A-B5',
          noMb: variant === 'A-B5',
        });
        t.label(waited);
        t.goto(loop);
      });
      t.label(done);
      if (dir === IOREQ_READ) t.assert(data.eq(RVAL(addr)), 'A2', `request ${k} (read of ${addr}) completed with data that is not the device model's answer ${RVAL(addr)}`);
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
    const port = t.reg('port', 0);
    const s = t.reg('state', 0, { values: IOREQ_STATE_NAMES });
    const got = t.reg('event', 0);
    const addr = t.reg('addr', 0);
    const dir = t.reg('dir', 0, { values: IOREQ_DIR_NAMES });
    const data = t.reg('data', 0);
    const woke = t.reg('woke', 0);
    const state = slots.state.at(port);
    t.label('idle', { end: true });
    t.select(
      ...Array.from({ length: N }, (_, v) => () => {
        // an event on vCPU v's port: xenevtchn_pending hands the port over, P cleared
        awaitEvent(t, mm, got, pending.at(v), { note: `event on vCPU${v}'s ioreq port` });
        t.assign(port, v);
        t.assign(got, 0);
        t.load(s, state, { note: 'cpu_get_ioreq: read the slot state' });
        t.if(s.ne(STATE_IOREQ_READY), () => { t.assign(s, 0); t.assign(port, 0); t.goto('idle'); });
      }),
      ...Array.from({ length: N }, (_, v) => () => {
        // a poll: the device model looks at vCPU v's slot without an event
        t.await(s, slots.state.at(v), s.eq(STATE_IOREQ_READY), { note: `poll vCPU${v}'s slot: state READY` });
        t.assign(port, v);
      }),
    );
    if (variant !== 'A-B3') barrier(t, mm, 'xen_rmb', { note: 'see READY, then read the contents' });
    t.store(state, STATE_IOREQ_INPROCESS, { note: 'state := INPROCESS' });
    t.load(addr, slots.addr.at(port), { note: 'copy the request (addr)' });
    t.load(dir, slots.dir.at(port), { note: 'copy the request (dir)' });
    t.load(data, slots.data.at(port), { note: 'copy the request (data)' });
    // A1: the payload is the one Xen wrote for this request (request k = served[port] of slot port)
    const k = served.at(port);
    const wantAddr = port.mul(K).add(k).add(1);
    const wantDir = mode === 'read' ? IOREQ_READ : mode === 'write' ? IOREQ_WRITE : port.add(k).mod(2);
    t.assert(addr.eq(wantAddr), 'A1', 'the device model read a request address that Xen did not write for this request');
    t.assert(dir.eq(wantDir), 'A1', 'the device model read a direction that Xen did not write for this request');
    t.assert(dir.eq(IOREQ_READ).or(data.eq(wantAddr.add(100))), 'A1', 'the device model read write data that Xen did not write for this request');
    t.setGhost(served.at(port), k.add(1));
    if (variant === 'A-B7') barrier(t, mm, 'xen_wmb', { note: 'only a store barrier after copying the request' });
    else barrier(t, mm, 'xen_rmb', { note: 'DMB ISHLD: payload loads before the response stores' });
    t.if(dir.eq(IOREQ_READ), () => {
      t.store(slots.data.at(port), addr.add(50), { note: 'emulate the read: store the result' });
    });
    t.load(s, state, { note: 'check the request is still in service' });
    t.assert(s.eq(STATE_IOREQ_INPROCESS), 'A3', 'the device model found its request not in service ("Badness in I/O request")');
    if (variant !== 'A-B1') barrier(t, mm, 'xen_wmb', { note: 'update the contents, then the state' });
    t.store(state, STATE_IORESP_READY, { note: 'state := IORESP_READY' });
    notifyXen(t, mm, woke, blocked.at(port));
    t.assign(s, 0); t.assign(addr, 0); t.assign(dir, 0); t.assign(data, 0); t.assign(woke, 0); t.assign(port, 0);
    t.goto('idle');
  });
}

