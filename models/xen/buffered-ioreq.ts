/**
 * The buffered ioreq page (protocols.md §A.5): write requests Xen posts to the device model
 * without waiting for them, on a ring in a page shared with the device model.
 *
 * Follows:
 *  - xen-project/xen xen/include/public/hvm/ioreq.h: buffered_iopage_t (read_pointer and
 *    write_pointer, overlaid as one 64-bit word by `union bufioreq_pointers`, then
 *    buf_ioreq[IOREQ_BUFFER_SLOT_NUM]), buf_ioreq_t (type, dir, size code, 20-bit address,
 *    32-bit data; an 8-byte write takes two consecutive slots, the high data word second);
 *  - xen/common/ioreq.c ioreq_send_buffered: under bufioreq_lock, fall back to the
 *    synchronous path when the ring is full, write the slot(s), smp_wmb, advance
 *    write_pointer, canonicalise both pointers with a 64-bit cmpxchg while read_pointer is at
 *    least IOREQ_BUFFER_SLOT_NUM (HVM_IOREQSRV_BUFIOREQ_ATOMIC, at most that many tries),
 *    notify the bufioreq port;
 *  - qemu/qemu hw/xen/xen-hvm-common.c handle_buffered_iopage: rdptr; xen_rmb; wrptr; xen_rmb;
 *    start again if read_pointer moved (canonicalised) meanwhile; stop when rdptr == wrptr;
 *    read the slot(s) with xen_rmb after each; handle it; qatomic_add(&read_pointer, qw + 1).
 *
 * How the model's sizes map onto Xen's:
 *  - IOREQ_BUFFER_SLOT_NUM (511) is the model parameter `slots` (N): every expression that
 *    uses the constant (the full test `wp - rp >= N - qw`, the index `ptr % N`, the
 *    canonicalisation test `rp >= N`, `n = rp / N`, the bound on cmpxchg tries) uses N in its
 *    place, unchanged, so a ring of 2 or 3 slots exercises the same wrap and canonicalisation
 *    logic with a few states instead of thousands of entries.
 *  - The two 32-bit pointers are the two 16-bit halves of one model location `bufioreq.ptrs`
 *    (read_pointer low, write_pointer high), so that the 64-bit cmpxchg on `ptrs.full` and the
 *    device model's atomic add on read_pointer are each one read-modify-write of one location,
 *    as they are in hardware. Pointer arithmetic is modulo 2^16 instead of 2^32. In the
 *    correct protocol the pointers stay below 2N + the number of writes, far from either
 *    wrap; a broken variant shows as A6 (`wp - rp` modulo 2^16 outside 0..N) long before.
 *
 * Mixed-size accesses. Xen's `write_pointer += 1 + qw` is a plain 32-bit read-modify-write
 * of the upper half, and A-Q4's device model stores read_pointer with a plain 32-bit store
 * into the lower half. A store of the whole model word would write the other half too and
 * invent lost updates that the hardware cannot make, so both are made indivisible on the
 * pair: Xen's as an add to the upper half (Xen is write_pointer's only writer, under the
 * lock, so the values are exactly those of the plain add), A-Q4's as a one-step
 * "replace the lower half" (an atomic block). The ordering is what changes: an RMW or atomic
 * block is a full fence under TSO, where the plain store would sit in the store buffer. For
 * Xen this only makes the new write_pointer visible before Xen's next read of
 * read_pointer (the canonicalisation test) instead of possibly after; a run in which Xen
 * reads the older read_pointer is still reached by scheduling the device model's advance
 * after that read, so no outcome of the ring is lost. A-Q4 is an interleaving bug, violated
 * under SC already.
 */
