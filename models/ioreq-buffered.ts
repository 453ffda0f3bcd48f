/**
 * Scenario A, §A.5 of ../shared/design/protocols.md: the buffered ioreq ring. Xen posts
 * write requests ("posted writes", e.g. to VGA memory) on a ring in a page shared with the
 * device model and lets the vCPU run on; when the ring is full the write goes the
 * synchronous way instead. QEMU drains the ring on the bufioreq event, from its timer, and
 * before it handles any synchronous request, so a vCPU's posted writes reach the device
 * before its later synchronous requests.
 *
 * Follows:
 *  - xen-project/xen xen/common/ioreq.c: ioreq_send_buffered (HVM_IOREQSRV_BUFIOREQ_ATOMIC:
 *    pointer canonicalisation with a 64-bit cmpxchg), ioreq_send, wait_for_io;
 *    xen/include/public/hvm/ioreq.h: buffered_iopage_t, buf_ioreq_t, IOREQ_BUFFER_SLOT_NUM;
 *  - qemu/qemu hw/xen/xen-hvm-common.c: handle_buffered_iopage, handle_buffered_io (the
 *    timer), cpu_get_ioreq and cpu_handle_ioreq (the ring is drained after the synchronous
 *    request is taken and before it is copied and emulated).
 * The shared pieces are models/xen/buffered-ioreq.ts (the page, both ends of the ring, and how
 * IOREQ_BUFFER_SLOT_NUM and the 32-bit pointers map onto the model's sizes), ioreq-send.ts and
 * ioreq-dm.ts (the synchronous handshake), spinlock.ts (bufioreq_lock).
 *
 * Actors: one Xen thread per vCPU, which posts `writes` buffered writes and then makes one
 * synchronous read (parameter `sync`); one device-model thread serving the ring and every
 * vCPU's synchronous slot. Write j of vCPU v is tagged with the address
 * ADDR(v,j) = 1 + v·W + j and carries WVAL = addr + 100 (and WHI = addr + 200 as the high word
 * of an 8-byte write), so "handled with its own payload" is a plain comparison. Consumers may
 * poll (protocols.md §0): QEMU's buffered_io timer looks at the ring without an event.
 */
import { defineModel } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostArray, GhostRef, LocArray, ModelBuilder, ThreadBuilder } from '../checker/builder.ts';
import type { BuildContext, VerifySettings } from '../checker/model.ts';
import { and, ite, or, type Term } from '../checker/term.ts';
import { crash, crashUnless } from './xen/domain.ts';
import { awaitEvent } from './xen/event-channel.ts';
import {
  IOREQ_READ, IOREQ_STATE_NAMES, IOREQ_WRITE, declareIoreqSlots, slotOf, type IoreqSlots,
} from './xen/ioreq-slot.ts';
import { ioreqSend, waitForIo } from './xen/ioreq-send.ts';
import { cpuGetIoreqAlternatives, cpuHandleIoreq, declareDmRegs, resetDmRegs } from './xen/ioreq-dm.ts';
import {
  QW_FLAG, declareBufferedIoreq, declareDrainRegs, declareSendBufferedRegs, handleBufferedIopage, ioreqSendBuffered,
  readPointer, ringUsed, writePointer, type BufferedIoreq,
} from './xen/buffered-ioreq.ts';

const PROPERTIES = ['A5', 'A6', 'A7'];

export const ADDR = (v: number, j: number, W: number): number => 1 + v * W + j;
export const WVAL = (addr: number): number => addr + 100;
export const WHI = (addr: number): number => addr + 200;
/** the address of vCPU v's synchronous read, apart from every write tag */
export const SYNC_ADDR = (v: number, V: number, W: number): number => 1 + V * W + v;

function isQw(size: string, j: number): boolean {
  return size === '8' || (size === 'mixed' && j % 2 === 1);
}

/**
 * What `xenmc verify` runs under ARMv8. The default instance (three posted writes and the
 * synchronous read) is beyond 6 M states there with one promise outstanding (measured:
 * `xenmc check ioreq-buffered --mm armv8` ran out of 23 GB), so each variant runs the
 * smallest instance that shows its bug:
 *  - the ring alone (sync=none) with a promise outstanding, for the ordering bugs A-Q1 and
 *    A-Q2 and for the fixed ring's A5/A6: without a promise ARMv8 would not reorder W→W,
 *    which is A-Q1's bug;
 *  - without promises, for the interleaving bugs A-Q3, A-Q4 and A-Q5 (violated under SC
 *    too, and ARMv8 without promises has every SC execution), and for the fixed ring's A7:
 *    the synchronous read beside the ring with a promise outstanding is the 6 M states above;
 *    without one ARMv8 still lets every read take a stale value, which the drain's rmb and
 *    the order "drain, then the synchronous request" exist for.
 */
