/**
 * Scenario B in the usual ring.h form (../shared/design/protocols.md §B.3, the R variants):
 * a frontend and a backend exchange requests and responses over one shared ring with
 * notification hold-off (req_event / rsp_event) and an event channel each way.
 *
 * Follows:
 *  - xen-project/xen xen/include/public/io/ring.h: SHARED_RING_INIT, RING_GET_REQUEST /
 *    RING_GET_RESPONSE, RING_FULL, RING_PUSH_REQUESTS_AND_CHECK_NOTIFY,
 *    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY, RING_HAS_UNCONSUMED_*, RING_FINAL_CHECK_FOR_*
 *    (the macros and their barriers live in models/xen/grant-ring.ts);
 *  - the consumers that use them, as in Linux's xen-blkfront (blkif_queue_request then
 *    flush_requests: push and notify if asked; blkif_interrupt: `rp = rsp_prod; rmb()`,
 *    take the responses, RING_FINAL_CHECK_FOR_RESPONSES) and xen-blkback
 *    (__do_block_io_op: `rp = req_prod; rmb()`, take the requests; make_response: push and
 *    notify if asked; do_block_io_op: RING_FINAL_CHECK_FOR_REQUESTS, sleep when no work);
 *  - xen-project/xen xen/common/event_channel.c, xen/common/event_2l.c for the two event
 *    channels (models/xen/event-channel.ts): a notify is a fully ordered set of P; the
 *    woken side takes the event and clears P before it looks at the ring.
 *
 * Actors: FE issues `requests` requests, as many at a time as the ring has room for, and
 * reaps responses until every request is answered; when it has nothing to issue and no
 * response to reap it sleeps on its event channel. BE serves forever: it takes an event,
 * consumes every request it finds, answers each at once, and sleeps again after the final
 * check. Request k carries REQ(k) and its response RSP(k), so B2 is a comparison.
 *
 * Both sides poll (protocols.md §0): BE re-reads req_prod in its consume loop and final
 * check, FE re-reads rsp_prod before deciding to sleep, with no event in between.
 *
 * Properties (protocols.md §0): B2 and B3 only; B1, B4 and B5 concern the RFC's spin-wait
 * design (models/fe-be-config.ts). A response lost on the way back (FE asleep with a
 * response it has not reaped) would be a deadlock no named property claims, reported by
 * the built-in `deadlock`; every variant here breaks the request side only. FE reads each
 * response (the load matters for ordering and slot reuse) but no property speaks of its
 * content; models/virtio-ring.ts checks the payload in both directions.
 */
import { defineModel } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostRef, Loc, ModelBuilder, Reg, ThreadBuilder } from '../checker/builder.ts';
import type { BuildContext } from '../checker/model.ts';
import { and, not, or, type Term } from '../checker/term.ts';
import { awaitEvent, notify } from './xen/event-channel.ts';
import {
  backRing, declareSharedRing, frontRing, readProducer, ringFinalCheckForRequests, ringFinalCheckForResponses,
  ringFull, ringGetRequest, ringGetResponse, ringPushRequestsAndCheckNotify, ringPushResponsesAndCheckNotify,
  type EventRingIndex, type SharedRing,
} from './xen/grant-ring.ts';

const PROPERTIES = ['B2', 'B3'];

/** The payload of request k and of its response. */
export const REQ = (k: Term): Term => k.add(1);
export const RSP = (k: Term): Term => k.add(100);

/** Where each side sleeps until its event channel fires. */
export const BE_WAIT = 'be.wait';
export const FE_WAIT = 'fe.wait';

