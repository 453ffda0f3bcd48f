/**
 * Fairness on small programs with known answers: which runs count, and the lasso that
 * shows a run that does. Each violated case asserts the loop's content (who moves in it,
 * what they do, what stays buffered), and that the loop closes.
 */
import { describe, expect, it } from 'vitest';
import type { Fairness } from '../../../checker/ir.ts';
import { loopOf, program, prop, run, stepsText } from '../../helpers.ts';

/** A spins on a flag (a real loop, not an await: each turn is a step); B sets it once. */
function spin(fairness: Fairness) {
  return program('spin', (m) => {
    const flag = m.shared('flag', 0);
    const a = m.thread('A', (t) => {
      const r = t.reg('r', 0);
      t.loop(() => {
        t.load(r, flag);
        t.if(r.eq(1), () => t.break());
      });
    });
    m.thread('B', { fairness }, (t) => t.store(flag, 1));
    m.eventually('E', m.done(a));
  });
}

/** A works forever (a counter mod 2), independently of B; B wants one step. */
function starvation(fairness: Fairness) {
  return program('starve', (m) => {
    const c = m.shared('c', 0), done = m.shared('done', 0);
    m.thread('A', (t) => {
      const r = t.reg('r', 0);
      t.loop(() => {
        t.load(r, c);
        t.store(c, r.add(1).mod(2));
      });
    });
    m.thread('B', { fairness }, (t) => t.store(done, 1));
    m.eventually('E', m.mem(done).eq(1));
  });
}

/** A toggles x forever; B waits for x == 1, which it sees only half of the time. */
function toggle(fairness: Fairness, step?: 'weak' | 'strong') {
  return program('toggle', (m) => {
    const x = m.shared('x', 0);
    m.thread('A', (t) => t.loop(() => { t.store(x, 1); t.store(x, 0); }));
    const b = m.thread('B', { fairness }, (t) => {
      const r = t.reg('r', 0);
      if (step) t.label('wait', { fairness: step });
      t.await(r, x, r.eq(1));
    });
    m.eventually('E', m.done(b));
  });
}

/** Two polite threads: raise my flag; if the other's is up, lower mine and retry. */
function polite(fairness: Fairness) {
  return program('polite', (m) => {
    const f = [m.shared('f0', 0), m.shared('f1', 0)];
    const side = (i: number) => m.thread(`P${i}`, { fairness }, (t) => {
      const r = t.reg('r', 0);
      t.loop(() => {
        t.store(f[i], 1);
        t.load(r, f[1 - i]);
        t.if(r.eq(0), () => t.break());
        t.store(f[i], 0);
      });
      t.label('cs');
      t.store(f[i], 0);
    });
    const p0 = side(0), p1 = side(1);
    m.eventually('E', m.at(p0, 'cs').or(m.at(p1, 'cs')));
  });
}

describe('weak fairness (the default for every thread)', () => {
  it('a spin on a flag that nobody is obliged to set never ends: the loop is the spinner\'s load, over and over', () => {
    const e = prop(run(spin('none'), 'sc'), 'E');
    expect(e.verdict).toBe('violated');
    const loop = loopOf(e.trace);
    expect(stepsText(loop)).toEqual(['A: load flag → 0']);
    expect(e.trace!.violation).toMatch(/no fairness is assumed of B/);
  });

  it('the same spin ends when the setter is weakly fair: it is enabled throughout the spin, so it must move', () => {
    expect(prop(run(spin('weak'), 'sc'), 'E').verdict).toBe('holds');
    expect(prop(run(spin('strong'), 'sc'), 'E').verdict).toBe('holds');
  });

  it('starvation: a thread that is always enabled but never scheduled starves without fairness; weak fairness excludes that run', () => {
    const e = prop(run(starvation('none'), 'sc'), 'E');
    expect(e.verdict).toBe('violated');
    const loop = loopOf(e.trace);
    expect(new Set(loop.map((s) => s.thread))).toEqual(new Set(['A']));
    expect(stepsText(loop)).toEqual(expect.arrayContaining(['A: store c := 1', 'A: store c := 0']));
    expect(prop(run(starvation('weak'), 'sc'), 'E').verdict).toBe('holds');
  });

  it('a thread enabled only now and then is not helped by weak fairness: B waits while A toggles x', () => {
    const e = prop(run(toggle('weak'), 'sc'), 'E');
    expect(e.verdict).toBe('violated');
    const loop = loopOf(e.trace);
    expect(stepsText(loop)).toEqual(['A: store x := 1', 'A: store x := 0']);
    // the loop is weakly fair for B because B cannot move in some state of it (x == 0)
    expect(e.trace!.violation).toMatch(/A moves in it; B cannot move/);
  });
});

describe('strong fairness', () => {
  it('a thread enabled infinitely often must move: strong fairness for B makes it see x == 1', () => {
    expect(prop(run(toggle('strong'), 'sc'), 'E').verdict).toBe('holds');
  });

  it('per step: a weakly fair thread whose await is labelled strongly fair gets there too', () => {
    expect(prop(run(toggle('weak', 'strong'), 'sc'), 'E').verdict).toBe('holds');
    expect(prop(run(toggle('weak', 'weak'), 'sc'), 'E').verdict).toBe('violated');
    // and a step's own fairness applies even when the thread has none
    expect(prop(run(toggle('none', 'strong'), 'sc'), 'E').verdict).toBe('holds');
  });
});

