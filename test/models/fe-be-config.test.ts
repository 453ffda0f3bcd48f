/**
 * The fe-be-config model (protocols.md scenario B, the RFC's spin-wait design): the expected
 * verdicts against verdicts.tsv, every variant's verdicts under SC and TSO, each
 * counterexample's content, and what each variant changes in the code.
 */
import { describe, expect, it } from 'vitest';
import model from '../../models/fe-be-config.ts';
import { checkProgram } from '../../checker/check.ts';
import { supportedMemoryModels, verifyModels } from '../../checker/verify.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Result } from '../../checker/result.ts';
import { verdictsTsv } from '../shared.ts';
import { accessesOf, expectStoresReordered, finalOf, step, stepIndex, traceOf, verdictOf } from './trace.ts';
import { memoryModelInfo } from '../../checker/memory/index.ts';

// ARMv8 at this model's default instance is millions of states (more than a test run can
// afford): these tests cover SC, TSO and PSO at the default instance; armv8-verify.test.ts
// covers ARMv8 at the instance `xenmc verify` runs it with (Model.verifyWith).
const TESTED = supportedMemoryModels(model).filter((mm) => mm !== 'armv8');

const PROPS = ['B1', 'B2', 'B3', 'B4', 'B5'];
const cache = new Map<string, Result>();
function check(variant: string, mm: MemoryModelName, params: Record<string, number> = {}): Result {
  const key = `${variant}/${mm}/${JSON.stringify(params)}`;
  if (!cache.has(key)) cache.set(key, checkProgram(model.program(variant, mm, params), { mm }));
  return cache.get(key)!;
}

describe('fe-be-config: the expected verdicts in the model agree with ../shared/design/verdicts.tsv', () => {
  const rows = verdictsTsv().filter((r) => r.model === 'fe-be-config');
  it('covers every variant and property of the table, and no others', () => {
    expect(new Set(rows.map((r) => r.variant))).toEqual(new Set(model.variants.map((v) => v.id)));
    expect(new Set(rows.map((r) => r.property))).toEqual(new Set(model.properties.map((p) => p.id)));
    expect(rows).toHaveLength(model.variants.length * 4 * PROPS.length);
  });
  it('agrees cell by cell, under all four memory models', () => {
    const mismatches = rows.filter((r) => model.expected(r.variant, r.mm, r.property) !== r.expected)
      .map((r) => `${r.variant} ${r.mm} ${r.property}: table ${r.expected}, model ${model.expected(r.variant, r.mm, r.property)}`);
    expect(mismatches).toEqual([]);
  });
  it('no cell needs liveness: B3 and B5 get their table verdicts from their safety form (their liveness form is checked too)', () => {
    expect(rows.every((r) => r.needs === '')).toBe(true);
    expect(model.properties.every((p) => p.needs === undefined)).toBe(true);
  });
});

describe('fe-be-config: every variant under every implemented memory model gets the expected verdict for every stated cell', () => {
  for (const v of model.variants) {
    for (const mm of TESTED) {
      it(`${v.id} under ${mm}`, () => {
        const r = check(v.id, mm);
        expect(r.complete).toBe(true);
        for (const id of PROPS) {
          const expected = model.expected(v.id, mm, id);
          if (expected !== 'unstated') expect(`${id}:${verdictOf(r, id)}`).toBe(`${id}:${expected}`);
        }
        // every deadlock is one the named properties explain, and the model never faults
        expect(verdictOf(r, 'deadlock')).toBe('holds');
        expect(verdictOf(r, 'runtime-error')).toBe('holds');
      });
    }
  }

  it('the RFC design also holds with four changes over a two-entry ring, and with one change', () => {
    for (const mm of ['sc', 'tso'] as const) {
      expect(check('B-F', mm, { requests: 4, size: 2 }).verdict).toBe('holds');
      expect(check('B-F', mm, { requests: 1 }).verdict).toBe('holds');
    }
  });
});

