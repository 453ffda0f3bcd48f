/** What can be checked: each kind of property, its constructor and its evaluation. */
export { invariant, InvariantCheck } from './invariant.ts';
export { deadlock, DeadlockCheck, isValidEnd } from './deadlock.ts';
export { assertion } from './assertion.ts';
export { final } from './final.ts';
export { unchecked } from './unchecked.ts';
export { eventually, leadsTo, alwaysEventually, progress, livenessQueries } from './liveness.ts';
export type { LivenessQuery } from './liveness.ts';