export default defineModel({
  name: 'ring',
  title: 'ring.h request/response ring with req_event/rsp_event hold-off and an event channel each way (protocols.md §2, scenario B, R variants)',
  sources: [
    'xen-project/xen xen/include/public/io/ring.h (RING_PUSH_*_AND_CHECK_NOTIFY, RING_FINAL_CHECK_FOR_*)',
    'Linux drivers/block/xen-blkfront.c (blkif_queue_request, flush_requests, blkif_interrupt)',
    'Linux drivers/block/xen-blkback/blkback.c (__do_block_io_op, make_response, do_block_io_op)',
    'xen-project/xen xen/common/event_channel.c, xen/common/event_2l.c (notify sets P, fully ordered; the consumer clears P)',
  ],
  params: {
    requests: { kind: 'int', default: 3, min: 1, max: 6, description: 'requests FE issues in all' },
    size: { kind: 'int', default: 2, min: 1, max: 4, description: 'RING_SIZE (a power of two); with fewer entries than requests FE waits for responses to free slots' },
  },
  variants: [
    { id: 'R-F', title: 'ring.h as written: wmb before and mb after publishing req_prod; final check with mb and re-check' },
    { id: 'R-B1', title: 'FE drops the mb between storing req_prod and loading req_event' },
    { id: 'R-B2', title: 'BE drops the mb in RING_FINAL_CHECK_FOR_REQUESTS (between req_event and the re-check)' },
    { id: 'R-B3', title: 'BE sets req_event and sleeps without re-checking req_prod' },
    { id: 'R-B4', title: 'FE drops the wmb before publishing req_prod' },
    { id: 'R-B5', title: 'BE drops the rmb after reading req_prod' },
  ],
  properties: [
    { id: 'B2', title: 'payload integrity: BE reads the request FE wrote for that index' },
    { id: 'B3', title: 'no lost wakeup: every published request is eventually consumed (safety form: never a deadlock with BE asleep, P == 0, req_prod != req_cons, and FE past its notify decision for every published request)' },
  ],
  // protocols.md §6, rows "B ring"; verdicts.tsv gives the same cells (test/models/ring.test.ts compares them).
  // Under ARMv8 the default three requests are millions of states (over 1 M unfinished in
  // 20 s); two show every variant's bug: the second request is the one whose notification
  // R-B1…R-B3 lose, and whose payload R-B4/R-B5 let BE read stale.
  verifyWith: (_variant, mm) => (mm === 'armv8' ? { params: { requests: 2 }, reason: 'two requests (three are millions of states under ARMv8)' } : undefined),
  expected: expectationTable(PROPERTIES, {
    'R-F': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'R-B1': { sc: 'H', tso: 'V:B3', pso: 'V:B3', armv8: 'V:B3' },
    'R-B2': { sc: 'H', tso: 'V:B3', pso: 'V:B3', armv8: 'V:B3' },
    'R-B3': { sc: 'V:B3', tso: 'V:B3', pso: 'V:B3', armv8: 'V:B3' },
    'R-B4': { sc: 'H', tso: 'H', pso: 'V:B2', armv8: 'V:B2' },
    'R-B5': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:B2' },
  }),
  build(m, ctx) {
    const sring = declareSharedRing(m, 'sring', ctx.int('size'));
    /** P of the FE→BE and BE→FE event channels */
    const toBackend = m.shared('evtchn_be.pending', 0);
    const toFrontend = m.shared('evtchn_fe.pending', 0);
    /** how many published requests FE has made its notify decision for (ghost: B3 speaks of it) */
    const decided = m.ghost('fe.decided', 0);

    frontend(m, ctx, sring, toBackend, toFrontend, decided);
    const be = backend(m, ctx, sring, toBackend, toFrontend);

    // B3 (protocols.md §B.4), liveness form: request k, once published (req_prod > k in
    // memory), is eventually consumed (BE's req_cons > k), on every fair run; safety form
    // (§0 "Liveness encoding"): the deadlocks with BE asleep over a request it has not
    // consumed, nothing pending, and FE past its notify decision.
    const K = ctx.int('requests');
    m.leadsTo('B3', Array.from({ length: K }, (_, k) => [m.mem(sring.req.prod).gt(k), m.regOf(be.req_cons).gt(k)] as const), {
      deadlock: and(
        m.at(be.thread, BE_WAIT),
        m.mem(toBackend).eq(0),
        m.mem(sring.req.prod).ne(m.regOf(be.req_cons)),
        decided.eq(m.mem(sring.req.prod)),
      ),
    });
  },
});

