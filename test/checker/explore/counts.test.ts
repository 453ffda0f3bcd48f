/**
 * The explorer on programs small enough to count by hand: the exact numbers of states and
 * transitions are asserted, with the count worked out beside each case.
 */
import { describe, expect, it } from 'vitest';
import type { Reg } from '../../../checker/builder.ts';
import { program, prop, run } from '../../helpers.ts';

describe('state and transition counts', () => {
  it('one thread, two stores: 3 states in a line, 2 transitions (SC)', () => {
    const p = program('line', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => { t.store(x, 1); t.store(x, 2); });
    });
    const r = run(p, 'sc');
    expect([r.states, r.transitions, r.depth]).toEqual([3, 2, 2]);
    expect(r.verdict).toBe('holds');
  });

  it('two threads, one store each: the 2×2 grid, 4 states and 4 transitions (SC)', () => {
    const p = program('grid', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P', (t) => t.store(x, 1));
      m.thread('Q', (t) => t.store(y, 1));
    });
    expect([run(p, 'sc').states, run(p, 'sc').transitions]).toEqual([4, 4]);
  });

  it('under TSO each store has three stages (not issued, buffered, visible): 3×3 = 9 states, 2·2·3 = 12 transitions', () => {
    const p = program('grid', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P', (t) => t.store(x, 1));
      m.thread('Q', (t) => t.store(y, 1));
    });
    const r = run(p, 'tso');
    expect([r.states, r.transitions]).toEqual([9, 12]);
  });

  it('store buffering (SB) under SC: 13 states, 14 transitions', () => {
    // pc pairs (p,q) with p,q ∈ {0,1,2}; while neither thread has loaded, one state each
    // (00,10,01,11 = 4); (2,0) and (0,2) one each; (2,1) and (1,2) two each (the load came
    // before or after the other store); (2,2) three: (a,b) ∈ {(0,1),(1,0),(1,1)}. 4+2+4+3 = 13.
    // Transitions: 2 from each of the four first states, 1 from each of the six states with
    // one thread finished, none at the end: 8 + 6 = 14.
    const p = program('sb', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => { const a = t.reg('a'); t.store(x, 1); t.load(a, y); });
      m.thread('P1', (t) => { const b = t.reg('b'); t.store(y, 1); t.load(b, x); });
    });
    const r = run(p, 'sc');
    expect([r.states, r.transitions, r.depth]).toEqual([13, 14, 4]);
  });

  it('local instructions run with the step before them: a loop of local code adds no states', () => {
    const p = program('local', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => {
        const i = t.reg('i', 0), acc = t.reg('acc', 0);
        t.while(i.lt(10), () => { t.assign(acc, acc.add(i)); t.assign(i, i.add(1)); });
        t.store(x, acc);
      });
    });
    const r = run(p, 'sc');
    // the initial state already ran the loop (local prefix); one store step: 2 states
    expect([r.states, r.transitions]).toEqual([2, 1]);
  });

  it('a nondeterministic choice branches within one step: choose 0..2 then store gives 1 + 3 states', () => {
    const p = program('choose', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => {
        const r = t.reg('r', 0);
        t.store(x, 9);
        t.choose(r, 0, 2);
        t.store(x, r);
      });
    });
    const r = run(p, 'sc');
    // init; after `store 9` + choose: three states (r = 0, 1, 2); after the last store: three more
    expect([r.states, r.transitions]).toEqual([7, 6]);
  });

  it('an atomic block is one step: two atomic increments give 5 states and a final value of 2', () => {
    const p = program('atomic', (m) => {
      const c = m.shared('c');
      const ts = ['P', 'Q'].map((n) => m.thread(n, (t) => {
        const r = t.reg('r', 0);
        t.atomic(() => { t.load(r, c); t.store(c, r.add(1)); });
        t.assign(r, 0);
      }));
      m.invariant('sum', m.done(ts[0]).and(m.done(ts[1])).not().or(m.mem(c).eq(2)));
    });
    const r = run(p, 'sc');
    // init, P done, Q done, both done via either order (c = 2 both ways, registers reset): 4 states
    expect([r.states, r.transitions]).toEqual([4, 4]);
    expect(prop(r, 'sum').verdict).toBe('holds');
  });

  it('without the atomic block the increment loses an update, with a shortest 4-step trace', () => {
    const p = program('racy', (m) => {
      const c = m.shared('c');
      const ts = ['P', 'Q'].map((n) => m.thread(n, (t) => { const r = t.reg('r', 0); t.load(r, c); t.store(c, r.add(1)); }));
      m.invariant('sum', m.done(ts[0]).and(m.done(ts[1])).not().or(m.mem(c).eq(2)));
    });
    const r = run(p, 'sc');
    const sum = prop(r, 'sum');
    expect(sum.verdict).toBe('violated');
    expect(sum.trace!.steps.map((s) => s.action)).toEqual(['load c → 0', 'load c → 0', 'store c := 1', 'store c := 1']);
  });

  it('exact mode and fingerprint mode count the same states', () => {
    const p = program('sb', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => { const a = t.reg('a'); t.store(x, 1); t.load(a, y); });
      m.thread('P1', (t) => { const b = t.reg('b'); t.store(y, 1); t.load(b, x); });
    });
    for (const mm of ['sc', 'tso'] as const) {
      const f = run(p, mm), e = run(p, mm, { exact: true });
      expect([e.states, e.transitions]).toEqual([f.states, f.transitions]);
      expect(e.bounds.mode).toBe('exact');
      expect(e.bounds.collisionProbability).toBeNull();
    }
  });
});

