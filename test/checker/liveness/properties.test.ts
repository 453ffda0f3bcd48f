/**
 * The liveness properties (properties/liveness.ts) on small programs with known answers:
 * eventually, leadsTo, alwaysEventually and progress; runs that stop; assertions that
 * observe rather than end runs; bounds (never `holds` on a cut-short graph); and how a
 * lasso is reported (text, JSON).
 */
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../../checker/check.ts';
import type { Fairness } from '../../../checker/ir.ts';
import { checkJson } from '../../../reports/json.ts';
import { renderCheck } from '../../../reports/text.ts';
import { traceToItf } from '../../../reports/itf.ts';
import { loopOf, program, prop, run, stepsText } from '../../helpers.ts';

/**
 * A client posts a request and waits for the answer; a server answers. `lose`: the server
 * may drop a request (the client then waits forever: a deadlock); `retry`: the server
 * retries a failing operation forever instead of answering (a livelock).
 */
function service(bug: 'none' | 'lose' | 'retry', requests = 2) {
  return program(`service-${bug}`, (m) => {
    const req = m.shared('req', 0), resp = m.shared('resp', 0);
    m.thread('client', (t) => {
      const r = t.reg('r', 0);
      for (let k = 0; k < requests; k++) {
        t.store(req, 1, { note: `post request ${k}` });
        t.await(r, resp, r.eq(1), { note: 'wait for the answer' });
        t.store(resp, 0);
      }
    });
    m.thread('server', (t) => {
      const r = t.reg('r', 0);
      t.label('idle', { end: true });
      t.await(r, req, r.eq(1), { note: 'a request' });
      t.store(req, 0);
      if (bug === 'lose') t.select(() => { t.skip({ note: 'drop it' }); t.goto('idle'); }, () => t.skip({ note: 'serve it' }));
      if (bug === 'retry') t.loop(() => t.skip({ note: 'the operation fails: retry' }));
      t.store(resp, 1, { note: 'answer' });
      t.goto('idle');
    });
    m.leadsTo('L', m.mem(req).eq(1), m.mem(resp).eq(1));
  });
}

describe('leadsTo(p, q)', () => {
  it('holds when every request is answered', () => {
    const r = run(service('none'), 'sc');
    expect(prop(r, 'L').verdict).toBe('holds');
    expect(r.complete).toBe(true);
  });

  it('a run that stops in a deadlock without q violates it: a finite counterexample, no loop', () => {
    const r = run(service('lose'), 'sc');
    const l = prop(r, 'L');
    expect(l.verdict).toBe('violated');
    expect(l.trace!.loop).toBeUndefined();
    expect(l.trace!.violation).toMatch(/the run ends without it \(a deadlock: no step is enabled\)/);
    expect(stepsText(l.trace!.steps)).toContain('server: drop it — skip');
    // the deadlock itself is the built-in property's too: L does not claim it (no safety form)
    expect(prop(r, 'deadlock').verdict).toBe('violated');
  });

  it('a safety form claims its deadlocks: the built-in deadlock property no longer reports them', () => {
    const p = program('claimed', (m) => {
      const req = m.shared('req', 0), resp = m.shared('resp', 0);
      const c = m.thread('client', (t) => { const r = t.reg('r', 0); t.store(req, 1); t.await(r, resp, r.eq(1)); });
      m.thread('server', (t) => { const r = t.reg('r', 0); t.label('idle', { end: true }); t.await(r, req, r.eq(2)); });
      m.eventually('E', m.done(c), { deadlock: m.done(c).not() });
    });
    const r = run(p, 'sc');
    expect(prop(r, 'E').verdict).toBe('violated');
    expect(prop(r, 'E').trace!.violation).toMatch(/deadlock/);
    expect(prop(r, 'deadlock').verdict).toBe('holds');
  });

  it('a server that retries forever: a lasso whose loop is the retry, with the client unable to move', () => {
    const l = prop(run(service('retry'), 'sc'), 'L');
    expect(l.verdict).toBe('violated');
    const loop = loopOf(l.trace);
    expect(stepsText(loop)).toEqual(['server: the operation fails: retry — skip']);
    // the obligation opened when the request became visible, and the prefix shows it
    expect(stepsText(l.trace!.steps.slice(0, l.trace!.loop))).toContain('client: post request 0 — store req := 1');
    expect(l.trace!.violation).toMatch(/server moves in it; client cannot move/);
  });

  it('several clauses: the property needs each; the first violated one is reported', () => {
    const p = program('clauses', (m) => {
      const x = m.shared('x', 0), y = m.shared('y', 0);
      m.thread('A', (t) => { t.store(x, 1); t.store(x, 2); });
      m.thread('B', { fairness: 'none' }, (t) => t.loop(() => t.store(y, 1)));
      m.leadsTo('L', [[m.mem(x).eq(1), m.mem(x).eq(2)], [m.mem(x).eq(2), m.mem(y).eq(5)]]);
    });
    const l = prop(run(p, 'sc'), 'L');
    expect(l.verdict).toBe('violated');
    expect(l.trace!.violation).toMatch(/^L \(clause 2\)/);
  });
});

