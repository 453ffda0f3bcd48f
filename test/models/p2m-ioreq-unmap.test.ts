/**
 * The p2m-ioreq-unmap model (protocols.md scenario E): the expected-verdict table against
 * verdicts.tsv, every variant's verdicts under each implemented memory model, the shape
 * of each counterexample, and probes for what the verdicts rest on.
 */
import { describe, expect, it } from 'vitest';
import model from '../../models/p2m-ioreq-unmap.ts';
import { checkProgram } from '../../checker/check.ts';
import { memoryModelInfo } from '../../checker/memory/index.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Result, Trace } from '../../checker/result.ts';
import { and, not, type Term } from '../../checker/term.ts';
import { verdictsTsv } from '../shared.ts';
import { probe, type ProbeRefs } from './probe.ts';
import { loopOf } from '../helpers.ts';

const PROPS = ['E1', 'E2', 'E3'];
const IMPLEMENTED = model.memoryModels.filter((mm) => memoryModelInfo(mm) !== undefined);

const cache = new Map<string, Result>();
function check(variant: string, mm: MemoryModelName, params: Record<string, number | string> = {}): Result {
  const key = `${variant}/${mm}/${JSON.stringify(params)}`;
  if (!cache.has(key)) cache.set(key, checkProgram(model.program(variant, mm, params), { mm }));
  return cache.get(key)!;
}
const traceOf = (r: Result, id: string): Trace => {
  const t = r.properties.find((p) => p.id === id)?.trace;
  if (!t) throw new Error(`no trace for ${id}`);
  return t;
};
const find = (t: Trace, thread: string, re: RegExp, from = 0): number =>
  t.steps.findIndex((s, i) => i >= from && s.thread === thread && re.test(s.action));
const verdictOf = (r: Result, id: string): string => r.properties.find((p) => p.id === id)!.verdict;

/** V's type lookup in hvmemul_do_io saw p2m_ioreq_server, and the read of the server that followed saw NULL. */
function expectTypeThenNull(t: Trace): { typeRead: number; nullRead: number } {
  const nullRead = find(t, 'V', /p2m_get_ioreq_server.*load p2m\.ioreq\.server → NULL/);
  const typeRead = t.steps.slice(0, nullRead).map((s, i) => ({ s, i })).reverse()
    .find(({ s }) => s.thread === 'V' && /hvmemul_do_io: get_gfn_query_unlocked/.test(s.action))?.i ?? -1;
  expect(nullRead).toBeGreaterThan(0);
  expect(typeRead).toBeGreaterThanOrEqual(0);
  expect(t.steps[typeRead].action).toMatch(/load ept\[g\] → ioreq_server\(15\)$/);
  return { typeRead, nullRead };
}

describe('p2m-ioreq-unmap: the expected verdicts in the model agree with ../shared/design/verdicts.tsv', () => {
  const rows = verdictsTsv().filter((r) => r.model === 'p2m-ioreq-unmap');
  it('covers every variant and property of the table, and no others', () => {
    expect(new Set(rows.map((r) => r.variant))).toEqual(new Set(model.variants.map((v) => v.id)));
    expect(new Set(rows.map((r) => r.property))).toEqual(new Set(model.properties.map((p) => p.id)));
    expect(rows).toHaveLength(model.variants.length * 4 * PROPS.length);
  });
  it('agrees cell by cell, under all four memory models (E-F2\'s E1 is violated by design)', () => {
    const mismatches = rows.filter((r) => model.expected(r.variant, r.mm, r.property) !== r.expected)
      .map((r) => `${r.variant} ${r.mm} ${r.property}: table ${r.expected}, model ${model.expected(r.variant, r.mm, r.property)}`);
    expect(mismatches).toEqual([]);
    expect(model.expected('E-F2', 'sc', 'E1')).toBe('violated');
  });
  it('E3 is the liveness property the table marks (E-B4 is a livelock)', () => {
    expect(model.properties.find((p) => p.id === 'E3')?.needs).toBe('liveness');
    expect(rows.filter((r) => r.needs === 'liveness').map((r) => `${r.variant}/${r.property}`))
      .toEqual(['E-B4/E3', 'E-B4/E3', 'E-B4/E3', 'E-B4/E3']);
  });
});

