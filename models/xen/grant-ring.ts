/**
 * The shared producer/consumer ring of xen-project/xen xen/include/public/io/ring.h, with
 * the barrier placement of its RING_* macros, as protocols.md §B.3 gives it:
 *
 *  - the shared page (`struct X_sring`): req_prod, req_event, rsp_prod, rsp_event and the
 *    entries, one array that requests and responses share (`union X_sring_entry`); free-
 *    running 32-bit indices (RING_IDX), masked with RING_SIZE-1 to address an entry;
 *    SHARED_RING_INIT sets both producers to 0 and both event indices to 1;
 *  - the private halves: the front end keeps req_prod_pvt and rsp_cons, the back end
 *    rsp_prod_pvt and req_cons (FRONT_RING_INIT / BACK_RING_INIT: all 0);
 *  - RING_PUSH_{REQUESTS,RESPONSES}: xen_wmb, then publish the producer index;
 *  - RING_PUSH_{REQUESTS,RESPONSES}_AND_CHECK_NOTIFY: read the old producer index, xen_wmb,
 *    publish the new one, xen_mb, read the event index; notify iff the event index lies in
 *    (old, new], computed as `(RING_IDX)(new - event) < (RING_IDX)(new - old)`;
 *  - RING_HAS_UNCONSUMED_{REQUESTS,RESPONSES}: read the far producer index (no barrier in
 *    the macro: a consumer that goes on to read entries issues its own rmb, see
 *    `readProducer`);
 *  - RING_FINAL_CHECK_FOR_{REQUESTS,RESPONSES}: if nothing is unconsumed, set the event
 *    index to cons+1, xen_mb, and check again.
 *
 * ring.h defines every macro twice, once per direction; here each is written once over a
 * `RingIndex` (one producer index, its event index and the entries it addresses) and
 * exported under the macro's names for the two directions, so a model reads like the C
 * code that uses the macros. A variant that breaks a macro (drops one barrier, skips the
 * re-check) passes the bug as an option, so the broken code is the same code with one line
 * changed.
 *
 * The xen-devel RFC behind scenario B (protocols.md §B.2) uses two one-way grant rings, one
 * per direction, with only the producer index of each; `declareOneWayRing` declares such a
 * ring, and the same push helpers serve it.
 */