const RING_ALONE = { sync: 'none' } as const;
const ARMV8_RUNS: Readonly<Record<string, VerifySettings | readonly VerifySettings[]>> = {
  'A-Q-F': [
    { params: { ...RING_ALONE, writes: 2 }, reason: 'the ring alone, two posted writes, one promise outstanding (the default instance is beyond 6 M states)' },
    { params: { writes: 1 }, promises: 0, properties: ['A7'], reason: 'A7: one posted write, then the synchronous read, without promises (with one, beyond 6 M states)' },
  ],
  'A-Q1': { params: { ...RING_ALONE, writes: 1 }, reason: 'one posted write, the ring alone: Xen\'s write_pointer store overtakes the slot\'s' },
  'A-Q2': { params: { ...RING_ALONE, writes: 2 }, reason: 'two posted writes, the ring alone: the second lands between the DM\'s read of write_pointer and of the slot' },
  'A-Q3': { params: { ...RING_ALONE, writes: 2 }, promises: 0, reason: 'an interleaving bug (violated under SC): two writes wrap the ring; without promises, which past the violation grow beyond minutes' },
  'A-Q4': { params: { ...RING_ALONE, writes: 3 }, promises: 0, reason: 'an interleaving bug (violated under SC): the third write makes Xen canonicalise the pointers; without promises' },
  'A-Q5': { params: { writes: 1 }, promises: 0, reason: 'an interleaving bug (violated under SC): one posted write, then the synchronous read; without promises' },
};

