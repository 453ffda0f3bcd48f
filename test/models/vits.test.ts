/**
 * The vits model (protocols.md scenario D): the expected-verdict table against
 * verdicts.tsv, every variant's verdicts under each implemented memory model, the shape
 * of each counterexample, and probes showing that the properties that hold are not
 * vacuous.
 */
import { describe, expect, it } from 'vitest';
import vits from '../../models/vits.ts';
import { checkProgram } from '../../checker/check.ts';
import { memoryModelInfo } from '../../checker/memory/index.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Result, Trace, TraceStep } from '../../checker/result.ts';
import { and, not } from '../../checker/term.ts';
import { verdictsTsv } from '../shared.ts';
import { probe } from './probe.ts';

const PROPS = ['D1', 'D2', 'D3'];
// ARMv8 at this model's default instance is millions of states (more than a test run can
// afford): these tests cover SC, TSO and PSO at the default instance; armv8-verify.test.ts
// covers ARMv8 at the instance `xenmc verify` runs it with (Model.verifyWith).
const IMPLEMENTED = vits.memoryModels.filter((mm) => memoryModelInfo(mm) !== undefined && mm !== 'armv8');

const cache = new Map<string, Result>();
function check(variant: string, mm: MemoryModelName, params: Record<string, number | string> = {}): Result {
  const key = `${variant}/${mm}/${JSON.stringify(params)}`;
  if (!cache.has(key)) cache.set(key, checkProgram(vits.program(variant, mm, params), { mm }));
  return cache.get(key)!;
}
const traceOf = (r: Result, id: string): Trace => {
  const t = r.properties.find((p) => p.id === id)?.trace;
  if (!t) throw new Error(`no trace for ${id}`);
  return t;
};
/** index of the first step at or after `from` by `thread` whose action matches `re` (-1 if none) */
const find = (t: Trace, thread: string, re: RegExp, from = 0): number =>
  t.steps.findIndex((s, i) => i >= from && s.thread === thread && re.test(s.action));
const finalOf = (t: Trace): Record<string, string> => Object.fromEntries(t.final.map((e) => [e.name, e.text]));
const steps = (t: Trace, thread: string, re: RegExp): TraceStep[] => t.steps.filter((s) => s.thread === thread && re.test(s.action));

describe('vits: the expected verdicts in the model agree with ../shared/design/verdicts.tsv', () => {
  const rows = verdictsTsv().filter((r) => r.model === 'vits');
  it('covers every variant and property of the table, and no others', () => {
    expect(new Set(rows.map((r) => r.variant))).toEqual(new Set(vits.variants.map((v) => v.id)));
    expect(new Set(rows.map((r) => r.property))).toEqual(new Set(vits.properties.map((p) => p.id)));
    expect(rows).toHaveLength(vits.variants.length * 4 * PROPS.length);
  });
  it('agrees cell by cell, under all four memory models', () => {
    const mismatches = rows.filter((r) => vits.expected(r.variant, r.mm, r.property) !== r.expected)
      .map((r) => `${r.variant} ${r.mm} ${r.property}: table ${r.expected}, model ${vits.expected(r.variant, r.mm, r.property)}`);
    expect(mismatches).toEqual([]);
  });
  it('D2 is a liveness property: declared so, and the table marks no cell of it as needing more than that', () => {
    expect(vits.properties.find((p) => p.id === 'D2')?.needs).toBe('liveness');
  });
});

describe('vits: every variant under every implemented memory model gets the expected verdict for every stated cell', () => {
  for (const v of vits.variants) {
    for (const mm of IMPLEMENTED) {
      it(`${v.id} under ${mm}`, () => {
        const r = check(v.id, mm);
        expect(r.complete).toBe(true);
        for (const id of PROPS) {
          const expected = vits.expected(v.id, mm, id);
          const got = r.properties.find((p) => p.id === id)!;
          if (expected !== 'unstated') expect(`${id}:${got.verdict}`).toBe(`${id}:${expected}`);
          expect(got.verdict).not.toBe('unchecked');
          if (got.verdict === 'violated') expect(got.trace!.steps.length).toBeGreaterThan(0);
        }
        expect(r.properties.find((p) => p.id === 'runtime-error')!.verdict).toBe('holds');
        if (PROPS.every((id) => vits.expected(v.id, mm, id) === 'holds')) {
          expect(r.properties.find((p) => p.id === 'deadlock')!.verdict).toBe('holds');
        }
      });
    }
  }
});

