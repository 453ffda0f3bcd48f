/**
 * Running litmus tests (checker/litmus.ts): herd7's sense of Allowed/Forbidden whatever
 * the quantifier, with whether the test's own expectation holds; exclusives in litmus form
 * under SC and TSO, with exact final states; loops that retry a store-exclusive stay
 * finite; witnesses end in the satisfying state.
 */
import { describe, expect, it } from 'vitest';
import { runLitmus, runLitmusFile, type LitmusOutcome } from '../../checker/litmus.ts';
import { parseLitmus } from '../../models/litmus/index.ts';
import { sharedPath } from '../shared.ts';

const a64 = (f: string): string => sharedPath('litmus', 'aarch64', f);
const finals = (o: LitmusOutcome): string[] => o.finals.map((f) => `${f.satisfies ? '*' : ' '}${Object.entries(f.values).map(([k, v]) => `${k}=${v}`).join(' ')}`);

describe('litmus verdicts in herd7\'s sense', () => {
  it('forall: Allowed when a final state satisfies the proposition, and the test\'s expectation holds when all do (STABLE, Small)', () => {
    const stable = runLitmusFile(a64('herdtools7-catalogue-aarch64/STABLE.litmus'), { mm: 'sc' });
    expect(stable).toMatchObject({ verdict: 'Allowed', quantifier: 'forall', expectationHolds: true });
    expect(finals(stable)).toEqual(['*0:X0=0 1:X0=1']);
    const small = runLitmusFile(a64('herdtools7-catalogue-aarch64/Small.litmus'), { mm: 'sc' });
    expect(small).toMatchObject({ verdict: 'Allowed', expectationHolds: true });
    expect(finals(small)).toEqual(['*0:X0=1']);
  });

  it('~exists: Forbidden when no final state satisfies it, which is what the test expects (ATOM00 under SC: the exclusive pair is atomic)', () => {
    const o = runLitmusFile(a64('herdtools7-armed-cats-v8/ATOM00.litmus'), { mm: 'sc' });
    expect(o).toMatchObject({ verdict: 'Forbidden', quantifier: '~exists', expectationHolds: true });
    // herd7 counts 0 executions satisfying it and 4 others under aarch64.cat; SC has four final states
    expect(finals(o)).toEqual([' ok=0 x=1 1:X2=0', ' ok=0 x=1 1:X2=1', ' ok=1 x=1 1:X2=0', ' ok=1 x=2 1:X2=1']);
  });
});

describe('exclusives in litmus form', () => {
  const increments = `AArch64 LLSC-retry
{ 0:X1=x; 1:X1=x; }
 P0              | P1              ;
 L0:             | L1:             ;
 LDXR W0,[X1]    | LDXR W0,[X1]    ;
 ADD W0,W0,#1    | ADD W0,W0,#1    ;
 STXR W2,W0,[X1] | STXR W2,W0,[X1] ;
 CBNZ W2,L0      | CBNZ W2,L1      ;
exists (x=2)
`;

  it('two retry loops of LDXR/STXR increment x atomically: x=2 in every final state, and the loops stay finite', () => {
    for (const mm of ['sc', 'tso'] as const) {
      const o = runLitmus(parseLitmus('llsc.litmus', increments), { mm });
      expect(o.verdict, mm).toBe('Allowed');
      expect(finals(o)).toEqual(['*x=2']);
      expect(o.expectationHolds).toBe(true);
    }
  });

  it('without the retry, a lost update is impossible but a failure is visible: x ends 0, 1 or 2 with the statuses to match', () => {
    const once = increments.replace(/ CBNZ W2,L0 {6}\| CBNZ W2,L1 {6};\n/, '').replace('exists (x=2)', 'exists (x=1 /\\ 0:X2=0 /\\ 1:X2=0)');
    const o = runLitmus(parseLitmus('once.litmus', once), { mm: 'sc' });
    expect(o.verdict).toBe('Forbidden');
    expect(finals(o)).toEqual([' x=0 0:X2=1 1:X2=1', ' x=1 0:X2=0 1:X2=1', ' x=1 0:X2=1 1:X2=0', ' x=2 0:X2=0 1:X2=0']);
  });
});

describe('shapes of the hidden set: CBZ, ISB, XCHG', () => {
  it('MP with a CBZ-and-ISB reader parses into a control dependency and an ISB, and SC forbids the weak outcome', () => {
    const t = parseLitmus('mp-isb.litmus', `AArch64 MP+dmb.sy+ctrlisb
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | CBZ W0,LC00 ;
 DMB SY      | LC00:       ;
 MOV W2,#1   | ISB         ;
 STR W2,[X3] | LDR W2,[X3] ;
exists (1:X0=1 /\\ 1:X2=0)
`);
    expect(t.program('sc').program.threads[1].code.map((i) => (i.op === 'fence' ? `fence ${i.kind}` : i.op))).toEqual(['load', 'branch', 'fence isb', 'load']);
    const o = runLitmus(t, { mm: 'sc' });
    expect(o.verdict).toBe('Forbidden');
    expect(finals(o)).toEqual([' 1:X0=0 1:X2=0', ' 1:X0=0 1:X2=1', ' 1:X0=1 1:X2=1']);
  });
});

describe('witnesses', () => {
  it('an Allowed test\'s witness is a shortest execution whose last state satisfies the proposition, every thread finished', () => {
    const o = runLitmusFile(sharedPath('litmus', 'x86', 'herdtools7-catalogue-x86_64/SB.litmus'), { witness: true });
    expect(o.verdict).toBe('Allowed');
    const w = o.witness!;
    expect(w.steps).toHaveLength(6);
    expect(w.final.filter((e) => e.name.endsWith('.pc')).map((e) => e.text)).toEqual(['finished', 'finished']);
    expect(w.final.filter((e) => /^P\d\.rax$/.test(e.name)).map((e) => e.value)).toEqual([0, 0]);
    expect(w.events.filter((e) => e.kind === 'R').map((e) => [e.thread, e.location, e.value, e.rf])).toEqual([['P0', 'y', 0, null], ['P1', 'x', 0, null]]);
  });

  it('a Forbidden test has no witness', () => {
    expect(runLitmusFile(sharedPath('litmus', 'x86', 'herdtools7-catalogue-x86/MP.litmus'), { witness: true }).witness).toBeUndefined();
  });
});
