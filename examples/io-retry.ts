import { defineModel, expectationTable } from 'xenmc';

const NONE = 0, READY = 1, IORESP_READY = 3;

/**
 * C-B1 in miniature: a trapped MMIO access is sent to the device model, and once the answer
 * has been taken the access is re-emulated. Re-emulation must ask "was this access
 * answered?" of Xen's private copy; asking the shared slot, which taking the answer has
 * already reset to NONE, sends the access again, forever.
 */
export default defineModel({
  name: 'io-retry',
  title: 'an MMIO access retried until it completes',
  variants: [
    { id: 'private', title: 're-emulation checks the private copy' },
    { id: 'live', title: 're-emulation checks the live slot state' },
  ],
  properties: [{ id: 'DONE', title: 'the guest eventually resumes past the access', needs: 'liveness' }],
  expected: expectationTable(['DONE'], {
    private: { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    live: { sc: 'V:DONE', tso: 'V:DONE', pso: 'V:DONE', armv8: 'V:DONE' },
  }),
  build(m, { variant }) {
    const state = m.shared('slot.state', NONE, { values: { 0: 'NONE', 1: 'READY', 3: 'IORESP_READY' } });
    const vcpu = m.thread('Xen', { actor: 'Xen (vCPU0)' }, (t) => {
      const s = t.reg('s', 0);
      const answered = t.reg('answered', 0);
      t.loop(() => {
        t.store(state, READY, { note: 'send the access' });
        t.await(s, state, s.eq(IORESP_READY), { note: 'wait for the answer' });
        t.store(state, NONE, { note: 'take the answer' });
        t.assign(answered, 1);
        if (variant === 'live') {
          t.load(s, state, { note: 're-emulate: was it answered?' });
          t.if(s.eq(IORESP_READY), () => t.break());
        } else {
          t.if(answered.eq(1), () => t.break());
        }
        t.assign(answered, 0);
      });
    });
    m.thread('DM', { actor: 'device model' }, (t) => {
      const s = t.reg('s', 0);
      t.loop(() => {
        t.label('idle', { end: true });
        t.await(s, state, s.eq(READY), { note: 'a request' });
        t.store(state, IORESP_READY, { note: 'answer it' });
      });
    });
    m.eventually('DONE', m.done(vcpu));
  },
});