import type { Loc, LocArray, ModelBuilder, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { ite, type Operand, type Term } from '../../checker/term.ts';
import { barrier } from './barriers.ts';
import { fullyOrdered } from './bitops.ts';
import { notify } from './event-channel.ts';
import type { Check } from './ioreq-send.ts';
import { spinLock, spinUnlock } from './spinlock.ts';

/** The size of Xen's ring; models use a parameter-sized ring in its place (see above). */
export const IOREQ_BUFFER_SLOT_NUM = 511;

export const PTR_BITS = 16;
export const PTR_MASK = (1 << PTR_BITS) - 1;

/** The pair's value for read_pointer `rp` and write_pointer `wp`. */
export const ptrsValue = (rp: number, wp: number): number => ((wp & PTR_MASK) << PTR_BITS) | (rp & PTR_MASK);
/** read_pointer out of the pair */
export const readPointer = (ptrs: Term): Term => ptrs.and(PTR_MASK);
/** write_pointer out of the pair */
export const writePointer = (ptrs: Term): Term => ptrs.shr(PTR_BITS).and(PTR_MASK);
/** `wp - rp` in the pointers' own (unsigned, modular) arithmetic */
export const ringUsed = (ptrs: Term): Term => writePointer(ptrs).sub(readPointer(ptrs)).and(PTR_MASK);

/**
 * The first word of a buf_ioreq_t as the model keeps it: the address (a tag naming the
 * write) and whether it is an 8-byte write (size code 3) taking two slots. Type and dir are
 * always IOREQ_TYPE_COPY and IOREQ_WRITE on this ring.
 */
export const QW_FLAG = 128;
export const bufHeader = (addr: number, qw: boolean): number => addr | (qw ? QW_FLAG : 0);

export interface BufferedIoreq {
  /** IOREQ_BUFFER_SLOT_NUM in this model */
  readonly slots: number;
  /** read_pointer (low half) and write_pointer (high half) */
  readonly ptrs: Loc;
  /** buf_ioreq[i]: the word with size and address */
  readonly hdr: LocArray;
  /** buf_ioreq[i].data */
  readonly data: LocArray;
  /** P of the bufioreq event channel */
  readonly pending: Loc;
  /** the ioreq server's bufioreq_lock (Xen-private) */
  readonly lock: Loc;
}

/**
 * The page, its event channel and its lock. `maxPtr` bounds the pointer values traces name
 * (others print as numbers); `addrs` are the write tags, named in the slot words.
 */
export function declareBufferedIoreq(m: ModelBuilder, slots: number, maxPtr: number, addrs: readonly number[]): BufferedIoreq {
  const ptrNames: Record<number, string> = {};
  for (let rp = 0; rp <= maxPtr; rp++) for (let wp = 0; wp <= maxPtr; wp++) ptrNames[ptrsValue(rp, wp)] = `rp ${rp} wp ${wp}`;
  const hdrNames: Record<number, string> = { 0: 'empty' };
  for (const a of addrs) {
    hdrNames[bufHeader(a, false)] = `addr ${a} size 4`;
    hdrNames[bufHeader(a, true)] = `addr ${a} size 8`;
  }
  return {
    slots,
    ptrs: m.shared('bufioreq.ptrs', 0, { values: ptrNames }),
    hdr: m.array('bufioreq.slot.hdr', slots, 0, { values: hdrNames }),
    data: m.array('bufioreq.slot.data', slots, 0),
    pending: m.shared('bufioreq.evtchn.pending', 0),
    lock: m.shared('bufioreq_lock', 0),
  };
}

/** Xen's registers for ioreq_send_buffered. */
export interface SendBufferedRegs {
  readonly ptrs: Reg;
  readonly old: Reg;
  readonly tries: Reg;
  readonly lock: Reg;
}

export function declareSendBufferedRegs(t: ThreadBuilder): SendBufferedRegs {
  return { ptrs: t.reg('ptrs', 0), old: t.reg('old', 0), tries: t.reg('tries', 0), lock: t.reg('lock', 0) };
}

export interface SendBufferedOptions {
  readonly label: string;
  readonly addr: number;
  /** an 8-byte write: two slots, `high` in the second */
  readonly qw: boolean;
  readonly low: Operand;
  readonly high: Operand;
  /** where to continue when the ring is full: the caller sends the request synchronously there */
  readonly fullLabel: string;
  /** runs with the write_pointer update that puts the request on the ring (ghost updates) */
  readonly onPosted?: () => void;
  /** protocols.md A-Q1: no smp_wmb between the slot stores and the write_pointer update */
  readonly noWmb?: boolean;
  /** runs after each update of the pointers, with the pair's new value (local code: checks) */
  readonly afterUpdate?: (ptrs: Term) => void;
}

/** ioreq_send_buffered, HVM_IOREQSRV_BUFIOREQ_ATOMIC mode. Falls through once the request is posted. */
export function ioreqSendBuffered(t: ThreadBuilder, mm: MemoryModelName, b: BufferedIoreq, r: SendBufferedRegs, o: SendBufferedOptions): void {
  const N = b.slots;
  const k = o.label;
  const qw = o.qw ? 1 : 0;
  const wp = writePointer(r.ptrs);
  const canon = `${k}.canonicalise`;
  const canonDone = `${k}.canonicalised`;
  spinLock(t, mm, b.lock, r.lock, 'bufioreq_lock');
  t.load(r.ptrs, b.ptrs, { note: `${k}: ioreq_send_buffered: read the pointers` });
  t.if(ringUsed(r.ptrs).ge(N - qw), () => {
    // "The queue is full: send the iopacket through the normal path."
    t.assign(r.ptrs, 0);
    spinUnlock(t, mm, b.lock, 'bufioreq_lock');
    t.goto(o.fullLabel);
  });
  t.store(b.hdr.at(wp.mod(N)), bufHeader(o.addr, o.qw), { note: `${k}: write buf_ioreq[write_pointer % N] (address, size)` });
  t.store(b.data.at(wp.mod(N)), o.low, { note: `${k}: write buf_ioreq[write_pointer % N] (data)` });
  if (o.qw) {
    t.store(b.hdr.at(wp.add(1).mod(N)), bufHeader(o.addr, true), { note: `${k}: write buf_ioreq[(write_pointer + 1) % N] (address, size)` });
    t.store(b.data.at(wp.add(1).mod(N)), o.high, { note: `${k}: write buf_ioreq[(write_pointer + 1) % N] (high data word)` });
  }
  if (!o.noWmb) barrier(t, mm, 'smp_wmb', { note: 'make the ioreq visible before write_pointer' });
  t.fetchAdd(r.old, b.ptrs, (1 + qw) << PTR_BITS, { note: `${k}: write_pointer += ${1 + qw}` });
  o.afterUpdate?.(r.old.add((1 + qw) << PTR_BITS));
  o.onPosted?.();
  // Canonicalise: while (qw++ < N && read_pointer >= N) cmpxchg(&ptrs.full, old, old - n·N on both).
  t.assign(r.tries, qw);
  t.label(canon);
  t.if(r.tries.ge(N), () => t.goto(canonDone));
  t.assign(r.tries, r.tries.add(1));
  t.load(r.ptrs, b.ptrs, { note: `${k}: canonicalise: read_pointer >= N?` });
  t.if(readPointer(r.ptrs).lt(N), () => t.goto(canonDone));
  t.load(r.old, b.ptrs, { note: `${k}: canonicalise: old = ptrs` });
  const n = readPointer(r.old).div(N);
  const canonical = readPointer(r.old).sub(n.mul(N)).or(writePointer(r.old).sub(n.mul(N)).shl(PTR_BITS));
  fullyOrdered(t, mm, () => t.cas(r.ptrs, b.ptrs, r.old, canonical, { note: `${k}: canonicalise: cmpxchg(ptrs, old, old - n·N)` }));
  o.afterUpdate?.(ite(r.ptrs.eq(r.old), canonical, r.ptrs));
  t.goto(canon);
  t.label(canonDone);
  notify(t, mm, b.pending, { note: `${k}: notify the bufioreq port` });
  spinUnlock(t, mm, b.lock, 'bufioreq_lock');
  t.assign(r.ptrs, 0);
  t.assign(r.old, 0);
  t.assign(r.tries, 0);
}

/** The device model's registers for handle_buffered_iopage. */
export interface DrainRegs {
  readonly ptrs: Reg;
  readonly rdptr: Reg;
  readonly wrptr: Reg;
  readonly hdr: Reg;
  readonly low: Reg;
  readonly high: Reg;
  /** whether the drain handled anything (QEMU re-arms its timer then) */
  readonly handled: Reg;
}

export function declareDrainRegs(t: ThreadBuilder): DrainRegs {
  return {
    ptrs: t.reg('ptrs', 0), rdptr: t.reg('rdptr', 0), wrptr: t.reg('wrptr', 0),
    hdr: t.reg('buf.hdr', 0), low: t.reg('buf.data', 0), high: t.reg('buf.data_high', 0), handled: t.reg('handled', 0),
  };
}

export interface DrainOptions {
  /** handle_ioreq on the entry in the registers (local code: checks and ghost updates) */
  readonly onEntry: (r: DrainRegs, qw: Term) => void;
  /** hw_error("Incomplete quad word buffered ioreq"): an 8-byte entry must have both slots */
  readonly checkComplete: Check;
  /** where to continue once the ring is empty */
  readonly doneLabel: string;
  /** label of the drain's first step (so other paths can jump in) */
  readonly label: string;
  readonly bugs?: {
    /** A-Q2: no xen_rmb between reading write_pointer and reading the slot */
    readonly noRmbAfterWp?: boolean;
    /** A-Q3: no re-check that read_pointer did not move (was not canonicalised) meanwhile */
    readonly noRecheck?: boolean;
    /** A-Q4: read_pointer := rdptr + 1 + qw by a plain store instead of an atomic add */
    readonly plainRpStore?: boolean;
  };
  /** runs after each update of the pointers, with the pair's new value (local code: checks) */
  readonly afterUpdate?: (ptrs: Term) => void;
}

/** handle_buffered_iopage: consume entries until the ring is empty, then go to `doneLabel`. */
export function handleBufferedIopage(t: ThreadBuilder, mm: MemoryModelName, b: BufferedIoreq, r: DrainRegs, o: DrainOptions): void {
  const N = b.slots;
  const bugs = o.bugs ?? {};
  const qw = r.hdr.and(QW_FLAG).ne(0);
  const rdptr = readPointer(r.ptrs);
  t.label(o.label);
  t.load(r.ptrs, b.ptrs, { note: 'handle_buffered_iopage: rdptr = read_pointer' });
  t.assign(r.rdptr, rdptr);
  barrier(t, mm, 'xen_rmb', { note: 'xen_rmb' });
  t.load(r.ptrs, b.ptrs, { note: 'wrptr = write_pointer' });
  t.assign(r.wrptr, writePointer(r.ptrs));
  if (!bugs.noRmbAfterWp) barrier(t, mm, 'xen_rmb', { note: 'xen_rmb: write_pointer, then the slots' });
  if (!bugs.noRecheck) {
    t.load(r.ptrs, b.ptrs, { note: 're-read read_pointer: unchanged since rdptr?' });
    t.if(readPointer(r.ptrs).ne(r.rdptr), () => t.goto(o.label));
  }
  t.assign(r.ptrs, 0);
  t.if(r.rdptr.eq(r.wrptr), () => {
    t.assign(r.rdptr, 0); t.assign(r.wrptr, 0);
    t.goto(o.doneLabel);
  });
  t.load(r.hdr, b.hdr.at(r.rdptr.mod(N)), { note: 'read buf_ioreq[rdptr % N] (address, size)' });
  t.load(r.low, b.data.at(r.rdptr.mod(N)), { note: 'read buf_ioreq[rdptr % N] (data)' });
  barrier(t, mm, 'xen_rmb', { note: 'xen_rmb' });
  t.if(qw, () => {
    o.checkComplete(r.rdptr.add(1).and(PTR_MASK).ne(r.wrptr), 'the device model found an 8-byte entry without its second slot ("Incomplete quad word buffered ioreq")');
    t.load(r.high, b.data.at(r.rdptr.add(1).mod(N)), { note: 'read buf_ioreq[(rdptr + 1) % N] (high data word)' });
    barrier(t, mm, 'xen_rmb', { note: 'xen_rmb' });
  });
  o.onEntry(r, qw);
  if (bugs.plainRpStore) {
    // a 32-bit store into the lower half of the pair; see "Mixed-size accesses" above
    const stored = r.ptrs.and(~PTR_MASK).or(r.rdptr.add(qw.add(1)).and(PTR_MASK));
    t.atomic(() => {
      t.load(r.ptrs, b.ptrs);
      t.store(b.ptrs, stored);
    }, { note: 'read_pointer = rdptr + 1 + qw (a plain store)' });
    o.afterUpdate?.(stored);
  } else {
    t.fetchAdd(r.ptrs, b.ptrs, qw.add(1), { note: 'qatomic_add(&read_pointer, qw + 1)' });
    o.afterUpdate?.(r.ptrs.add(qw.add(1)));
  }
  t.assign(r.handled, 1);
  t.assign(r.ptrs, 0); t.assign(r.rdptr, 0); t.assign(r.wrptr, 0); t.assign(r.hdr, 0); t.assign(r.low, 0); t.assign(r.high, 0);
  t.goto(o.label);
}