describe('eventually(p)', () => {
  it('every thread finishing without p violates it (a valid end state is a run that stops)', () => {
    const p = program('never', (m) => {
      const x = m.shared('x', 0);
      m.thread('A', (t) => t.store(x, 1));
      m.eventually('E', m.mem(x).eq(2));
    });
    const e = prop(run(p, 'sc'), 'E');
    expect(e.verdict).toBe('violated');
    expect(e.trace!.loop).toBeUndefined();
    expect(e.trace!.violation).toMatch(/every thread is finished or at an end label/);
    expect(stepsText(e.trace!.steps)).toEqual(['A: store x := 1']);
  });

  it('is satisfied once: p may be false again afterwards', () => {
    const p = program('once', (m) => {
      const x = m.shared('x', 0);
      m.thread('A', (t) => t.loop(() => { t.store(x, 1); t.store(x, 0); }));
      m.eventually('E', m.mem(x).eq(1));
    });
    expect(prop(run(p, 'sc'), 'E').verdict).toBe('holds');
  });
});

describe('alwaysEventually(p)', () => {
  const blinker = (fairness: Fairness, stop: boolean) => program('blink', (m) => {
    const x = m.shared('x', 0);
    m.thread('A', { fairness }, (t) => {
      if (stop) { t.store(x, 1); t.store(x, 0); return; }
      t.loop(() => { t.store(x, 1); t.store(x, 0); });
    });
    m.thread('B', (t) => t.loop(() => t.skip({ note: 'idle' })));
    m.alwaysEventually('GF', m.mem(x).eq(1));
  });

  it('holds when p keeps coming back', () => {
    expect(prop(run(blinker('weak', false), 'sc'), 'GF').verdict).toBe('holds');
  });

  it('is violated by a fair run on which p stops coming back: the loop lies after the last p', () => {
    const v = prop(run(blinker('weak', true), 'sc'), 'GF');
    expect(v.verdict).toBe('violated');
    expect(stepsText(loopOf(v.trace))).toEqual(['B: idle — skip']);
    expect(v.trace!.final.find((e) => e.name === 'x')!.text).toBe('0');
  });

  it('without fairness for the blinker, B alone can run forever', () => {
    const v = prop(run(blinker('none', false), 'sc'), 'GF');
    expect(v.verdict).toBe('violated');
    expect(new Set(loopOf(v.trace).map((s) => s.thread))).toEqual(new Set(['B']));
  });
});

describe('progress labels (SPIN\'s non-progress cycles)', () => {
  const worker = (fairness: Fairness) => program('progress', (m) => {
    const x = m.shared('x', 0);
    m.thread('W', { fairness }, (t) => t.loop(() => {
      t.label('work', { progress: true });
      t.store(x, 1, { note: 'useful work' });
      t.store(x, 0);
    }));
    m.thread('S', (t) => t.loop(() => t.skip({ note: 'spin' })));
    m.progress('NP');
  });

  it('every fair infinite run takes a progress step infinitely often when the worker is fair', () => {
    expect(prop(run(worker('weak'), 'sc'), 'NP').verdict).toBe('holds');
  });

  it('a non-progress cycle: the spinner alone, the worker never scheduled', () => {
    const v = prop(run(worker('none'), 'sc'), 'NP');
    expect(v.verdict).toBe('violated');
    expect(stepsText(loopOf(v.trace))).toEqual(['S: spin — skip']);
  });

  it('a progress label needs a progress property, and a progress property needs a label', () => {
    expect(() => program('p1', (m) => {
      m.thread('W', (t) => { t.label('x', { progress: true }); t.skip(); });
    })).toThrow(/progress label needs a property/);
    expect(() => program('p2', (m) => {
      m.thread('W', (t) => t.skip());
      m.progress('NP');
    })).toThrow(/has no progress label/);
  });
});

