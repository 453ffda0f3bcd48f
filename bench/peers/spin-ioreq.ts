/**
 * The SPIN peer's ioreq model (../shared/peers/spin/ioreq_{sc,tso,pso}.pml and its README's
 * "Exact semantics"), transcribed step for step into xenmc's builder so that the two
 * tools explore the same transition system: same steps, same state components, dead
 * locals reset the same way. Under SC and TSO its state and transition counts must then
 * equal SPIN's -DNOREDUCE counts (the README's cross-check table), which
 * test/bench/spin-peer.test.ts asserts, and bench/run.ts times both tools on it side by side.
 *
 * PSO: the peer's buffers are xenmc's (a FIFO per writer and location, depth 2 with
 * `--buffer 2`, the oldest entry of any buffer flushed as a step of its own, locked steps
 * waiting for all of the thread's buffers to drain), except for the wmb at X5 and D7. The
 * peer makes it a guard of the store after it (the store waits until all the thread's
 * buffers are empty); xenmc's `fence st` is a step of its own that orders the buffers
 * without stopping the thread (checker/memory/pso.ts: the store after it is buffered at
 * once, behind a barrier). Both order the payload before the state store, so the
 * verdicts agree (NO_WMB_XEN with two vCPUs violated; NO_WMB_DM, and every switch with
 * one vCPU, not); the state counts agree exactly where there is no wmb (variant NO_WMB),
 * and elsewhere xenmc has more states: the ones between the fence step and the store, and
 * the ones with the state store buffered behind payload stores still waiting.
 *
 * This is the peer's protocol, not xenmc's built-in ioreq model: here the device model
 * scans slots only after a notification, and the event-channel bits bypass the memory
 * model (SPIN keeps them in plain globals), so they are ghosts updated by the locked
 * steps that own them: a `fence full` step (enabled only with an empty store buffer, as
 * SPIN's LOCKED guard) or an atomic block (likewise, with its guard).
 */
import type { ThreadBuilder } from '../../checker/builder.ts';
import { defineModel } from '../../checker/model.ts';
import { or } from '../../checker/term.ts';

const NONE = 0, READY = 1, INPROCESS = 2, IORESP_READY = 3;
const READ = 0, WRITE = 1;
const F_STATE = 0, F_ADDR = 1, F_DATA = 2, F_DIR = 3;