describe('fe-be-config in xenmc verify', () => {
  it('every variant runs under every implemented memory model, and no compared cell differs from the expectation', () => {
    const runs = verifyModels([model], { mms: TESTED });
    expect(runs).toHaveLength(model.variants.length * TESTED.length);
    const rows = runs.flatMap((r) => r.rows);
    expect(rows.filter((r) => r.comparison === 'differ' || r.comparison === 'incomplete')).toEqual([]);
    expect(rows.filter((r) => r.comparison === 'agree').length).toBeGreaterThan(0);
  });
});

describe('fe-be-config counterexamples show the bug protocols.md describes', () => {
  it('B-B1 under SC: BE publishes response k, FE sends k+1 and its notify finds P still set, then BE clears P and sleeps', () => {
    for (const id of ['B3', 'B5']) {
      const t = traceOf(check('B-B1', 'sc'), id);
      const publish = step(t, 'BE', /publish rsp_prod — store be2fe\.rsp_prod := 1/);
      const spinEnds = step(t, 'FE', /FE 5: spin until rsp_prod != rsp_cons — await be2fe\.rsp_prod → 1/, publish.index);
      const request2 = step(t, 'FE', /publish req_prod — store fe2be\.req_prod := 2/, spinEnds.index);
      // FE's notify for request 2 coalesces with the event BE has not cleared yet
      const coalesced = step(t, 'FE', /FE 4: notify .* — rmw cfg_evtchn\.pending: 1 → 1/, request2.index);
      const lateClear = step(t, 'BE', /clear P only now, after processing .* — rmw cfg_evtchn\.pending: 1 → 0/, coalesced.index);
      expect(lateClear.index).toBe(t.steps.length - 1);
      expect(t.violation).toMatch(/^deadlock/);
      const end = finalOf(t);
      expect([end['FE.pc'], end['BE.pc']]).toEqual(['@fe.spin', '@be.wait']);
      expect([end['fe2be.req_prod'], end['BE.req_cons'], end['cfg_evtchn.pending']]).toEqual(['2', '1', '0']);
    }
  });

  it('B-B1 under TSO too: the bug needs no reordering', () => {
    expect(verdictOf(check('B-B1', 'tso'), 'B3')).toBe('violated');
  });

  it('B-B5 under SC: a spurious event wakes BE with no request on the ring, and BE hits its BUG()', () => {
    const t = traceOf(check('B-B5', 'sc'), 'B4');
    const spurious = step(t, 'EV', /spurious or duplicate event: set P — rmw cfg_evtchn\.pending: 0 → 1/);
    const wake = step(t, 'BE', /BE 1: block until P == 1 — await cfg_evtchn\.pending → 1/, spurious.index);
    const look = step(t, 'BE', /BE 3: rp = req_prod — load fe2be\.req_prod → (\d)/, wake.index);
    expect(look.index).toBe(t.steps.length - 1);
    // what BE read is what it has already consumed: zero requests
    const rp = /→ (\d)/.exec(look.step.action)![1];
    expect(finalOf(t)['BE.req_cons']).toBe(rp);
    expect(t.violation).toBe('BE: BUG(), not exactly one request on the fe-to-be ring');
  });

  it('B-B5 under TSO: the same BUG', () => {
    expect(traceOf(check('B-B5', 'tso'), 'B4').violation).toBe('BE: BUG(), not exactly one request on the fe-to-be ring');
  });
});

// PSO is being implemented on another branch; these run once it is registered.
describe.skipIf(!memoryModelInfo('pso'))('fe-be-config counterexamples under PSO', () => {
  it('B-B2: BE\'s rsp_prod store becomes visible before its RSP/devcfg stores; FE, polling, sees the answer published and reads stale data', () => {
    const t = traceOf(check('B-B2', 'pso'), 'B1');
    expectStoresReordered(t, { writer: 'BE', first: ['be2fe.ring', 'devcfg'], second: 'be2fe.rsp_prod', reader: 'FE' });
  });

  it('B-B4: FE\'s plain store to P becomes visible before its req_prod store; BE wakes, reads the old req_prod and hits BUG()', () => {
    const t = traceOf(check('B-B4', 'pso'), 'B4');
    expect(t.violation).toBe('BE: BUG(), not exactly one request on the fe-to-be ring');
    expectStoresReordered(t, { writer: 'FE', first: ['fe2be.req_prod'], second: 'cfg_evtchn.pending', reader: 'BE' });
  });
});