export default defineModel({
  name: 'ioreq-buffered',
  title: 'the buffered ioreq ring: posted writes, pointer canonicalisation, drain before synchronous requests (protocols.md §A.5)',
  sources: [
    'xen-project/xen xen/common/ioreq.c (ioreq_send_buffered, ioreq_send, wait_for_io)',
    'xen-project/xen xen/include/public/hvm/ioreq.h (buffered_iopage_t, buf_ioreq_t, IOREQ_BUFFER_SLOT_NUM)',
    'xen-project/xen xen/common/spinlock.c (bufioreq_lock)',
    'qemu/qemu hw/xen/xen-hvm-common.c (handle_buffered_iopage, handle_buffered_io, cpu_get_ioreq, cpu_handle_ioreq)',
  ],
  params: {
    vcpus: { kind: 'int', default: 1, min: 1, max: 3, description: 'guest vCPUs posting writes (they share the ring under bufioreq_lock)' },
    writes: { kind: 'int', default: 3, min: 1, max: 6, description: 'buffered writes each vCPU posts, one after another' },
    slots: { kind: 'int', default: 2, min: 2, max: 7, description: 'ring size, standing for IOREQ_BUFFER_SLOT_NUM (511)' },
    size: { kind: 'choice', default: '4', choices: ['4', '8', 'mixed'], description: 'bytes per write: 8 takes two slots (high word second); mixed makes every odd write 8 bytes' },
    sync: { kind: 'choice', default: 'read', choices: ['read', 'none'], description: 'whether each vCPU ends with a synchronous read (A7)' },
  },
  variants: [
    { id: 'A-Q-F', title: 'fixed ring: ioreq_send_buffered and handle_buffered_iopage as in protocols.md §A.5' },
    { id: 'A-Q1', title: 'Xen drops the smp_wmb between the slot and write_pointer' },
    { id: 'A-Q2', title: 'DM drops the xen_rmb between reading write_pointer and reading the slot' },
    { id: 'A-Q3', title: 'DM drops the read_pointer re-check (ATOMIC mode, pointers canonicalised)' },
    { id: 'A-Q4', title: 'DM stores read_pointer := rdptr + 1 instead of an atomic add' },
    { id: 'A-Q5', title: 'DM handles the synchronous request before draining the ring' },
  ],
  properties: [
    { id: 'A5', title: 'each posted write is handled exactly once, with its own payload' },
    { id: 'A6', title: '0 <= write_pointer - read_pointer <= IOREQ_BUFFER_SLOT_NUM, in the pointers\' modular arithmetic, always' },
    { id: 'A7', title: 'a buffered write a vCPU posted before a synchronous request of that vCPU is handled before it' },
  ],
  // protocols.md §6, rows "A buf"; verdicts.tsv gives the same cells (test/models/ioreq-buffered.test.ts compares them).
  verifyWith: (variant, mm) => (mm === 'armv8' ? ARMV8_RUNS[variant] : undefined),
  expected: expectationTable(PROPERTIES, {
    'A-Q-F': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'A-Q1': { sc: 'H', tso: 'H', pso: 'V:A5', armv8: 'V:A5' },
    'A-Q2': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:A5' },
    'A-Q3': { sc: 'V:A5,A6', tso: 'V:A5,A6', pso: 'V:A5,A6', armv8: 'V:A5,A6' },
    'A-Q4': { sc: 'V:A6', tso: 'V:A6', pso: 'V:A6', armv8: 'V:A6' },
    'A-Q5': { sc: 'V:A7', tso: 'V:A7', pso: 'V:A7', armv8: 'V:A7' },
  }),
  build(m, ctx) {
    const V = ctx.int('vcpus');
    const W = ctx.int('writes');
    const N = ctx.int('slots');
    const tags = Array.from({ length: V * W }, (_, i) => i + 1);
    const buf = declareBufferedIoreq(m, N, 2 * N + V * W + 2, tags);
    const slots = declareIoreqSlots(m, V);
    /** P of each vCPU's synchronous ioreq port */
    const pending = m.array('evtchn.pending', V, 0);
    /** _VPF_blocked_in_xen of each vCPU */
    const blocked = m.array('vcpu.blocked_in_xen', V, 0);
    const g: Ghosts = {
      handled: m.ghostArray('write.handled', V * W + 1, 0),
      low: m.ghostArray('write.handled_data', V * W + 1, 0),
      high: m.ghostArray('write.handled_data_high', V * W + 1, 0),
      hwError: m.ghost('dm.hw_error', 0),
      posted: m.ghost('ring.posted', 0),
      consumed: m.ghost('ring.consumed', 0),
    };
    const qwTags = new Set(tags.filter((a) => isQw(ctx.choice('size'), (a - 1) % W)));
    const xen = Array.from({ length: V }, (_, v) => xenThread(m, ctx, v, buf, slots, pending, blocked, g));
    const dm = deviceModel(m, ctx, buf, slots, pending, blocked, g, qwTags);

    // A5, over the ghost record of what the device model performed: each write at most
    // once, with the data Xen wrote for it; no entry that is no write Xen posts (index 0: an
    // empty or torn slot); no entry the device model cannot read (hw_error kills it); and
    // once every vCPU is done and the device model rests, having taken off the ring as many
    // entries as Xen put on it, every write exactly once. The record is the reader's: the
    // device model's checks read no ghost Xen sets, since under a memory model with
    // promises (ARMv8) the device model may read a store of Xen's before Xen executes the
    // steps around it; Xen's count of entries posted is read only once Xen is done. A
    // write handled before Xen posted it leaves read_pointer past write_pointer, which A6
    // reports. (Rest is not judged by memory, e.g. no bufioreq event pending: the device
    // model may promise the write that takes the next event before it executes it.) A
    // ring left non-empty cannot end a run: the buffered_io timer finds it.
    const quiescent = and(...xen.map((t) => m.done(t)), m.at(dm, 'idle'), g.consumed.eq(g.posted));
    m.invariant('A5', and(
      g.handled.at(0).eq(0),
      g.hwError.eq(0),
      ...tags.map((a) => and(
        g.handled.at(a).le(1),
        or(g.handled.at(a).eq(0), and(g.low.at(a).eq(WVAL(a)), g.high.at(a).eq(qwTags.has(a) ? WHI(a) : 0))),
        or(quiescent.not(), g.handled.at(a).eq(1)),
      )),
    ));
  },
});

interface Ghosts {
  /** how many times the device model performed write a (index 0: an entry that is no posted write); saturates at 2 */
  readonly handled: GhostArray;
  /** the data the device model performed write a with */
  readonly low: GhostArray;
  readonly high: GhostArray;
  /** the device model died on an entry (hw_error) */
  readonly hwError: GhostRef;
  /** entries Xen put on the ring, and entries the device model took off it (saturating past every write) */
  readonly posted: GhostRef;
  readonly consumed: GhostRef;
}