describe('p2m-ioreq-unmap: every variant under every implemented memory model gets the expected verdict for every stated cell', () => {
  for (const v of model.variants) {
    for (const mm of IMPLEMENTED) {
      it(`${v.id} under ${mm}`, () => {
        const r = check(v.id, mm);
        expect(r.complete).toBe(true);
        for (const id of PROPS) {
          const expected = model.expected(v.id, mm, id);
          const got = verdictOf(r, id);
          if (expected !== 'unstated') expect(`${id}:${got}`).toBe(`${id}:${expected}`);
          expect(got).not.toBe('unchecked');
        }
        // the model explains every deadlock and never faults
        expect(verdictOf(r, 'deadlock')).toBe('holds');
        expect(verdictOf(r, 'runtime-error')).toBe('holds');
      });
    }
  }
});

describe('p2m-ioreq-unmap counterexamples show the race protocols.md describes', () => {
  for (const mm of IMPLEMENTED) {
    it(`E-B1 under ${mm}: V reads type == ioreq_server, the DM has set server := NULL, V reads NULL; the write is then dropped`, () => {
      const r = check('E-B1', mm);
      const t = traceOf(r, 'E1');
      const { nullRead } = expectTypeThenNull(t);
      const unmap = find(t, 'DM', /p2m_set_ioreq_server\(flags = 0\).*server := NULL/);
      expect(unmap).toBeGreaterThanOrEqual(0);
      expect(unmap).toBeLessThan(nullRead);
      expect(t.steps.some((s) => /domain_pause/.test(s.action))).toBe(false);
      expect(t.violation).toBe('invariant E1 fails');
      // E2: the same race, followed to its end: v6 has no answer to a NULL server
      const t2 = traceOf(r, 'E2');
      expectTypeThenNull(t2);
      expect(t2.steps.at(-1)!.action).toMatch(/hvm_select_ioreq_server\(d, &p\): no server claims g/);
      expect(t2.violation).toMatch(/the write was dropped: no ioreq server, hvmemul_do_io used null_handler/);
    });
  }

  it('E-B2 under SC: the unmap runs before the pause, so V\'s handler reads NULL with no pause in its way', () => {
    const t = traceOf(check('E-B2', 'sc'), 'E1');
    const { typeRead, nullRead } = expectTypeThenNull(t);
    const unmap = find(t, 'DM', /server := NULL/);
    expect(unmap).toBeLessThan(nullRead);
    // the pause, if the DM got to it, has not got past V: V is still running its handler
    const paused = find(t, 'DM', /vcpu_sleep_sync\(vCPU0\): spin while it is running/);
    expect(paused === -1 || paused > nullRead).toBe(true);
    expect(typeRead).toBeLessThan(nullRead);
  });

  it('E-B3 under SC: the unpause comes first, V faults through the still write-protected entry and sees ioreq_server with NULL', () => {
    const t = traceOf(check('E-B3', 'sc'), 'E1');
    const { nullRead } = expectTypeThenNull(t);
    const pause = find(t, 'DM', /domain_pause: atomic_inc/);
    const unmap = find(t, 'DM', /server := NULL/, pause);
    const unpause = find(t, 'DM', /domain_unpause/, unmap);
    const walk = find(t, 'V', /the EPT walk — load ept\[g\] → ioreq_server\(15\)/, unpause);
    for (const i of [pause, unmap, unpause, walk]) expect(i).toBeGreaterThanOrEqual(0);
    expect(walk).toBeLessThan(nullRead);
    // the entries were never marked for recalculation before V's handler ran
    expect(t.steps.slice(0, nullRead).some((s) => /mark it for recalculation/.test(s.action))).toBe(false);
  });

  it('E-F2 under SC: the race is reachable by design (E1), and answered with RETRY: no write is dropped (E2 holds)', () => {
    const r = check('E-F2', 'sc');
    expectTypeThenNull(traceOf(r, 'E1'));
    expect(verdictOf(r, 'E2')).toBe('holds');
    // after the RETRY the write does land, as RAM, after the unmap
    const p = probe(model.program('E-F2', 'sc'), 'sc', (x) => not(and(x.ghost('E.saw_null_server').eq(1), x.at('V', 'guest'))));
    expect(p.verdict).toBe('violated');
  });
});