describe('a livelock that fairness does not excuse', () => {
  for (const f of ['weak', 'strong'] as const) {
    it(`two polite threads back off forever, both moving in the loop (${f} fairness)`, () => {
      const e = prop(run(polite(f), 'sc'), 'E');
      expect(e.verdict).toBe('violated');
      const loop = loopOf(e.trace);
      expect(new Set(loop.map((s) => s.thread))).toEqual(new Set(['P0', 'P1']));
      // in the loop each raises its flag, sees the other's raised, and lowers its own
      for (const p of ['P0', 'P1']) {
        const mine = stepsText(loop.filter((s) => s.thread === p));
        expect(mine).toEqual(expect.arrayContaining([`${p}: store f${p[1]} := 1`, `${p}: load f${1 - Number(p[1])} → 1`, `${p}: store f${p[1]} := 0`]));
      }
      expect(e.trace!.violation).toMatch(/P0, P1 move in it/);
    });
  }
});

/** A stores x := 1 and finishes; B spins until it sees it (a memory model must let it, fairly). */
const flush = program('flush', (m) => {
  const x = m.shared('x', 0);
  m.thread('A', (t) => t.store(x, 1));
  const b = m.thread('B', (t) => {
    const r = t.reg('r', 0);
    t.loop(() => {
      t.load(r, x);
      t.if(r.eq(1), () => t.break());
    });
  });
  m.eventually('E', m.done(b));
});

/** A stores x := 1 then y := 1; B spins until it sees both, reading them in turn. */
const flushBoth = program('flush2', (m) => {
  const x = m.shared('x', 0), y = m.shared('y', 0);
  m.thread('A', (t) => { t.store(x, 1); t.store(y, 1); });
  const b = m.thread('B', (t) => {
    const r = t.reg('r', 0), s = t.reg('s', 0);
    t.loop(() => {
      t.load(r, x);
      t.load(s, y);
      t.if(r.eq(1).and(s.eq(1)), () => t.break());
    });
  });
  m.eventually('E', m.done(b));
});

describe('the memory model\'s own steps are fair: every buffered store is eventually flushed (x86-TSO)', () => {
  it('under TSO the store leaves A\'s buffer, so B\'s spin ends', () => {
    expect(prop(run(flush, 'tso'), 'E').verdict).toBe('holds');
  });

  it('without that fairness, the store could stay buffered forever while B spins: the loop shows it', () => {
    const e = prop(run(flush, 'tso', { memoryFairness: false }), 'E');
    expect(e.verdict).toBe('violated');
    const loop = loopOf(e.trace);
    expect(stepsText(loop)).toEqual(['B: load x → 0']);
    const buffer = e.trace!.final.find((x) => x.name === 'store buffer of A')!;
    expect(buffer.text).toBe('[x:=1]');
    expect(e.trace!.violation).toMatch(/no fairness is assumed of the memory model's own steps/);
  });

  it('a flush is the step a fair loop waits for: a buffered store that a spinning reader needs is in the loop\'s fairness', () => {
    // B spins until it sees x == 1 and y == 1; A's second store can sit in the buffer while
    // the first is already visible. With fairness, both get out.
    expect(prop(run(flushBoth, 'tso'), 'E').verdict).toBe('holds');
    const e = prop(run(flushBoth, 'tso', { memoryFairness: false }), 'E');
    expect(e.verdict).toBe('violated');
    expect(new Set(loopOf(e.trace).map((s) => s.thread))).toEqual(new Set(['B']));
  });
});

describe('PSO: every buffered store is eventually flushed, per location', () => {
  /** A stores x := 1, then keeps storing to y forever; B spins until it sees x == 1. */
  const p = program('flush-per-location', (m) => {
    const x = m.shared('x', 0), y = m.shared('y', 0);
    m.thread('A', (t) => {
      t.store(x, 1);
      t.loop(() => { t.store(y, 1); t.store(y, 0); });
    });
    const b = m.thread('B', (t) => {
      const r = t.reg('r', 0);
      t.loop(() => {
        t.load(r, x);
        t.if(r.eq(1), () => t.break());
      });
    });
    m.eventually('E', m.done(b));
  });

  it('A\'s store to x leaves its buffer although its stores to y keep flushing: B\'s spin ends', () => {
    expect(prop(run(p, 'pso'), 'E').verdict).toBe('holds');
  });

  it('without that fairness, x := 1 stays buffered while y flushes and B spins: the loop shows it', () => {
    const e = prop(run(p, 'pso', { memoryFairness: false }), 'E');
    expect(e.verdict).toBe('violated');
    const loop = loopOf(e.trace);
    expect(stepsText(loop)).toContain('B: load x → 0');
    expect(e.trace!.final.find((v) => v.name === 'store buffers of A')?.text ?? JSON.stringify(e.trace!.final)).toMatch(/x:=1/);
  });
});

describe('ARMv8: every write eventually becomes visible to every thread', () => {
  it('B may read the initial x while A\'s write is in memory, but not forever: its spin ends', () => {
    expect(prop(run(flush, 'armv8'), 'E').verdict).toBe('holds');
  });

  it('without that fairness, B keeps taking the older write: the loop is B reading x → 0 after A wrote 1', () => {
    const e = prop(run(flush, 'armv8', { memoryFairness: false }), 'E');
    expect(e.verdict).toBe('violated');
    const loop = loopOf(e.trace);
    expect(stepsText(loop)).toEqual(['B: load x → 0 (the initial value; not the newest write: that is step 1\'s)']);
    expect(e.trace!.steps[0].thread).toBe('A');
    expect(e.trace!.violation).toMatch(/no fairness is assumed of the memory model's own steps/);
  });

  it('a spin reading two locations in turn catches up on each: the unit is enabled only at its read, so it is strongly fair', () => {
    expect(prop(run(flushBoth, 'armv8'), 'E').verdict).toBe('holds');
    expect(prop(run(flushBoth, 'armv8', { memoryFairness: false }), 'E').verdict).toBe('violated');
  });
});