/** vCPU v: its writes, each posted (or sent synchronously when the ring is full), then a synchronous read. */
function xenThread(
  m: ModelBuilder, ctx: BuildContext, v: number, buf: BufferedIoreq, slots: IoreqSlots,
  pending: LocArray, blocked: LocArray, g: Ghosts,
): ThreadBuilder {
  const { variant, mm } = ctx;
  const V = ctx.int('vcpus');
  const W = ctx.int('writes');
  const size = ctx.choice('size');
  return m.thread(`Xen${v}`, { actor: `Xen (vCPU${v})` }, (t) => {
    const s = t.reg('state', 0, { values: IOREQ_STATE_NAMES });
    const prev = t.reg('prev_state', 0, { values: IOREQ_STATE_NAMES });
    const data = t.reg('data', 0);
    const flag = t.reg('flag', 0);
    const br = declareSendBufferedRegs(t);
    const slot = slotOf(slots, v);

    /** ioreq_send + wait_for_io, for a write that did not fit on the ring or for the final read */
    const synchronous = (label: string, suffix: string, addr: number, dir: number): void => {
      ioreqSend(t, mm, {
        slot, blocked: blocked.at(v), pending: pending.at(v), state: s, flag, label,
        addr, dir, data: dir === IOREQ_WRITE ? WVAL(addr) : 0,
        checkIdle: crashUnless(t, 'domain_crash'),
      });
      waitForIo(t, mm, {
        slot, blocked: blocked.at(v), state: s, prev, data, flag, label, labelSuffix: suffix,
        checkTransition: crashUnless(t, 'domain_crash'),
      });
      t.assign(s, 0); t.assign(prev, 0); t.assign(data, 0); t.assign(flag, 0);
    };

    for (let j = 0; j < W; j++) {
      const addr = ADDR(v, j, W);
      const qw = isQw(size, j);
      const label = `write ${j}`;
      ioreqSendBuffered(t, mm, buf, br, {
        label, addr, qw, low: WVAL(addr), high: WHI(addr),
        fullLabel: `ring_full.${j}`,
        onPosted: () => t.setGhost(g.posted, g.posted.add(1)),
        noWmb: variant === 'A-Q1',
        afterUpdate: checkRing(t, buf, 'Xen'),
      });
      t.goto(`posted.${j}`);
      // the ring is full: hvm's caller sends the write through the normal path
      t.label(`ring_full.${j}`);
      synchronous(`${label} (ring full, sent synchronously)`, `w${j}`, addr, IOREQ_WRITE);
      t.label(`posted.${j}`);
    }
    if (ctx.choice('sync') === 'read') {
      synchronous('synchronous read', 'read', SYNC_ADDR(v, V, W), IOREQ_READ);
    }
  });
}

/**
 * QEMU's device model: waits for an event on a vCPU's ioreq port or on the bufioreq port, or
 * for its buffered_io timer, and serves the synchronous slot and the ring.
 */