describe('p2m-ioreq-unmap: what the verdicts rest on', () => {
  it('E-F1: the pause does meet V in the middle of its write (V descheduled while the DM unmaps), and E1, E2 still hold', () => {
    for (const mm of IMPLEMENTED) {
      const p = probe(model.program('E-F1', mm), mm, (x) => not(and(x.mem('p2m.ioreq.server').eq(0), x.mem('v.is_running').eq(0), x.at('V', 'vmentry.0').not())));
      expect(p.verdict).toBe('violated');
    }
  });

  it('E-F1 and E-F2 hold for two and three writes', () => {
    for (const v of ['E-F1', 'E-F2']) {
      for (const writes of [2, 3]) {
        for (const mm of IMPLEMENTED) {
          const r = check(v, mm, { writes });
          expect(`${v} writes=${writes} ${mm} E2:${verdictOf(r, 'E2')}`).toBe(`${v} writes=${writes} ${mm} E2:holds`);
          if (v === 'E-F1') expect(verdictOf(r, 'E1')).toBe('holds');
        }
      }
    }
  });

  it('E-B4: once V has met the NULL server its write never completes (the safety shadow of the livelock E3 is about), while nothing is dropped', () => {
    for (const mm of IMPLEMENTED) {
      const r = check('E-B4', mm);
      expect(verdictOf(r, 'E3')).toBe('violated');
      expect(verdictOf(r, 'E2')).toBe('holds');
      expect(verdictOf(r, 'deadlock')).toBe('holds'); // a livelock, not a deadlock
      // once V's handler has met the NULL server, the write never completes ...
      const after = (x: ProbeRefs): Term => not(and(x.ghost('E.saw_null_server').eq(1), x.at('V', 'guest')));
      expect(probe(model.program('E-B4', mm), mm, after).verdict).toBe('holds');
      // ... whereas with the type reset (E-F2) it does, as a RAM write
      expect(probe(model.program('E-F2', mm), mm, after).verdict).toBe('violated');
      // (a write that gets in before the unmap is forwarded to S and completes in E-B4 too)
      expect(probe(model.program('E-B4', mm), mm, (x) => x.at('V', 'guest').not()).verdict).toBe('violated');
    }
  });
});

describe('E3 (liveness): E-B4 is a livelock, reported as a lasso', () => {
  for (const mm of IMPLEMENTED) {
    it(`under ${mm}: after the unmap, V retries forever: the loop is V alone, meeting the NULL server and answering RETRY each time round`, () => {
      const e3 = check('E-B4', mm).properties.find((p) => p.id === 'E3')!;
      expect(e3.verdict).toBe('violated');
      const loop = loopOf(e3.trace);
      expect(new Set(loop.map((s) => s.thread))).toEqual(new Set(['V']));
      const text = loop.map((s) => s.action).join('\n');
      expect(text).toMatch(/p2m_get_ioreq_server.*load p2m\.ioreq\.server → NULL\(0\)/);
      expect(text).toMatch(/s == NULL: a race with the unmap, X86EMUL_RETRY/);
      // the unmap happened in the prefix, and the DM has nothing left to do
      expect(e3.trace!.steps.slice(0, e3.trace!.loop).some((s) => s.thread === 'DM' && /server := NULL/.test(s.action))).toBe(true);
      expect(e3.trace!.violation).toMatch(/the loop is fair: V\b.* in it; DM cannot move/);
    });
  }

  it('E-F2 (the committed RETRY, with the type reset) holds: the reset needs the p2m lock V keeps re-taking, and the ticket lock is fair (strong fairness of its acquire)', () => {
    expect(verdictOf(check('E-F2', 'sc'), 'E3')).toBe('holds');
    // without the lock's fairness the DM could starve: a weakly fair DM is enabled only while V does not hold the lock
    const p = model.program('E-F2', 'sc');
    const weakLocks = { ...p, threads: p.threads.map((t) => ({ ...t, fairSteps: (t.fairSteps ?? []).filter((f) => !f.label.startsWith('spin_lock')) })) };
    const e3 = checkProgram(weakLocks, { mm: 'sc', properties: ['E3'] }).properties.find((q) => q.id === 'E3')!;
    expect(e3.verdict).toBe('violated');
    expect(new Set(loopOf(e3.trace).map((s) => s.thread))).toEqual(new Set(['V']));
  });
});