export default defineModel({
  name: 'spin-ioreq',
  title: 'the SPIN peer\'s ioreq model, transcribed (shared/peers/spin)',
  sources: ['shared/peers/spin/ioreq_sc.pml', 'shared/peers/spin/ioreq_tso.pml', 'shared/peers/spin/README.md'],
  params: {
    N: { kind: 'int', default: 2, min: 1, max: 4, description: 'guest vCPUs' },
    K: { kind: 'int', default: 2, min: 1, max: 3, description: 'requests per vCPU' },
  },
  variants: [
    { id: 'peer', title: 'NOTIFY_FENCE=1, no bug switches' },
    { id: 'NO_WMB', title: '-DNO_WMB: neither side has the wmb before its state store' },
    { id: 'NO_WMB_XEN', title: '-DNO_WMB_XEN: Xen has no wmb before state=READY' },
    { id: 'NO_WMB_DM', title: '-DNO_WMB_DM: the DM has no wmb before state=IORESP_READY' },
  ],
  properties: [{ id: 'assert', title: 'the peer\'s assertions (payload and response data)' }],
  memoryModels: ['sc', 'tso', 'pso'],
  build(m, ctx) {
    const N = ctx.int('N'), K = ctx.int('K');
    // wmb is a compiler barrier under SC and TSO (the peer's WMB is a no-op there)
    const wmb = (t: ThreadBuilder, side: 'XEN' | 'DM', note: string): void => {
      if (ctx.mm !== 'pso' || ctx.variant === 'NO_WMB' || ctx.variant === `NO_WMB_${side}`) return;
      t.fence('st', { note });
    };
    const mem = m.array('mem', 4 * N, 0);
    const xenPend = m.ghostArray('xen_pend', N, 0);
    const dmPend = m.ghostArray('dm_pend', N, 0);
    const req = m.ghostArray('req', N, 0);
    const ADDR = (i: number, k: number): number => 1 + i * K + k;
    const DIR = (i: number, k: number): number => (i + k) % 2;

    for (let i = 0; i < N; i++) {
      m.thread(`xen${i}`, (t) => {
        const r = t.reg('r', 0);
        const slot = (f: number) => mem.at(4 * i + f);
        for (let k = 0; k < K; k++) {
          t.load(r, slot(F_STATE), { note: 'X1' });
          t.assert(r.eq(NONE), 'assert', 'X1: slot not idle');
          t.assign(r, 0);
          t.store(slot(F_ADDR), ADDR(i, k), { note: 'X2' });
          t.store(slot(F_DATA), DIR(i, k) === WRITE ? ADDR(i, k) + 100 : 0, { note: 'X3' });
          t.store(slot(F_DIR), DIR(i, k), { note: 'X4' });
          wmb(t, 'XEN', 'X5 (wmb)');
          t.store(slot(F_STATE), READY, { note: 'X5' });
          t.fence('full', { note: 'X6 (locked: set dm_pend)' });
          t.setGhost(dmPend.at(i), 1);
          t.label(`X7.${k}`);
          t.atomic(() => {
            t.guard(xenPend.at(i).eq(1));
            t.setGhost(xenPend.at(i), 0);
          }, { note: 'X7 (locked: clear xen_pend)' });
          t.load(r, slot(F_STATE), { note: 'X8' });
          t.if(r.eq(IORESP_READY), () => t.assign(r, 0), () => { t.assign(r, 0); t.goto(`X7.${k}`); });
          if (DIR(i, k) === READ) {
            t.load(r, slot(F_DATA), { note: 'X9' });
            t.assert(r.eq(ADDR(i, k) + 50), 'assert', 'X9: stale read data');
            t.assign(r, 0);
          } else {
            t.skip({ note: 'X9' });
          }
          t.store(slot(F_STATE), NONE, { note: 'X10' });
          t.setGhost(req.at(i), k + 1);
        }
      });
    }

    m.thread('dm', (t) => {
      const i = t.reg('i', 0), a = t.reg('a', 0), d = t.reg('d', 0), r = t.reg('r', 0);
      const slot = (f: number) => mem.at(i.mul(4).add(f));
      t.label('D0', { end: true });
      t.atomic(() => {
        t.guard(or(...Array.from({ length: N }, (_, j) => dmPend.at(j).eq(1))));
        for (let j = 0; j < N; j++) t.setGhost(dmPend.at(j), 0);
      }, { note: 'D0 (locked: take all pending ports)' });
      t.label('D1');
      t.load(r, slot(F_STATE), { note: 'D1' });
      t.if(r.ne(READY), () => {
        t.assign(r, 0);
        t.if(i.lt(N - 1), () => { t.assign(i, i.add(1)); t.goto('D1'); });
        t.assign(i, 0);
        t.goto('D0');
      });
      t.assign(r, 0);
      t.load(a, slot(F_ADDR), { note: 'D2' });
      t.assert(a.eq(req.at(i).add(i.mul(K)).add(1)), 'assert', 'D2: stale addr');
      t.load(d, slot(F_DIR), { note: 'D3' });
      t.assert(d.eq(i.add(req.at(i)).mod(2)), 'assert', 'D3: stale dir');
      t.load(r, slot(F_DATA), { note: 'D4' });
      t.assert(d.eq(READ).or(r.eq(a.add(100))), 'assert', 'D4: stale write data');
      t.assign(r, 0);
      t.store(slot(F_STATE), INPROCESS, { note: 'D5' });
      t.if(d.eq(READ), () => t.store(slot(F_DATA), a.add(50), { note: 'D6' }));
      wmb(t, 'DM', 'D7 (wmb)');
      t.store(slot(F_STATE), IORESP_READY, { note: 'D7' });
      t.assign(a, 0);
      t.assign(d, 0);
      t.fence('full', { note: 'D8 (locked: set xen_pend)' });
      t.setGhost(xenPend.at(i), 1);
      t.if(i.lt(N - 1), () => { t.assign(i, i.add(1)); t.goto('D1'); });
      t.assign(i, 0);
      t.goto('D0');
    });
  },
});