import type { Loc, LocArray, LocRef, ModelBuilder, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { modelError } from '../../checker/errors.ts';
import { callerPosition } from '../../checker/source.ts';
import { ite, term, type Term } from '../../checker/term.ts';
import { barrier } from './barriers.ts';

/** One direction of a ring: the producer index, its event index (null where the design has none) and the entries. */
export interface RingIndex {
  /** for traces: "req" or "rsp" */
  readonly dir: 'req' | 'rsp';
  readonly prod: Loc;
  readonly event: Loc | null;
  readonly entries: LocArray;
  /** RING_SIZE: a power of two */
  readonly size: number;
}

/** A direction with notification hold-off (ring.h's req_event / rsp_event): what the _AND_CHECK_NOTIFY and FINAL_CHECK macros need. */
export interface EventRingIndex extends RingIndex {
  readonly event: Loc;
}

/** The two directions a front end and a back end use: requests front→back, responses back→front. */
export interface SharedRing<R extends RingIndex = RingIndex> {
  readonly name: string;
  readonly req: R;
  readonly rsp: R;
}

/** The front end's private half (`struct X_front_ring`), as registers of the front end's thread. */
export interface FrontRing<R extends RingIndex = RingIndex> {
  readonly sring: SharedRing<R>;
  readonly req_prod_pvt: Reg;
  readonly rsp_cons: Reg;
  /** the macros' temporaries (__old, the event index read, the far producer index); reset after each use */
  readonly scratch: Scratch;
}

/** The back end's private half (`struct X_back_ring`). */
export interface BackRing<R extends RingIndex = RingIndex> {
  readonly sring: SharedRing<R>;
  readonly rsp_prod_pvt: Reg;
  readonly req_cons: Reg;
  readonly scratch: Scratch;
}

interface Scratch {
  readonly old: Reg;
  readonly event: Reg;
  readonly prod: Reg;
}

/** Ways a variant breaks a macro (protocols.md R-B1 … R-B4). */
export interface PushBugs {
  /** no xen_wmb before publishing the producer index (R-B4) */
  readonly noWmb?: boolean;
  /** no xen_mb between publishing the producer index and reading the event index (R-B1) */
  readonly noMb?: boolean;
}

export interface FinalCheckBugs {
  /** no xen_mb between setting the event index and the re-check (R-B2) */
  readonly noMb?: boolean;
  /** set the event index and report no work without re-checking (R-B3) */
  readonly noRecheck?: boolean;
}

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

function checkSize(size: number): void {
  if (!isPowerOfTwo(size)) throw modelError(`a ring.h ring has a power-of-two size, got ${size}`, callerPosition());
}

/**
 * A shared ring page after SHARED_RING_INIT: req_prod = rsp_prod = 0, req_event =
 * rsp_event = 1, `size` entries shared by requests and responses (initially 0).
 */
export function declareSharedRing(m: ModelBuilder, name: string, size: number): SharedRing<EventRingIndex> {
  checkSize(size);
  const entries = m.array(`${name}.ring`, size, 0);
  return {
    name,
    req: { dir: 'req', prod: m.shared(`${name}.req_prod`, 0), event: m.shared(`${name}.req_event`, 1), entries, size },
    rsp: { dir: 'rsp', prod: m.shared(`${name}.rsp_prod`, 0), event: m.shared(`${name}.rsp_event`, 1), entries, size },
  };
}

/**
 * A one-way ring of the RFC's design: its own `size` entries and one producer index
 * named `prodName` (req_prod on the FE→BE ring, rsp_prod on the BE→FE ring), no event
 * index (the design notifies unconditionally, or not at all).
 */
export function declareOneWayRing(m: ModelBuilder, name: string, dir: 'req' | 'rsp', size: number): RingIndex {
  checkSize(size);
  return { dir, prod: m.shared(`${name}.${dir}_prod`, 0), event: null, entries: m.array(`${name}.ring`, size, 0), size };
}

function scratch(t: ThreadBuilder, prefix: string): Scratch {
  return { old: t.reg(`${prefix}__old`, 0), event: t.reg(`${prefix}__event`, 0), prod: t.reg(`${prefix}__prod`, 0) };
}

/** Register names: `req_prod_pvt` etc., or `<prefix>.req_prod_pvt` for a thread that drives more than one ring. */
const regPrefix = (prefix: string | undefined): string => (prefix ? `${prefix}.` : '');

/** FRONT_RING_INIT: the front end's private indices, as registers of thread `t`, all 0. */
export function frontRing<R extends RingIndex>(t: ThreadBuilder, sring: SharedRing<R>, opts: { prefix?: string } = {}): FrontRing<R> {
  const p = regPrefix(opts.prefix);
  return {
    sring,
    req_prod_pvt: t.reg(`${p}req_prod_pvt`, 0),
    rsp_cons: t.reg(`${p}rsp_cons`, 0),
    scratch: scratch(t, p),
  };
}

/** BACK_RING_INIT: the back end's private indices, as registers of thread `t`, all 0. */
export function backRing<R extends RingIndex>(t: ThreadBuilder, sring: SharedRing<R>, opts: { prefix?: string } = {}): BackRing<R> {
  const p = regPrefix(opts.prefix);
  return {
    sring,
    rsp_prod_pvt: t.reg(`${p}rsp_prod_pvt`, 0),
    req_cons: t.reg(`${p}req_cons`, 0),
    scratch: scratch(t, p),
  };
}

/** The entry an index addresses: `ring[idx & (RING_SIZE - 1)]` (RING_GET_REQUEST / RING_GET_RESPONSE). */
export function ringEntry(ri: RingIndex, idx: Term): LocRef {
  return ri.entries.at(idx.and(ri.size - 1));
}

export const ringGetRequest = (r: FrontRing | BackRing, idx: Term): LocRef => ringEntry(r.sring.req, idx);
export const ringGetResponse = (r: FrontRing | BackRing, idx: Term): LocRef => ringEntry(r.sring.rsp, idx);

/** RING_FULL (front end only): no free request slot, req_prod_pvt - rsp_cons == RING_SIZE. */
export function ringFull(f: FrontRing): Term {
  return f.req_prod_pvt.sub(f.rsp_cons).eq(f.sring.req.size);
}

// --- producers --------------------------------------------------------------------------

/** RING_PUSH_x: xen_wmb (entries before the index), then publish the private producer index. */
function push(t: ThreadBuilder, mm: MemoryModelName, ri: RingIndex, pvt: Reg, bugs: PushBugs): void {
  if (!bugs.noWmb) barrier(t, mm, 'xen_wmb', { note: `${macro('PUSH', ri)}: xen_wmb (entries before ${ri.dir}_prod)` });
  t.store(ri.prod, pvt, { note: `${macro('PUSH', ri)}: publish ${ri.dir}_prod` });
}

/**
 * RING_PUSH_x_AND_CHECK_NOTIFY: `notify` := whether the consumer asked to be told, i.e.
 * its event index lies in (old, new].
 */
function pushAndCheckNotify(t: ThreadBuilder, mm: MemoryModelName, ri: EventRingIndex, pvt: Reg, s: Scratch, notify: Reg, bugs: PushBugs): void {
  const event = needEvent(ri);
  const name = macro('PUSH', ri, '_AND_CHECK_NOTIFY');
  t.load(s.old, ri.prod, { note: `${name}: __old = ${ri.dir}_prod` });
  if (!bugs.noWmb) barrier(t, mm, 'xen_wmb', { note: `${name}: xen_wmb (entries before ${ri.dir}_prod)` });
  t.store(ri.prod, pvt, { note: `${name}: publish ${ri.dir}_prod = __new` });
  if (!bugs.noMb) barrier(t, mm, 'xen_mb', { note: `${name}: xen_mb (${ri.dir}_prod before reading ${ri.dir}_event)` });
  t.load(s.event, event, { note: `${name}: read ${ri.dir}_event` });
  t.assign(notify, pvt.sub(s.event).ltu(pvt.sub(s.old)));
  t.assign(s.old, 0);
  t.assign(s.event, 0);
}

export function ringPushRequests(t: ThreadBuilder, mm: MemoryModelName, f: FrontRing, bugs: PushBugs = {}): void {
  push(t, mm, f.sring.req, f.req_prod_pvt, bugs);
}

export function ringPushResponses(t: ThreadBuilder, mm: MemoryModelName, b: BackRing, bugs: PushBugs = {}): void {
  push(t, mm, b.sring.rsp, b.rsp_prod_pvt, bugs);
}

export function ringPushRequestsAndCheckNotify(t: ThreadBuilder, mm: MemoryModelName, f: FrontRing<EventRingIndex>, notify: Reg, bugs: PushBugs = {}): void {
  pushAndCheckNotify(t, mm, f.sring.req, f.req_prod_pvt, f.scratch, notify, bugs);
}

export function ringPushResponsesAndCheckNotify(t: ThreadBuilder, mm: MemoryModelName, b: BackRing<EventRingIndex>, notify: Reg, bugs: PushBugs = {}): void {
  pushAndCheckNotify(t, mm, b.sring.rsp, b.rsp_prod_pvt, b.scratch, notify, bugs);
}

// --- consumers --------------------------------------------------------------------------

/**
 * A consumer's `rp = sring->x_prod; rmb();` before it reads entries up to rp (blkback's
 * __do_block_io_op, blkfront's blkif_interrupt). `dst` receives rp.
 */
export function readProducer(t: ThreadBuilder, mm: MemoryModelName, ri: RingIndex, dst: Reg, opts: { noRmb?: boolean; note?: string } = {}): void {
  t.load(dst, ri.prod, { note: opts.note ?? `rp = ${ri.dir}_prod` });
  if (!opts.noRmb) barrier(t, mm, 'xen_rmb', { note: `xen_rmb (${ri.dir}_prod before the entries)` });
}

/** RING_HAS_UNCONSUMED_REQUESTS: min(req_prod - req_cons, RING_SIZE - (req_cons - rsp_prod_pvt)). */
export function ringHasUnconsumedRequests(t: ThreadBuilder, b: BackRing, dst: Reg, note = 'RING_HAS_UNCONSUMED_REQUESTS: read req_prod'): void {
  const s = b.scratch;
  t.load(s.prod, b.sring.req.prod, { note });
  const req = s.prod.sub(b.req_cons);
  const rsp = term(b.sring.req.size).sub(b.req_cons.sub(b.rsp_prod_pvt));
  t.assign(dst, ite(req.ltu(rsp), req, rsp));
  t.assign(s.prod, 0);
}

/** RING_HAS_UNCONSUMED_RESPONSES: rsp_prod - rsp_cons. */
export function ringHasUnconsumedResponses(t: ThreadBuilder, f: FrontRing, dst: Reg, note = 'RING_HAS_UNCONSUMED_RESPONSES: read rsp_prod'): void {
  const s = f.scratch;
  t.load(s.prod, f.sring.rsp.prod, { note });
  t.assign(dst, s.prod.sub(f.rsp_cons));
  t.assign(s.prod, 0);
}

/**
 * RING_FINAL_CHECK_FOR_x: `work` := unconsumed entries; when there are none, ask for a
 * notification on the next one (event := cons + 1), xen_mb, and look again. A consumer
 * that finds `work` zero afterwards may sleep: the producer will see the new event index.
 */
function finalCheck(
  t: ThreadBuilder, mm: MemoryModelName, ri: EventRingIndex, cons: Reg, work: Reg,
  hasUnconsumed: (note: string) => void, bugs: FinalCheckBugs,
): void {
  const event = needEvent(ri);
  const name = macro('FINAL_CHECK_FOR', ri);
  hasUnconsumed(`${name}: read ${ri.dir}_prod`);
  t.if(work.eq(0), () => {
    t.store(event, cons.add(1), { note: `${name}: ${ri.dir}_event = ${ri.dir === 'req' ? 'req_cons' : 'rsp_cons'} + 1` });
    if (!bugs.noMb) barrier(t, mm, 'xen_mb', { note: `${name}: xen_mb (${ri.dir}_event before the re-check)` });
    if (!bugs.noRecheck) hasUnconsumed(`${name}: re-check ${ri.dir}_prod`);
  });
}

export function ringFinalCheckForRequests(t: ThreadBuilder, mm: MemoryModelName, b: BackRing<EventRingIndex>, work: Reg, bugs: FinalCheckBugs = {}): void {
  finalCheck(t, mm, b.sring.req, b.req_cons, work, (note) => ringHasUnconsumedRequests(t, b, work, note), bugs);
}

export function ringFinalCheckForResponses(t: ThreadBuilder, mm: MemoryModelName, f: FrontRing<EventRingIndex>, work: Reg, bugs: FinalCheckBugs = {}): void {
  finalCheck(t, mm, f.sring.rsp, f.rsp_cons, work, (note) => ringHasUnconsumedResponses(t, f, work, note), bugs);
}

// --- helpers ----------------------------------------------------------------------------

/** The types keep hold-off macros off a ring without event indices; this catches untyped callers. */
function needEvent(ri: RingIndex): Loc {
  if (ri.event === null) throw modelError(`this ring has no ${ri.dir}_event: it was declared without notification hold-off`, callerPosition());
  return ri.event;
}

function macro(verb: 'PUSH' | 'FINAL_CHECK_FOR', ri: RingIndex, suffix = ''): string {
  return `RING_${verb}_${ri.dir === 'req' ? 'REQUESTS' : 'RESPONSES'}${suffix}`;
}