describe('assertions observe when liveness is checked', () => {
  /** W's loop fails an assertion every turn and never ends. */
  const p = program('observe', (m) => {
    const x = m.shared('x', 0);
    const w = m.thread('W', (t) => {
      const r = t.reg('r', 0);
      t.loop(() => {
        t.load(r, x);
        t.assert(r.eq(1), 'A', 'x is not 1');
      });
    });
    m.eventually('E', m.done(w));
  });

  it('the assertion is violated, and the livelock through it is still a livelock', () => {
    const r = run(p, 'sc');
    expect(prop(r, 'A').verdict).toBe('violated');
    const e = prop(r, 'E');
    expect(e.verdict).toBe('violated');
    expect(stepsText(loopOf(e.trace))).toEqual(['W: load x → 0']);
  });

  it('the same lasso whether or not the assertion\'s property is checked', () => {
    const only = checkProgram(p, { mm: 'sc', properties: ['E'] });
    expect(stepsText(loopOf(prop(only, 'E').trace))).toEqual(['W: load x → 0']);
  });
});

describe('soundness under bounds', () => {
  it('a graph cut short by a state bound gives incomplete, never holds', () => {
    const r = run(service('none', 3), 'sc', { maxStates: 5 });
    expect(r.stopReason).toBe('max-states');
    expect(prop(r, 'L').verdict).toBe('incomplete');
  });

  it('a fair cycle among the states explored before the bound is a real counterexample', () => {
    const p = program('early', (m) => {
      const x = m.shared('x', 0), y = m.shared('y', 0);
      const a = m.thread('A', (t) => { const r = t.reg('r', 0); t.loop(() => { t.load(r, x); t.if(r.eq(1), () => t.break()); }); });
      m.thread('B', (t) => t.store(y, 1));
      // C could count far beyond the bound; nothing obliges it to move
      m.thread('C', { fairness: 'none' }, (t) => { const c = t.reg('c', 0); t.for(c, 0, 50, () => t.skip()); });
      m.eventually('E', m.done(a));
    });
    const r = run(p, 'sc', { maxStates: 10 });
    expect(r.stopReason).toBe('max-states');
    const e = prop(r, 'E');
    expect(e.verdict).toBe('violated');
    loopOf(e.trace);
  });
});

describe('how a lasso is reported', () => {
  const r = run(service('retry', 1), 'sc');

  it('text: the prefix, the loop opened and closed by marked lines, and why the loop is fair', () => {
    const text = renderCheck(r);
    expect(text).toMatch(/L violated: a lasso, \d+ steps to the loop, then 1 step repeating forever/);
    expect(text).toMatch(/─── loop: step \d+ repeats forever ───\n\s+\d+\s+server\s+the operation fails: retry — skip/);
    expect(text).toMatch(/─── end of loop: back to the state after step \d+, and round again forever\n {2}end: L: its condition holds, and its goal never follows/);
  });

  it('ITF: the states up to the last step\'s source, and "loop", the state the last one is followed by', () => {
    const t = prop(r, 'L').trace!;
    const itf = JSON.parse(JSON.stringify(traceToItf(t, { model: 'service-retry', mm: 'sc' }))) as { states: Record<string, unknown>[]; loop?: number };
    expect(itf.loop).toBe(t.loop);
    // states 0 … n-1: the state after step n is state `loop` again, which ITF's loop already says
    expect(itf.states).toHaveLength(t.steps.length);
    const strip = (x: Record<string, unknown>) => JSON.stringify({ ...x, '#meta': null });
    const full = JSON.parse(JSON.stringify(traceToItf({ ...t, loop: undefined }, { model: 'service-retry', mm: 'sc' }))) as { states: Record<string, unknown>[] };
    expect(strip(full.states[t.steps.length])).toBe(strip(itf.states[t.loop!]));
  });

  it('JSON: the property\'s trace carries "loop", the index of the step after which the loop starts', () => {
    const j = JSON.parse(JSON.stringify(checkJson(r))) as { properties: { id: string; kind: string; trace?: { loop?: number; steps: unknown[] } }[] };
    const l = j.properties.find((p) => p.id === 'L')!;
    expect(l.kind).toBe('leadsTo');
    expect(l.trace!.loop).toBe(l.trace!.steps.length - 1);
  });
});