/** FE: issue while there is room, reap responses, sleep when there is nothing else to do. */
function frontend(m: ModelBuilder, ctx: BuildContext, sring: SharedRing<EventRingIndex>, toBackend: Loc, toFrontend: Loc, decided: GhostRef): ThreadBuilder {
  const { variant, mm } = ctx;
  const K = ctx.int('requests');
  return m.thread('FE', { actor: 'FE (frontend)' }, (t) => {
    const f = frontRing(t, sring);
    const kick = t.reg('notify', 0);
    const rp = t.reg('rp', 0);
    const rsp = t.reg('rsp', 0);
    const more = t.reg('more_to_do', 0);
    const got = t.reg('P', 0);
    const canIssue: Term = and(f.req_prod_pvt.lt(K), not(ringFull(f)));

    t.while(f.rsp_cons.lt(K), () => {
      t.if(canIssue, () => {
        t.store(ringGetRequest(f, f.req_prod_pvt), REQ(f.req_prod_pvt), { note: 'write the request into RING_GET_REQUEST(req_prod_pvt)' });
        t.assign(f.req_prod_pvt, f.req_prod_pvt.add(1));
        ringPushRequestsAndCheckNotify(t, mm, f, kick, { noWmb: variant === 'R-B4', noMb: variant === 'R-B1' });
        t.setGhost(decided, f.req_prod_pvt);
        t.if(kick, () => notify(t, mm, toBackend, { note: 'notify_remote_via_irq: notify BE' }));
        t.assign(kick, 0);
        t.continue();
      });
      // blkif_interrupt's loop, also run by polling: take every response published so far.
      readProducer(t, mm, sring.rsp, rp);
      t.while(f.rsp_cons.ne(rp), () => {
        t.load(rsp, ringGetResponse(f, f.rsp_cons), { note: 'take the response at rsp_cons' });
        t.assign(f.rsp_cons, f.rsp_cons.add(1));
        t.assign(rsp, 0);
      });
      t.assign(rp, 0);
      t.if(or(canIssue, f.rsp_cons.eq(K)), () => t.continue());
      ringFinalCheckForResponses(t, mm, f, more);
      t.if(more.ne(0), () => { t.assign(more, 0); t.continue(); });
      t.label(FE_WAIT);
      awaitEvent(t, mm, got, toFrontend, { note: 'sleep until BE notifies; take the event' });
      t.assign(got, 0);
    });
  });
}

/** BE: take an event, consume and answer every request, final check, sleep; forever. */
function backend(m: ModelBuilder, ctx: BuildContext, sring: SharedRing<EventRingIndex>, toBackend: Loc, toFrontend: Loc): { thread: ThreadBuilder; req_cons: Reg } {
  const { variant, mm } = ctx;
  let reqCons: Reg | null = null;
  const thread = m.thread('BE', { actor: 'BE (backend)' }, (t) => {
    const b = backRing(t, sring);
    reqCons = b.req_cons;
    const got = t.reg('P', 0);
    const rp = t.reg('rp', 0);
    const req = t.reg('req', 0);
    const kick = t.reg('notify', 0);
    const more = t.reg('more_to_do', 0);

    t.label(BE_WAIT, { end: true });
    awaitEvent(t, mm, got, toBackend, { note: 'sleep until FE notifies; take the event' });
    t.assign(got, 0);
    t.label('be.consume');
    readProducer(t, mm, sring.req, rp, { noRmb: variant === 'R-B5' });
    t.while(b.req_cons.ne(rp), () => {
      t.load(req, ringGetRequest(b, b.req_cons), { note: 'copy the request at req_cons' });
      t.assert(req.eq(REQ(b.req_cons)), 'B2', 'BE read a request payload FE did not write for that index');
      t.assign(b.req_cons, b.req_cons.add(1));
      t.assign(req, 0);
      // make_response: the answer goes into the slot the request came from (1-for-1)
      t.store(ringGetResponse(b, b.rsp_prod_pvt), RSP(b.rsp_prod_pvt), { note: 'write the response into RING_GET_RESPONSE(rsp_prod_pvt)' });
      t.assign(b.rsp_prod_pvt, b.rsp_prod_pvt.add(1));
      ringPushResponsesAndCheckNotify(t, mm, b, kick);
      t.if(kick, () => notify(t, mm, toFrontend, { note: 'notify_remote_via_irq: notify FE' }));
      t.assign(kick, 0);
    });
    t.assign(rp, 0);
    ringFinalCheckForRequests(t, mm, b, more, { noMb: variant === 'R-B2', noRecheck: variant === 'R-B3' });
    t.if(more.ne(0), () => { t.assign(more, 0); t.goto('be.consume'); });
    t.goto(BE_WAIT);
  });
  if (reqCons === null) throw new Error('the backend thread declared no req_cons');
  return { thread, req_cons: reqCons };
}
