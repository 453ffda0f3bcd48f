/**
 * Scenario B of ../shared/design/protocols.md: a frontend changes the device configuration
 * through a grant ring and an event channel, and spin-waits for the backend's answer, so
 * that it never reads the configuration before the backend has recorded the change.
 *
 * Follows:
 *  - the xen-devel RFC "implement 'trap-process-return'-like behavior with grant ring +
 *    evtchn" (../shared/design/sources/001_216841930945a4b5.txt): one event channel
 *    (cfg-evtchn) and two grant rings (fe-to-be, be-to-fe), zeroed; FE puts its request on
 *    fe-to-be, notifies, spin-waits for exactly one answer on be-to-fe (otherwise BUG) and
 *    consumes it; BE gets notified, checks for exactly one request (otherwise BUG), consumes
 *    it and writes its answer back, with no notification towards FE;
 *  - protocols.md §B.2 for the barriers of each step, which are those of ring.h's
 *    RING_PUSH_REQUESTS / RING_PUSH_RESPONSES and of a consumer's `rp = prod; rmb()`
 *    (xen-project/xen xen/include/public/io/ring.h, models/xen/grant-ring.ts);
 *  - xen-project/xen xen/common/event_channel.c, xen/common/event_2l.c for the event
 *    channel (models/xen/event-channel.ts): a notify is a fully ordered set of P, the
 *    consumer clears P.
 *
 * Actors: FE (a guest vCPU running the frontend) issues `requests` configuration changes one
 * after another; BE serves forever and may rest at its wait for the next event. Request k
 * carries the new configuration CFG(k) = c(k+1) (devcfg starts at c0 = 0), and BE answers it
 * with ACK(k), so "BE's acknowledgement of k" and "devcfg reflects k" are comparisons.
 *
 * FE polls (protocols.md §0): its spin re-reads rsp_prod with no event in between (no
 * notification goes back to FE in this design), so no event orders BE's answer for it.
 */
import { defineModel } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostRef, Loc, ModelBuilder, Reg, ThreadBuilder } from '../checker/builder.ts';
import type { BuildContext } from '../checker/model.ts';
import { and, type Term } from '../checker/term.ts';
import { barrier } from './xen/barriers.ts';
import { clearEvent, notify, waitForEvent } from './xen/event-channel.ts';
import {
  backRing, declareOneWayRing, frontRing, readProducer, ringGetRequest, ringGetResponse, ringPushRequests,
  ringPushResponses, type SharedRing,
} from './xen/grant-ring.ts';

const PROPERTIES = ['B1', 'B2', 'B3', 'B4', 'B5'];

/** The configuration request k installs (c1, c2, ...; c0 = 0 is the initial one). */
export const CFG = (k: Term): Term => k.add(1);
/** BE's acknowledgement of request k. */
export const ACK = (k: Term): Term => k.add(100);

/** Where FE spins for the answer (step 5) and where BE sleeps until notified (step 1). */
export const FE_SPIN = 'fe.spin';
export const BE_WAIT = 'be.wait';