describe('fe-be-config: each variant changes exactly the line protocols.md names', () => {
  const fe = (v: string, mm: MemoryModelName): string[] => accessesOf(model.program(v, mm), 'FE');
  const be = (v: string, mm: MemoryModelName): string[] => accessesOf(model.program(v, mm), 'BE');

  it('B-F under ARMv8: FE writes REQ, DMB ISHST, req_prod, notifies (fenced RMW), spins, DMB ISHLD, reads RSP and devcfg', () => {
    expect(fe('B-F', 'armv8')).toEqual([
      'W fe2be.ring', 'F st', 'W fe2be.req_prod', 'F full', 'RMW cfg_evtchn.pending', 'F full',
      'AWAIT be2fe.rsp_prod', 'F ld', 'R be2fe.ring', 'R devcfg',
    ]);
    expect(be('B-F', 'armv8')).toEqual([
      'AWAIT cfg_evtchn.pending', 'F full', 'RMW cfg_evtchn.pending', 'F full', 'R fe2be.req_prod', 'F ld',
      'R fe2be.ring', 'W devcfg', 'W be2fe.ring', 'F st', 'W be2fe.rsp_prod',
    ]);
  });

  it('B-B1 moves BE\'s clear of P after publishing rsp_prod', () => {
    const fixed = be('B-F', 'armv8');
    const clear = ['F full', 'RMW cfg_evtchn.pending', 'F full'];
    expect(fixed.slice(1, 4)).toEqual(clear);
    expect(be('B-B1', 'armv8')).toEqual([fixed[0], ...fixed.slice(4), ...clear]);
  });

  it('B-B2 drops the wmb before rsp_prod; B-B3 the rmb after the spin', () => {
    const fixedBe = be('B-F', 'armv8');
    const wmb = fixedBe.lastIndexOf('F st');
    expect(be('B-B2', 'armv8')).toEqual([...fixedBe.slice(0, wmb), ...fixedBe.slice(wmb + 1)]);
    expect(fe('B-B3', 'armv8')).toEqual(fe('B-F', 'armv8').filter((a) => a !== 'F ld'));
  });

  it('B-B4 notifies with a plain store to P and no fence', () => {
    expect(fe('B-B4', 'armv8')).toEqual([
      'W fe2be.ring', 'F st', 'W fe2be.req_prod', 'W cfg_evtchn.pending',
      'AWAIT be2fe.rsp_prod', 'F ld', 'R be2fe.ring', 'R devcfg',
    ]);
  });

  it('B-B4 holds under TSO because P enters FE\'s FIFO store buffer behind req_prod', () => {
    const r = check('B-B4', 'tso');
    expect(r.verdict).toBe('holds');
    expect(fe('B-B4', 'tso')).toEqual(['W fe2be.ring', 'W fe2be.req_prod', 'W cfg_evtchn.pending', 'AWAIT be2fe.rsp_prod', 'R be2fe.ring', 'R devcfg']);
  });

  it('B-B5 adds an actor that may set P once, and nothing else', () => {
    const p = model.program('B-B5', 'sc');
    expect(p.threads.map((t) => t.name)).toEqual(['FE', 'BE', 'EV']);
    expect(accessesOf(p, 'EV')).toEqual(['RMW cfg_evtchn.pending']);
    expect(fe('B-B5', 'sc')).toEqual(fe('B-F', 'sc'));
    expect(be('B-B5', 'sc')).toEqual(be('B-F', 'sc'));
  });

  it('B1, B2 and B4 are assertions where protocols.md places them: FE at steps 7–9, BE at steps 4–5', () => {
    const asserts = model.program('B-F', 'sc').threads.flatMap((t) => t.code.filter((i) => i.op === 'assert').map((i) => `${t.name}:${i.op === 'assert' ? i.property : ''}`));
    expect(asserts.sort()).toEqual(['BE:B2', 'BE:B4', 'FE:B1', 'FE:B1', 'FE:B4']);
    expect(stepIndex(traceOf(check('B-B1', 'sc'), 'B3'), 'FE', /FE 9: read the configuration — load devcfg → c1\(1\)/)).toBeGreaterThan(0);
  });
});
