/**
 * The ioreq model (protocols.md scenario A): every variant's verdicts under SC and TSO,
 * each counterexample's content, and the expected-verdict table against verdicts.tsv.
 */
import { describe, expect, it } from 'vitest';
import ioreq from '../../models/ioreq.ts';
import { checkProgram } from '../../checker/check.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Result, Trace } from '../../checker/result.ts';
import type { Program } from '../../checker/ir.ts';
import { verdictsTsv } from '../shared.ts';

const PROPS = ['A1', 'A2', 'A3', 'A4'];
const cache = new Map<string, Result>();
function check(variant: string, mm: MemoryModelName, params: Record<string, number | string> = {}): Result {
  const key = `${variant}/${mm}/${JSON.stringify(params)}`;
  if (!cache.has(key)) cache.set(key, checkProgram(ioreq.program(variant, mm, params), { mm }));
  return cache.get(key)!;
}
const traceOf = (r: Result, id: string): Trace => {
  const t = r.properties.find((p) => p.id === id)?.trace;
  if (!t) throw new Error(`no trace for ${id}`);
  return t;
};

describe('ioreq: the expected verdicts in the model agree with ../shared/design/verdicts.tsv', () => {
  const rows = verdictsTsv().filter((r) => r.model === 'ioreq');
  it('covers every variant and property of the table, and no others', () => {
    expect(new Set(rows.map((r) => r.variant))).toEqual(new Set(ioreq.variants.map((v) => v.id)));
    expect(new Set(rows.map((r) => r.property))).toEqual(new Set(ioreq.properties.map((p) => p.id)));
    expect(rows).toHaveLength(ioreq.variants.length * 4 * PROPS.length);
  });
  it('agrees cell by cell, under all four memory models', () => {
    const mismatches = rows.filter((r) => ioreq.expected(r.variant, r.mm, r.property) !== r.expected)
      .map((r) => `${r.variant} ${r.mm} ${r.property}: table ${r.expected}, model ${ioreq.expected(r.variant, r.mm, r.property)}`);
    expect(mismatches).toEqual([]);
  });
});

describe('ioreq: every variant under SC and TSO gets the expected verdict for every stated cell', () => {
  for (const v of ioreq.variants) {
    for (const mm of ['sc', 'tso'] as const) {
      it(`${v.id} under ${mm}`, () => {
        const r = check(v.id, mm);
        expect(r.complete).toBe(true);
        for (const id of PROPS) {
          const expected = ioreq.expected(v.id, mm, id);
          const got = r.properties.find((p) => p.id === id)!;
          if (expected !== 'unstated') expect(`${id}:${got.verdict}`).toBe(`${id}:${expected}`);
          if (got.verdict === 'violated') expect(got.trace!.steps.length).toBeGreaterThan(0);
        }
        // the model explains every deadlock and never faults
        expect(r.properties.find((p) => p.id === 'deadlock')!.verdict).toBe('holds');
        expect(r.properties.find((p) => p.id === 'runtime-error')!.verdict).toBe('holds');
      });
    }
  }
});

