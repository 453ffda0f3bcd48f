import { barrier, defineModel, expectationTable } from 'xenmc';

/** A producer publishes data, then a flag; a consumer spins on the flag, then reads the data. */
export default defineModel({
  name: 'message-passing',
  title: 'publish data, then a flag; the consumer waits for the flag, then reads the data',
  variants: [
    { id: 'fenced', title: 'smp_wmb between data and flag, smp_rmb after seeing the flag' },
    { id: 'unfenced', title: 'no barriers' },
  ],
  properties: [{ id: 'MP', title: 'the consumer reads the data the producer published' }],
  expected: expectationTable(['MP'], {
    fenced: { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    unfenced: { sc: 'H', tso: 'H', pso: 'V:MP', armv8: 'V:MP' },
  }),
  build(m, { variant, mm }) {
    const data = m.shared('data', 0);
    const flag = m.shared('flag', 0);
    m.thread('producer', (t) => {
      t.store(data, 42);
      if (variant === 'fenced') barrier(t, mm, 'smp_wmb');
      t.store(flag, 1);
    });
    m.thread('consumer', (t) => {
      const f = t.reg('f');
      const d = t.reg('d');
      t.await(f, flag, f.eq(1)); // spin until the flag is set
      if (variant === 'fenced') barrier(t, mm, 'smp_rmb');
      t.load(d, data);
      t.assert(d.eq(42), 'MP', 'the consumer saw the flag but stale data');
    });
  },
});