describe('properties the search checks', () => {
  it('a thread blocked forever on an await is a deadlock, found at depth 0 with an empty trace', () => {
    const p = program('stuck', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => { const r = t.reg('r'); t.await(r, x, r.eq(1)); });
    });
    const r = run(p, 'sc');
    const d = prop(r, 'deadlock');
    expect(d.verdict).toBe('violated');
    expect(d.trace!.steps).toHaveLength(0);
    expect(d.trace!.violation).toMatch(/^deadlock/);
    expect(d.trace!.final.find((e) => e.name === 'P.pc')!.text).toMatch(/await r := load x until r == 1/);
  });

  it('the same wait at an end label is a valid end state, not a deadlock', () => {
    const p = program('server', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => { const r = t.reg('r'); t.label('idle', { end: true }); t.await(r, x, r.eq(1)); });
    });
    expect(prop(run(p, 'sc'), 'deadlock').verdict).toBe('holds');
  });

  it('a named deadlock property claims the deadlocks its condition describes; the built-in one the rest', () => {
    const p = program('named', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      const a = m.thread('A', (t) => { const r = t.reg('r'); t.label('wait'); t.await(r, x, r.eq(1)); });
      m.thread('B', (t) => { const r = t.reg('r'); t.await(r, y, r.eq(1)); });
      m.deadlock('A-stuck', m.at(a, 'wait').and(m.mem(y).eq(5)));
    });
    const r = run(p, 'sc');
    expect(prop(r, 'A-stuck').verdict).toBe('holds');
    expect(prop(r, 'deadlock').verdict).toBe('violated');
  });

  it('a failing assert violates its property at the step that fails it', () => {
    const p = program('assert', (m) => {
      const x = m.shared('x');
      m.thread('W', (t) => t.store(x, 1));
      m.thread('R', (t) => { const r = t.reg('r'); t.load(r, x); t.assert(r.eq(0), 'zero', 'saw the write'); });
    });
    const a = prop(run(p, 'sc'), 'zero');
    expect(a.verdict).toBe('violated');
    expect(a.trace!.steps.map((s) => `${s.thread}: ${s.action}`)).toEqual(['W: store x := 1', 'R: load x → 1']);
    expect(a.trace!.violation).toBe('saw the write');
  });

  it('an index out of bounds at run time violates runtime-error, with the index in the message', () => {
    const p = program('oob', (m) => {
      const a = m.array('a', 2);
      m.thread('P', (t) => { const i = t.reg('i', 0); t.choose(i, 0, 2); t.store(a.at(i), 1); });
    });
    const e = prop(run(p, 'sc'), 'runtime-error');
    expect(e.verdict).toBe('violated');
    expect(e.trace!.violation).toBe("index 2 is out of bounds for 'a' of size 2");
  });

  it('a state bound cuts the search short: incomplete, never holds, and the run says why', () => {
    const p = program('big', (m) => {
      const x = m.shared('x');
      for (const n of ['A', 'B', 'C']) m.thread(n, (t) => { for (let i = 0; i < 4; i++) t.store(x, i); });
    });
    const r = run(p, 'sc', { maxStates: 10 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stopReason).toBe('max-states');
    expect(r.complete).toBe(false);
    expect(r.properties.every((q) => q.verdict === 'incomplete')).toBe(true);
  });

  it('every counterexample is a shortest one (breadth-first): the invariant fails at depth 3, not later', () => {
    const p = program('shortest', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => { for (let i = 1; i <= 6; i++) t.store(x, i); });
      m.thread('Q', (t) => { for (let i = 1; i <= 6; i++) t.store(x, 10 + i); });
      m.invariant('small', m.mem(x).ne(3));
    });
    expect(prop(run(p, 'sc'), 'small').trace!.steps).toHaveLength(3);
  });
});