describe('ioreq counterexamples show the bug protocols.md describes', () => {
  it('A-B5 under TSO: the blocked flag is still in Xen\'s store buffer when the device model\'s notify test-and-clears it', () => {
    const t = traceOf(check('A-B5', 'tso'), 'A4');
    const plain = t.steps.findIndex((s) => s.thread === 'Xen0' && /set _VPF_blocked_in_xen \(plain store\)/.test(s.action));
    expect(plain).toBeGreaterThanOrEqual(0);
    expect(t.steps[plain].action).toMatch(/store vcpu\.blocked_in_xen := 1 \(into its store buffer\)/);
    // Xen re-checks the state without a barrier and sees the request not yet answered
    const recheck = t.steps.slice(plain + 1).find((s) => s.thread === 'Xen0' && /re-read the state/.test(s.action))!;
    expect(recheck.action).toMatch(/load slot\.state → (READY|INPROCESS)/);
    // the device model's wake-up: at that moment Xen's buffer still holds blocked := 1
    const notifyIdx = t.steps.findIndex((s) => s.thread === 'DM' && /notify Xen/.test(s.action));
    const bufferBefore = [...t.steps.slice(0, notifyIdx)].reverse().flatMap((s) => s.changes).find((c) => c.name === 'store buffer of Xen0');
    expect(bufferBefore?.after).toContain('vcpu.blocked_in_xen:=1');
    // and the buffered store becomes visible after it, re-blocking the vCPU for good
    const drain = t.steps.findIndex((s, i) => i > notifyIdx && s.kind === 'memory' && /vcpu\.blocked_in_xen := 1 leaves Xen0's store buffer/.test(s.action));
    expect(drain).toBeGreaterThan(notifyIdx);
    const end = Object.fromEntries(t.final.map((e) => [e.name, e.text]));
    expect(end['Xen0.pc']).toBe('@wait_for_io.blocked.0');
    expect(end['slot.state']).toBe('IORESP_READY(3)');
    expect(end['vcpu.blocked_in_xen']).toBe('1');
    expect(t.violation).toMatch(/^deadlock/);
  });

  it('A-B5 under SC holds: the plain store is visible at once, so the re-check or the wake-up sees it', () => {
    expect(check('A-B5', 'sc').properties.find((p) => p.id === 'A4')!.verdict).toBe('holds');
  });

  it('A-B6 under SC: the device model wakes nobody (blocked not yet set), then Xen blocks without re-checking', () => {
    const t = traceOf(check('A-B6', 'sc'), 'A4');
    const wake = t.steps.find((s) => s.thread === 'DM' && /notify Xen/.test(s.action))!;
    expect(wake.action).toMatch(/rmw vcpu\.blocked_in_xen: 0 → 0/);
    const set = t.steps.findIndex((s) => s.thread === 'Xen0' && /set _VPF_blocked_in_xen after notifying/.test(s.action));
    expect(set).toBeGreaterThan(t.steps.indexOf(wake));
    const end = Object.fromEntries(t.final.map((e) => [e.name, e.text]));
    expect(end['Xen0.pc']).toBe('@descheduled.0');
    expect(end['slot.state']).toBe('IORESP_READY(3)');
  });

  it('A4\'s liveness form alone finds the lost wakeups too: without its safety form, A-B5 (TSO) and A-B6 (SC) are runs that stop with the response unread', () => {
    for (const [variant, mm] of [['A-B5', 'tso'], ['A-B6', 'sc']] as const) {
      const p = ioreq.program(variant, mm);
      const livenessOnly: Program = { ...p, properties: p.properties.map((q) => (q.id === 'A4' && q.kind === 'leadsTo' ? { ...q, deadlock: null } : q)) };
      const r = checkProgram(livenessOnly, { mm });
      const a4 = r.properties.find((q) => q.id === 'A4')!;
      expect(a4.kind).toBe('leadsTo');
      expect(a4.verdict).toBe('violated');
      expect(a4.trace!.loop).toBeUndefined();
      expect(a4.trace!.violation).toMatch(/its goal never follows: from the state after step \d+ on the run ends without it \(a deadlock: no step is enabled\)/);
      expect(Object.fromEntries(a4.trace!.final.map((e) => [e.name, e.text]))['slot.state']).toBe('IORESP_READY(3)');
      // unclaimed by a safety form, the deadlock is the built-in property's as well
      expect(r.properties.find((q) => q.id === 'deadlock')!.verdict).toBe('violated');
    }
  });

  it('A4\'s liveness form holds for the fixed variant: every visible response is taken, on every fair run', () => {
    const p = ioreq.program('A-F', 'tso', { vcpus: 2, requests: 1 });
    const livenessOnly: Program = { ...p, properties: p.properties.map((q) => (q.id === 'A4' && q.kind === 'leadsTo' ? { ...q, deadlock: null } : q)) };
    const r = checkProgram(livenessOnly, { mm: 'tso' });
    expect(r.properties.find((q) => q.id === 'A4')!.verdict).toBe('holds');
    expect(r.bounds.mode).toBe('exact');
  });

  it('the fixed variant holds with two vCPUs and mixed reads and writes too', () => {
    for (const mm of ['sc', 'tso'] as const) {
      const r = check('A-F', mm, { vcpus: 2, requests: 1 });
      expect(r.verdict).toBe('holds');
      expect(r.states).toBeGreaterThan(1000);
    }
  });
});
