/** The Xen primitives every model shares, for models that import them as `xen` from 'xenmc'. */
export * from './barriers.ts';
export * from './bitops.ts';
export * from './event-channel.ts';
export * from './wait.ts';
export * from './ioreq-slot.ts';
export * from './grant-ring.ts';