describe('the search reports what it is doing', () => {
  const big = program('big', (m) => {
    const x = m.array('x', 3);
    for (const n of ['A', 'B', 'C']) m.thread(n, (t) => { for (let i = 0; i < 6; i++) t.store(x.at(i % 3), i); });
  });

  it('progress lines carry states, states per second, frontier and depth', () => {
    const seen: { states: number; statesPerSecond: number; frontier: number; depth: number }[] = [];
    run(big, 'tso', { onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.states > 0 && p.statesPerSecond > 0 && p.frontier >= 0 && p.depth >= 0)).toBe(true);
  });

  it('a time bound cuts the search short: incomplete, stopReason timeout', () => {
    const r = run(big, 'tso', { timeoutSeconds: 0.001 });
    expect(r.stopReason).toBe('timeout');
    expect(r.verdict).toBe('incomplete');
  });

  it('each successor names who moved: the thread, or the memory model on behalf of a thread', async () => {
    const { SuccessorGenerator } = await import('../../../checker/explore/successors.ts');
    const { prepare } = await import('../../../checker/check.ts');
    const p = program('two', (m) => {
      const x = m.shared('x');
      m.thread('A', (t) => t.store(x, 1));
      m.thread('B', (t) => t.store(x, 2));
    });
    const { cp, mm } = prepare(p, 'tso');
    const gen = new SuccessorGenerator(cp, mm);
    let init!: Int32Array;
    gen.initialStates({ state: (s) => { init = s.slice(); }, violation: () => {} });
    const actors: number[] = [];
    const after: Int32Array[] = [];
    gen.generate(init, { state: (s, a) => { actors.push(a); after.push(s.slice()); }, violation: () => {} });
    expect(actors).toEqual([0, 1]);
    const flushes: number[] = [];
    gen.generate(after[0], { state: (_s, a) => flushes.push(a), violation: () => {} });
    // thread B's store, then A's buffer flushing (actor T + 0 = 2)
    expect(flushes).toEqual([1, 2]);
  });
});

describe('checking some properties only', () => {
  it('replays the trace of a selected property through a failing assert of an unselected one', () => {
    const p = program('two-asserts', (m) => {
      const x = m.shared('x');
      m.thread('P', (t) => {
        const r = t.reg('r', 0);
        t.store(x, 1);
        t.load(r, x);
        t.assert(r.eq(0), 'noisy', 'fails on every path');
        t.store(x, 2);
      });
      m.invariant('two', m.mem(x).ne(2));
    });
    const r = run(p, 'sc', { properties: ['two'] });
    const two = prop(r, 'two');
    expect(two.verdict).toBe('violated');
    expect(two.trace!.steps.map((s) => s.action)).toEqual(['store x := 1', 'load x → 1', 'store x := 2']);
    expect(r.properties.map((q) => q.id)).toEqual(['two']);
  });
});
