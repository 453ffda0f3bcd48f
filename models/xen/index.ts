/** The Xen primitives every model shares, for models that import them as `xen` from 'xenmc'. */
export * from './barriers.ts';
export * from './bitops.ts';
export * from './event-channel.ts';
export * from './wait.ts';
export * from './ioreq-slot.ts';
export * from './grant-ring.ts';
export * from './spinlock.ts';
export * from './its.ts';
export * from './gic-v3-its.ts';
export * from './domain-pause.ts';
export * from './p2m.ts';
export * from './ioreq-send.ts';
export * from './ioreq-dm.ts';
export * from './vcpu-io.ts';
export * from './buffered-ioreq.ts';
export * from './domain.ts';