export default defineModel({
  name: 'fe-be-config',
  title: 'FE↔BE configuration change over two grant rings and an event channel, FE spin-waiting for the answer (protocols.md §2, scenario B)',
  sources: [
    'xen-devel RFC "implement trap-process-return-like behavior with grant ring + evtchn" (shared/design/sources/001_216841930945a4b5.txt)',
    'xen-project/xen xen/include/public/io/ring.h (RING_PUSH_REQUESTS, RING_PUSH_RESPONSES; consumers: rp = prod, rmb)',
    'xen-project/xen xen/common/event_channel.c, xen/common/event_2l.c (notify sets P, fully ordered; the consumer clears P)',
  ],
  params: {
    requests: { kind: 'int', default: 3, min: 1, max: 4, description: 'configuration changes FE makes, one after another' },
    size: { kind: 'int', default: 1, min: 1, max: 4, description: 'entries per ring (a power of two); 1 makes every request reuse the slot of the one before' },
  },
  variants: [
    { id: 'B-F', title: 'RFC design as protocols.md §B.2 gives it: BE clears P before looking at the ring; wmb/rmb on both rings' },
    { id: 'B-B1', title: 'BE clears P after processing (step 2 moved after step 6)' },
    { id: 'B-B2', title: 'BE drops the wmb before publishing rsp_prod' },
    { id: 'B-B3', title: 'FE drops the rmb after its spin' },
    { id: 'B-B4', title: 'notify modelled as a plain store to P, no FE fence between req_prod and P (model-sensitivity control)' },
    { id: 'B-B5', title: 'a spurious or duplicate event may set P at any moment (event-channel semantics allow it)' },
  ],
  properties: [
    { id: 'B1', title: 'acknowledged before read: when FE finishes step 8 for request k, RSP holds BE\'s ack of k and devcfg (as FE then reads it) reflects k' },
    { id: 'B2', title: 'payload integrity: BE reads the request FE wrote for that index' },
    { id: 'B3', title: 'no lost wakeup: every published request is eventually consumed (safety form: never a deadlock with BE asleep, P == 0, req_prod != req_cons, and FE past its notify for every published request)' },
    { id: 'B4', title: 'neither BUG is reached: BE finds exactly one request when woken, FE exactly one answer when its spin ends' },
    { id: 'B5', title: 'FE eventually leaves its spin (safety form: never a deadlock with FE spinning for the answer)' },
  ],
  // protocols.md §6, rows "B FE/BE"; verdicts.tsv gives the same cells (test/models/fe-be-config.test.ts compares them).
  // B-B5 under ARMv8: the spurious event needs no request before it to wake BE to an empty
  // ring, and with three requests the run is millions of states (two: 1.9 M, 23 s).
  verifyWith: (variant, mm) => (mm === 'armv8' && variant === 'B-B5' ? { params: { requests: 1 }, reason: 'one request: the spurious event wakes BE to an empty ring (three are millions of states under ARMv8)' } : undefined),
  expected: expectationTable(PROPERTIES, {
    'B-F': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'B-B1': { sc: 'V:B3,B5', tso: 'V:B3,B5', pso: 'V:B3,B5', armv8: 'V:B3,B5' },
    'B-B2': { sc: 'H', tso: 'H', pso: 'V:B1', armv8: 'V:B1' },
    'B-B3': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:B1' },
    'B-B4': { sc: 'H', tso: 'H', pso: 'V:B4', armv8: 'V:B4' },
    'B-B5': { sc: 'V:B4', tso: 'V:B4', pso: 'V:B4', armv8: 'V:B4' },
  }),
  build(m, ctx) {
    const S = ctx.int('size');
    // The RFC's two rings, zeroed: fe-to-be carries REQ and req_prod, be-to-fe RSP and rsp_prod.
    const rings: SharedRing = {
      name: 'rfc',
      req: declareOneWayRing(m, 'fe2be', 'req', S),
      rsp: declareOneWayRing(m, 'be2fe', 'rsp', S),
    };
    /** P of cfg-evtchn (FE → BE); masks are not modelled (event-channel.ts) */
    const pending = m.shared('cfg_evtchn.pending', 0);
    const devcfg = m.shared('devcfg', 0, { values: configNames(ctx.int('requests')) });
    /** how many published requests FE has notified for (ghost: B3 speaks of FE's notify decisions) */
    const notified = m.ghost('fe.notified', 0);

    const fe = frontend(m, ctx, rings, pending, devcfg, notified);
    const be = backend(m, ctx, rings, pending, devcfg);
    if (ctx.variant === 'B-B5') spuriousEvent(m, ctx, pending);

    // B3 (protocols.md §B.4), liveness form: request k, once published (req_prod > k in
    // memory), is eventually consumed (BE's req_cons > k), on every fair run. Safety form
    // (§0 "Liveness encoding"), the deadlocks that are B3's own: BE asleep with a request
    // it has not consumed, nothing pending, and FE done deciding to notify.
    const K = ctx.int('requests');
    m.leadsTo('B3', Array.from({ length: K }, (_, k) => [m.mem(rings.req.prod).gt(k), m.regOf(be.req_cons).gt(k)] as const), {
      deadlock: and(
        m.at(be.thread, BE_WAIT),
        m.mem(pending).eq(0),
        m.mem(rings.req.prod).ne(m.regOf(be.req_cons)),
        notified.eq(m.mem(rings.req.prod)),
      ),
    });
    // B5: FE eventually leaves its spin; safety form: a deadlock with FE in its spin.
    m.leadsTo('B5', m.at(fe, FE_SPIN), m.at(fe, FE_SPIN).not(), { deadlock: m.at(fe, FE_SPIN) });
  },
});