describe('vits counterexamples show the bug protocols.md describes', () => {
  it('D-B2 under SC: vCPU0 sets dirty, vCPU1\'s INV wins test_and_clear, the ITS loads the old hcfg, vCPU0\'s own INV is dropped', () => {
    const t = traceOf(check('D-B2', 'sc'), 'D1');
    const dirtySet = find(t, 'G0', /set_bit\(0, dirty\).*lazy\.dirty: 0 → 1/);
    const stolen = find(t, 'G1', /test_and_clear_bit\(0, dirty\).*lazy\.dirty: 1 → 0/, dirtySet);
    const oldLoaded = find(t, 'ITS', /complete the executed INV of LPI 0.*hcfg → disabled/, stolen);
    const hcfgWritten = find(t, 'G0', /propagate to hcfg\[0\].*hcfg := enabled/, oldLoaded);
    const dropped = find(t, 'G0', /test_and_clear_bit\(0, dirty\).*lazy\.dirty: 0 → 0/, hcfgWritten);
    for (const i of [dirtySet, stolen, oldLoaded, hcfgWritten, dropped]) expect(i).toBeGreaterThanOrEqual(0);
    // vCPU0 sends no INV of its own after that: only its SYNC
    expect(steps(t, 'G0', /its_send_command: copy/).map((s) => s.action)).toEqual([expect.stringMatching(/copy SYNC/)]);
    // and then observes CREADR past its SYNC with the old configuration in force
    expect(t.steps.at(-1)!.thread).toBe('G0');
    expect(t.steps.at(-1)!.action).toMatch(/poll GITS_CREADR .* until it passes the SYNC/);
    const end = finalOf(t);
    expect(end['ITS.cache[0]']).toBe('disabled(1)');
    expect(end['hcfg']).toBe('enabled(2)');
    expect(end['ghost G.last_written[0]']).toBe('enabled(2)');
    expect(end['ghost G.promised']).toBe('1');
  });

  it('D-B4 under SC: vCREADR is advanced over the guest SYNC before the physical ITS completed (or even executed) the INV', () => {
    const r = check('D-B4', 'sc');
    for (const id of ['D1', 'D3']) {
      const t = traceOf(r, id);
      const skipped = find(t, t.steps.at(-1)!.thread, /D-B4: guest SYNC: advance CREADR without sending a pSYNC/);
      expect(skipped).toBeGreaterThanOrEqual(0);
      expect(t.steps[skipped + 1].action).toMatch(/write_u64_atomic\(its->creadr\).*vits\.CREADR := 2/);
      // no SYNC ever reached the physical queue
      expect(t.steps.some((s) => /copy SYNC/.test(s.action))).toBe(false);
    }
    const t = traceOf(r, 'D1');
    const end = finalOf(t);
    expect(end['pits.cmd[0]']).toBe('INV 0(1)');
    expect(end['ITS.cache[0]']).toBe('disabled(1)');
    expect(end['ghost G.last_written[0]']).toBe('enabled(2)');
    expect(end['vits.CREADR']).toBe('2');
  });

  it('D-B6 under SC: the write to the unmapped LPI is only emulated, MAPTI does not reload, the INV is dropped, the SYNC completes', () => {
    const t = traceOf(check('D-B6', 'sc'), 'D1');
    const write = find(t, 'G0', /LPI 0 := disabled traps.*load vits\.mapped → 0/);
    const mapti = find(t, 'G0', /MAPTI: map the vLPI \(D-B6: the configuration is not reloaded\)/, write);
    const inv = find(t, 'G0', /the guest's INV\/INVALL is dropped/, mapti);
    const sync = find(t, 'G0', /copy SYNC into the host queue/, inv);
    for (const i of [write, mapti, inv, sync]) expect(i).toBeGreaterThanOrEqual(0);
    expect(t.steps.some((s) => /hcfg :=/.test(s.action))).toBe(false);
    const end = finalOf(t);
    // the host LPI keeps the configuration Xen gave it at allocation: enabled, while G said disabled
    expect(end['ITS.cache[0]']).toBe('enabled(2)');
    expect(end['hcfg']).toBe('enabled(2)');
    expect(end['ghost G.last_written[0]']).toBe('disabled(1)');
  });

  it('D-B5 holds, and the reordering it is about does happen: a pINV reaches the ITS before Xen handles the MAPTI queued ahead of it', () => {
    for (const mm of IMPLEMENTED) {
      expect(check('D-B5', mm).properties.find((p) => p.id === 'D1')!.verdict).toBe('holds');
      const p = probe(vits.program('D-B5', mm), mm, (x) =>
        not(and(x.mem('vits.cmd', 0).eq(4 + 8 * 1), x.mem('pits.cmd', 0).eq(1 + 8 * 0), x.mem('vits.CREADR').eq(0))));
      expect(p.verdict).toBe('violated');
    }
  });

  it('D-B1 and D-B3 hold under SC and TSO, where stores stay in order (their bugs need PSO or ARMv8)', () => {
    for (const v of ['D-B1', 'D-B3']) {
      for (const mm of ['sc', 'tso'] as const) expect(check(v, mm).verdict).toBe('holds');
    }
  });
});

describe('vits: the properties that hold are not vacuous', () => {
  for (const v of ['D-F1', 'D-F2', 'D-B1', 'D-B5']) {
    it(`${v}: G does see CREADR pass its SYNC, so D1's promise is made and then checked`, () => {
      for (const mm of IMPLEMENTED) {
        expect(probe(vits.program(v, mm), mm, (x) => x.ghost('G.promised').eq(0)).verdict).toBe('violated');
      }
    });
  }

  it('D-F2: the race D-B2 exploits is reached here too (vCPU1\'s INV takes the dirty bit vCPU0\'s trap set) and is harmless', () => {
    for (const mm of IMPLEMENTED) {
      const p = probe(vits.program('D-F2', mm), mm, (x) => not(and(x.reg('G1', 'was_dirty').eq(1), x.mem('hcfg').eq(2))));
      expect(p.verdict).toBe('violated');
    }
  });
});

describe('vits: the correct designs hold beyond the defaults', () => {
  const cases: Record<string, number | string>[] = [
    { vcpus: 3 }, { rounds: 2 }, { lpis: 2 }, { inv: 'invall' }, { workload: 'map', lpis: 2 }, { workload: 'batch', inv: 'invall' },
  ];
  for (const v of ['D-F1', 'D-F2', 'D-B5']) {
    it(`${v}: ${cases.map((c) => JSON.stringify(c)).join(', ')}`, () => {
      for (const params of cases) {
        for (const mm of IMPLEMENTED) {
          const r = checkProgram(vits.program(v, mm, params), { mm });
          expect(`${JSON.stringify(params)} ${mm}: ${r.verdict}`).toBe(`${JSON.stringify(params)} ${mm}: holds`);
        }
      }
    });
  }
  it('the bugs survive other workloads too: D-B2 with INVALL and with two LPIs, D-B6 in Ian\'s batch, D-B4 in the map workload', () => {
    for (const [v, params] of [['D-B2', { inv: 'invall' }], ['D-B2', { lpis: 2 }], ['D-B6', { workload: 'batch' }], ['D-B4', { workload: 'map' }]] as const) {
      expect(checkProgram(vits.program(v, 'sc', params), { mm: 'sc' }).properties.find((p) => p.id === 'D1')!.verdict).toBe('violated');
    }
  });
});

describe('D2 (liveness): the effective configuration keeps coming back to the last value written', () => {
  it('D-B2 under SC: the lost INV leaves the ITS\'s cache at the old value, and nothing obliges the ITS to refill it on its own', () => {
    const d2 = check('D-B2', 'sc').properties.find((p) => p.id === 'D2')!;
    expect(d2.verdict).toBe('violated');
    expect(d2.trace!.loop).toBeUndefined();
    expect(d2.trace!.violation).toMatch(/nothing obliges the run to go on: the only steps enabled \(ITS\) are exempt from fairness/);
    const end = Object.fromEntries(d2.trace!.final.map((e) => [e.name, e.text]));
    expect(end['ITS.cache[0]']).not.toBe(end['ghost G.last_written[0]']);
    expect(end['hcfg'] ?? end['hcfg[0]']).toBe(end['ghost G.last_written[0]']);
  });

  it('the refill is what is exempt: were the ITS obliged to refill (a weakly fair step like the rest), D-B2 would satisfy D2', () => {
    const p = vits.program('D-B2', 'sc');
    const obliged = { ...p, threads: p.threads.map((t) => ({ ...t, fairSteps: (t.fairSteps ?? []).filter((f) => !f.label.startsWith('refill')) })) };
    expect(checkProgram(obliged, { mm: 'sc', properties: ['D2'] }).properties[0].verdict).toBe('holds');
  });

  it('D-F2 and D-F1 satisfy it under SC and TSO: every change is loaded through an INV, without the optional refill', () => {
    for (const v of ['D-F1', 'D-F2']) for (const mm of ['sc', 'tso'] as const) expect(`${v} ${mm} ${check(v, mm).properties.find((p) => p.id === 'D2')!.verdict}`).toBe(`${v} ${mm} holds`);
  });
});
