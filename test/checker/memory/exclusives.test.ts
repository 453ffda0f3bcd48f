/**
 * Exclusives (load-exclusive / store-exclusive) under SC and TSO: a store-exclusive may
 * always fail (status 1, nothing written), and succeeds (status 0) only if no other
 * thread's write came between, in coherence order, the write its load-exclusive read and
 * its own — aarch64.cat's `empty rmw & (fre; coe)`. The final states are counted exactly.
 */
import { describe, expect, it } from 'vitest';
import type { Reg } from '../../../checker/builder.ts';
import { prepare } from '../../../checker/check.ts';
import type { Program } from '../../../checker/ir.ts';
import { program, prop, run } from '../../helpers.ts';

/** Every final state, as `name=value` over the given registers and the memory cells. */
function finals(p: Program, mm: 'sc' | 'tso', regs: Reg[]): string[] {
  const { layout } = prepare(p, mm).cp;
  const seen = new Set<string>();
  run(p, mm, {
    onFinal: (s) => {
      const r = regs.map((g) => `${g.thread.name}.${g.name}=${s[layout.regBase[g.thread.index] + g.r]}`);
      const m = p.locations.map((l, i) => `${l.name}=${s[layout.memBase + i]}`);
      seen.add([...r, ...m].join(' '));
    },
  });
  return [...seen].sort();
}

/** Two threads each increment x once with an exclusive pair and no retry. */
function twoIncrements(): { p: Program; st: Reg[] } {
  const st: Reg[] = [];
  const p = program('LLSC-inc', (m) => {
    const x = m.shared('x');
    for (const name of ['P0', 'P1']) {
      m.thread(name, (t) => {
        const r = t.reg('r', 0), s = t.reg('st', 0);
        st.push(s);
        t.loadExclusive(r, x);
        t.storeExclusive(s, x, r.add(1));
      });
    }
  });
  return { p, st };
}

describe('exclusives under SC and TSO', () => {
  it('two exclusive increments never lose an update: both succeed only when serialised', () => {
    const { p, st } = twoIncrements();
    const expected = ['P0.st=0 P1.st=0 x=2', 'P0.st=0 P1.st=1 x=1', 'P0.st=1 P1.st=0 x=1', 'P0.st=1 P1.st=1 x=0'];
    expect(finals(p, 'sc', st)).toEqual(expected);
    expect(finals(p, 'tso', st)).toEqual(expected);
  });

  it('a store-exclusive without a load-exclusive always fails and writes nothing', () => {
    let s!: Reg;
    const p = program('no-reservation', (m) => {
      const x = m.shared('x');
      m.thread('P0', (t) => { s = t.reg('st', 0); t.storeExclusive(s, x, 5); });
    });
    expect(finals(p, 'sc', [s])).toEqual(['P0.st=1 x=0']);
    expect(finals(p, 'tso', [s])).toEqual(['P0.st=1 x=0']);
  });

  it('a reservation on another location does not let the store-exclusive succeed', () => {
    let s!: Reg;
    const p = program('other-location', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => { const r = t.reg('r', 0); s = t.reg('st', 0); t.loadExclusive(r, x); t.storeExclusive(s, y, 5); });
    });
    expect(finals(p, 'sc', [s])).toEqual(['P0.st=1 x=0 y=0']);
  });

  it('TSO: a load-exclusive that read its own buffered store is not broken by a write that goes before that store in coherence order', () => {
    // P0: x=1 (buffered); r=ldxr x (forwarded: 1); a=y; st=stxr x:=2.   P1: y=1; mfence; x=3.
    // a=0 puts P0's read of y before y=1, hence before x=3 reaches memory. Under TSO P0's x=1
    // may still be buffered then and reach memory after x=3: coherence 3,1,2, nothing between
    // the write the load-exclusive read and the store-exclusive, so it may succeed (x=2).
    // Under SC x=1 reached memory before the read of y, so x=3 comes between.
    let a!: Reg, s!: Reg;
    const p = program('forwarded-reservation', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => {
        const r = t.reg('r', 0);
        a = t.reg('a', 0); s = t.reg('st', 0);
        t.store(x, 1); t.loadExclusive(r, x); t.load(a, y); t.storeExclusive(s, x, 2);
      });
      m.thread('P1', (t) => { t.store(y, 1); t.fence('full'); t.store(x, 3); });
    });
    const tso = finals(p, 'tso', [a, s]);
    const sc = finals(p, 'sc', [a, s]);
    expect(tso).toContain('P0.a=0 P0.st=0 x=2 y=1');
    expect(sc).not.toContain('P0.a=0 P0.st=0 x=2 y=1');
    expect(sc).toEqual(['P0.a=0 P0.st=0 x=3 y=1', 'P0.a=0 P0.st=1 x=3 y=1', 'P0.a=1 P0.st=0 x=2 y=1', 'P0.a=1 P0.st=0 x=3 y=1', 'P0.a=1 P0.st=1 x=1 y=1', 'P0.a=1 P0.st=1 x=3 y=1']);
    expect(tso).toEqual([...sc, 'P0.a=0 P0.st=0 x=2 y=1', 'P0.a=0 P0.st=1 x=1 y=1'].sort());
  });

  it('the counterexample names the failing and the succeeding store-exclusive', () => {
    const p = program('trace', (m) => {
      const x = m.shared('x');
      let s0!: Reg, s1!: Reg;
      const a = m.thread('P0', (t) => { const r = t.reg('r', 0); s0 = t.reg('st', 0); t.loadExclusive(r, x); t.storeExclusive(s0, x, r.add(1)); });
      const b = m.thread('P1', (t) => { const r = t.reg('r', 0); s1 = t.reg('st', 0); t.loadExclusive(r, x); t.storeExclusive(s1, x, r.add(1)); });
      m.invariant('one-fails', m.done(a).and(m.done(b)).and(m.regOf(s0).eq(1)).and(m.regOf(s1).eq(0)).not());
    });
    const v = prop(run(p, 'sc'), 'one-fails');
    expect(v.verdict).toBe('violated');
    const actions = v.trace!.steps.map((s) => s.action).join('\n');
    expect(actions).toContain('load-exclusive x → 0');
    expect(actions).toContain('store-exclusive fails (status 1), nothing written');
    expect(actions).toContain('store-exclusive succeeds (status 0): x := 1');
  });

  it('reservations cost nothing in programs without exclusives', () => {
    const plain = program('plain', (m) => { const x = m.shared('x'); m.thread('P0', (t) => t.store(x, 1)); });
    expect(prepare(plain, 'sc').mm.size).toBe(0);
    expect(prepare(twoIncrements().p, 'sc').mm.size).toBe(4);
    expect(prepare(twoIncrements().p, 'tso').mm.size).toBe(prepare(plain, 'tso').mm.size * 2 + 4);
  });
});