/** FE: steps 1–9 of protocols.md §B.2, once per configuration change. */
function frontend(m: ModelBuilder, ctx: BuildContext, rings: SharedRing, pending: Loc, devcfg: Loc, notified: GhostRef): ThreadBuilder {
  const { variant, mm } = ctx;
  const K = ctx.int('requests');
  return m.thread('FE', { actor: 'FE (guest vCPU)' }, (t) => {
    const f = frontRing(t, rings);
    const rp = t.reg('rsp_prod', 0);
    const rsp = t.reg('rsp', 0);
    const cfg = t.reg('devcfg', 0);
    t.while(f.req_prod_pvt.lt(K), () => {
      t.store(ringGetRequest(f, f.req_prod_pvt), CFG(f.req_prod_pvt), { note: 'FE 1: write REQ (the new configuration)' });
      t.assign(f.req_prod_pvt, f.req_prod_pvt.add(1));
      ringPushRequests(t, mm, f); // FE 2–3: wmb; req_prod := req_prod_pvt
      if (variant === 'B-B4') t.store(pending, 1, { note: 'FE 4: notify, as a plain store to P (no fence)' });
      else notify(t, mm, pending, { note: 'FE 4: notify cfg-evtchn (unconditional; fully ordered set of P)' });
      t.setGhost(notified, f.req_prod_pvt);

      t.label(FE_SPIN);
      t.await(rp, rings.rsp.prod, rp.ne(f.rsp_cons), { note: 'FE 5: spin until rsp_prod != rsp_cons' });
      if (variant !== 'B-B3') barrier(t, mm, 'rmb', { note: 'FE 6: rmb (rsp_prod before RSP)' });
      t.assert(rp.sub(f.rsp_cons).eq(1), 'B4', 'FE: BUG(), not exactly one answer on the be-to-fe ring');
      t.load(rsp, ringGetResponse(f, f.rsp_cons), { note: 'FE 8: read RSP' });
      t.assert(rsp.eq(ACK(f.rsp_cons)), 'B1', 'FE took an answer that is not BE\'s acknowledgement of its request');
      t.assign(f.rsp_cons, f.rsp_cons.add(1));
      // FE 9: return; the caller now reads the configuration, relying on the acknowledgement.
      t.load(cfg, devcfg, { note: 'FE 9: read the configuration' });
      t.assert(cfg.eq(CFG(f.rsp_cons.sub(1))), 'B1', 'FE read a configuration that does not reflect its acknowledged change');
      t.assign(rp, 0);
      t.assign(rsp, 0);
      t.assign(cfg, 0);
    });
  });
}

/** BE: steps 1–7 of protocols.md §B.2, forever. */
function backend(m: ModelBuilder, ctx: BuildContext, rings: SharedRing, pending: Loc, devcfg: Loc): { thread: ThreadBuilder; req_cons: Reg } {
  const { variant, mm } = ctx;
  let reqCons: Reg | null = null;
  const thread = m.thread('BE', { actor: 'BE (backend)' }, (t) => {
    const b = backRing(t, rings);
    reqCons = b.req_cons;
    const got = t.reg('P', 0);
    const rp = t.reg('rp', 0);
    const req = t.reg('req', 0);

    t.label(BE_WAIT, { end: true });
    waitForEvent(t, got, pending, { note: 'BE 1: block until P == 1' });
    t.assign(got, 0);
    if (variant !== 'B-B1') clearEvent(t, mm, pending, { note: 'BE 2: clear P (fully ordered), before looking at the ring' });
    readProducer(t, mm, rings.req, rp, { note: 'BE 3: rp = req_prod' });
    t.assert(rp.sub(b.req_cons).eq(1), 'B4', 'BE: BUG(), not exactly one request on the fe-to-be ring');
    t.load(req, ringGetRequest(b, b.req_cons), { note: 'BE 5: read REQ' });
    t.assert(req.eq(CFG(b.req_cons)), 'B2', 'BE read a request payload FE did not write for that index');
    t.assign(b.req_cons, b.req_cons.add(1));
    t.store(devcfg, req, { note: 'BE 5: apply the request to devcfg' });
    t.store(ringGetResponse(b, b.rsp_prod_pvt), ACK(b.rsp_prod_pvt), { note: 'BE 6: write RSP := ack' });
    t.assign(b.rsp_prod_pvt, b.rsp_prod_pvt.add(1));
    ringPushResponses(t, mm, b, { noWmb: variant === 'B-B2' }); // BE 6: wmb; rsp_prod := rsp_prod_pvt
    if (variant === 'B-B1') clearEvent(t, mm, pending, { note: 'BE: clear P only now, after processing (step 2 moved here)' });
    t.assign(rp, 0);
    t.assign(req, 0);
    t.goto(BE_WAIT);
  });
  if (reqCons === null) throw new Error('the backend thread declared no req_cons');
  return { thread, req_cons: reqCons };
}

/** B-B5: the event channel may raise P once more at any moment, with no request behind it. */
function spuriousEvent(m: ModelBuilder, ctx: BuildContext, pending: Loc): ThreadBuilder {
  return m.thread('EV', { actor: 'event channel (spurious event)' }, (t) => {
    notify(t, ctx.mm, pending, { note: 'a spurious or duplicate event: set P' });
  });
}

function configNames(K: number): Readonly<Record<number, string>> {
  return Object.fromEntries(Array.from({ length: K + 1 }, (_, i) => [i, `c${i}`]));
}