function deviceModel(
  m: ModelBuilder, ctx: BuildContext, buf: BufferedIoreq, slots: IoreqSlots,
  pending: LocArray, blocked: LocArray, g: Ghosts, qwTags: ReadonlySet<number>,
): ThreadBuilder {
  const { variant, mm } = ctx;
  const V = ctx.int('vcpus');
  const W = ctx.int('writes');
  const maxTag = V * W;
  return m.thread('DM', { actor: 'device model' }, (t) => {
    const r = declareDmRegs(t);
    const d = declareDrainRegs(t);
    /** where the drain returns to: 0 the idle loop, 1 the synchronous request taken */
    const ret = t.reg('return_to', 0);
    const bufEvent = t.reg('buf_event', 0);
    /** the ghost index of a write address: 0 for anything that is no write Xen could post */
    const tagIndex = (a: Term): Term => ite(and(a.ge(1), a.le(maxTag)), a, 0);
    const expectedHigh = (a: Term): Term => ite(or(...[...qwTags].map((q) => a.eq(q))), a.add(WHI(0)), 0);

    /** handle_ioreq of a write (from the ring or the synchronous slot): record what was performed, for A5 */
    const performWrite = (addr: Term, low: Term, high: Term): void => {
      const a = tagIndex(addr);
      t.setGhost(g.handled.at(a), ite(g.handled.at(a).ge(2), 2, g.handled.at(a).add(1)));
      t.setGhost(g.low.at(a), low);
      t.setGhost(g.high.at(a), high);
    };

    t.label('idle', { end: true });
    t.select(
      ...cpuGetIoreqAlternatives(t, mm, r, { slots, pending, vcpus: V, idleLabel: 'idle' }),
      () => {
        // the bufioreq port: cpu_get_ioreq arms the timer, cpu_handle_ioreq drains the ring
        awaitEvent(t, mm, bufEvent, buf.pending, { note: 'event on the bufioreq port' });
        t.assign(bufEvent, 0);
        t.goto('drain');
      },
      () => {
        // the buffered_io timer (or any other look at the ring): it finds entries
        t.await(d.ptrs, buf.ptrs, readPointer(d.ptrs).ne(writePointer(d.ptrs)), { note: 'buffered_io timer: the ring is not empty' });
        t.assign(d.ptrs, 0);
        handleBufferedIopage(t, mm, buf, d, {
          label: 'drain',
          doneLabel: 'drained',
          onEntry: (e, qw) => {
            performWrite(e.hdr.and(QW_FLAG - 1), e.low, ite(qw, e.high, 0));
            t.setGhost(g.consumed, ite(g.consumed.gt(maxTag), g.consumed, g.consumed.add(1)));
          },
          checkComplete: (ok, msg) => t.if(ok.not(), () => { t.setGhost(g.hwError, 1); crash(t, `hw_error: ${msg}`); }),
          afterUpdate: checkRing(t, buf, 'the device model'),
          bugs: { noRmbAfterWp: variant === 'A-Q2', noRecheck: variant === 'A-Q3', plainRpStore: variant === 'A-Q4' },
        });
        t.label('drained');
        t.assign(d.handled, 0);
        if (variant !== 'A-Q5') t.if(ret.eq(1), () => { t.assign(ret, 0); t.goto('drained_before_request'); });
        t.goto('idle');
      },
    );
    // a synchronous request taken (READY seen on slot `port`)
    cpuHandleIoreq(t, mm, r, {
      slots, blocked,
      afterTake: variant === 'A-Q5' ? undefined : () => {
        // cpu_handle_ioreq: handle_buffered_iopage before the request is copied and emulated
        t.assign(ret, 1);
        t.goto('drain');
        t.label('drained_before_request');
      },
      onCopy: () => {
        // A7: every write this vCPU issued before this request has been performed. The
        // request says which it is: the vCPU's final read comes after all W of its writes,
        // its write j (sent this way because the ring was full) after writes 0..j-1.
        const first = r.port.mul(W).add(1);
        const before = ite(r.addr.eq(r.port.add(1 + V * W)), W, r.addr.sub(first));
        for (let j = 0; j < W; j++) {
          t.assert(or(before.le(j), g.handled.at(first.add(j)).ge(1)), 'A7',
            `the device model handles a synchronous request of the vCPU before that vCPU's earlier buffered write ${j}`);
        }
      },
      // The synchronous slot's data field is 64 bits wide; the model keeps its low word, so an
      // 8-byte write that went the synchronous way is checked on that word.
      onEmulate: () => t.if(r.dir.eq(IOREQ_WRITE), () => performWrite(r.addr, r.data, expectedHigh(tagIndex(r.addr)))),
      checkInService: crashUnless(t, 'destroy_hvm_domain'),
    });
    resetDmRegs(t, r);
    if (variant === 'A-Q5') {
      // the bug: the ring is drained only after the synchronous request was answered
      t.goto('drain');
    } else {
      t.goto('idle');
    }
  });
}

/**
 * A6, checked after every update of the pointers (Xen's write_pointer add and cmpxchg, the
 * device model's read_pointer add or store): they change nowhere else, so this is "always".
 * An assertion rather than an invariant so that a run is cut where the ring is broken: past
 * that point the device model walks up to 2^16 stale slots (2^32 in Xen), which says nothing
 * new.
 */
function checkRing(t: ThreadBuilder, buf: BufferedIoreq, who: string): (ptrs: Term) => void {
  return (ptrs) => t.assert(ringUsed(ptrs).le(buf.slots), 'A6', `${who} leaves write_pointer - read_pointer outside 0..N`);
}
