/**
 * Small counterexamples whose event graphs are known by heart, and the real one from the
 * ioreq model, for the report tests.
 */
import type { Reg } from '../../checker/builder.ts';
import { checkProgram } from '../../checker/check.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Result, Trace } from '../../checker/result.ts';
import ioreq from '../../models/ioreq.ts';
import { lbProgram, program, prop, run } from '../helpers.ts';

/** SB (x=1; a=y ∥ y=1; b=x) under TSO: both loads read 0, the store-buffering cycle. */
export function sbTrace(): Trace {
  const p = program('SB', (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg, b!: Reg;
    const p0 = m.thread('P0', (t) => { a = t.reg('a', 0); t.store(x, 1); t.load(a, y); });
    const p1 = m.thread('P1', (t) => { b = t.reg('b', 0); t.store(y, 1); t.load(b, x); });
    m.invariant('SB', m.done(p0).and(m.done(p1)).and(m.regOf(a).eq(0)).and(m.regOf(b).eq(0)).not());
  });
  return prop(run(p, 'tso'), 'SB').trace!;
}

/**
 * LB (a=x; y=1 ∥ b=y; x=1) under ARMv8: both loads read 1. Only a promise gives it: one
 * thread's store is visible before the thread has executed its load, so the write's event
 * is created (at the promise) before the load that precedes it in program order.
 */
export function lbTrace(): Trace {
  return prop(run(lbProgram(), 'armv8'), 'LB').trace!;
}

/**
 * A lost update under SC (r=x; x=r+1 in two threads, then x must be 2), with a control
 * dependency: each thread publishes `done` only if the value it read was below 2.
 */
export function lostUpdateTrace(): Trace {
  const p = program('lost-update', (m) => {
    const x = m.shared('x'), d0 = m.shared('d0'), d1 = m.shared('d1');
    const inc = (name: string, flag: typeof x) => m.thread(name, (t) => {
      const r = t.reg('r', 0);
      t.load(r, x);
      t.store(x, r.add(1));
      t.if(r.lt(2), () => { t.store(flag, 1); });
    });
    const p0 = inc('P0', d0), p1 = inc('P1', d1);
    m.invariant('INC', m.done(p0).and(m.done(p1)).and(m.mem(x).ne(2)).not());
  });
  return prop(run(p, 'sc'), 'INC').trace!;
}

export function ioreqResult(variant: string, mm: MemoryModelName): Result {
  return checkProgram(ioreq.program(variant, mm, ioreq.resolveParams({})), { mm, variant, params: ioreq.resolveParams({}) });
}

/** The README's counterexample: A-B5 under TSO, the blocked flag still in Xen's store buffer. */
export function ioreqTrace(variant = 'A-B5', mm: MemoryModelName = 'tso'): Trace {
  return ioreqResult(variant, mm).properties.find((q) => q.id === 'A4')!.trace!;
}

/**
 * A witness as a litmus front end might hand it over: a hand-written Trace of MP's
 * allowed-under-weak-memory outcome, with none of the optional fields xenmc's replay adds
 * (no dependencies, no violating reads, no state components).
 */
export function bareWitness(): Trace {
  return {
    property: 'MP',
    initial: [{ name: 'x', value: 0, text: '0' }, { name: 'y', value: 0, text: '0' }],
    steps: [
      { index: 1, thread: 'P0', actor: 'P0', kind: 'thread', action: 'store x := 1', source: null, events: [0], changes: [{ name: 'x', before: '0', after: '1' }] },
      { index: 2, thread: 'P0', actor: 'P0', kind: 'thread', action: 'store y := 1', source: null, events: [1], changes: [{ name: 'y', before: '0', after: '1' }] },
      { index: 3, thread: 'P1', actor: 'P1', kind: 'thread', action: 'load y → 1', source: null, events: [2], changes: [] },
      { index: 4, thread: 'P1', actor: 'P1', kind: 'thread', action: 'load x → 0', source: null, events: [3], changes: [] },
    ],
    events: [
      { id: 0, step: 1, thread: 'P0', kind: 'W', location: 'x', value: 1, valueText: '1', instruction: 'store x := 1', visibleAt: 5, co: 0 },
      { id: 1, step: 2, thread: 'P0', kind: 'W', location: 'y', value: 1, valueText: '1', instruction: 'store y := 1', visibleAt: 2, co: 0 },
      { id: 2, step: 3, thread: 'P1', kind: 'R', location: 'y', value: 1, valueText: '1', instruction: 'load y', rf: 1, source: 'memory' },
      { id: 3, step: 4, thread: 'P1', kind: 'R', location: 'x', value: 0, valueText: '0', instruction: 'load x', rf: null, source: 'memory' },
    ],
    violation: 'exists (1:r0=1 /\\ 1:r1=0)',
    final: [{ name: 'x', value: 1, text: '1' }, { name: 'y', value: 1, text: '1' }],
  };
}
