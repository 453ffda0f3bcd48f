/**
 * The ioreq model (scenario A) under PSO and ARMv8, which are implemented on another branch:
 * these run once they are registered. PSO at the default parameters, every cell of
 * verdicts.tsv; ARMv8 with the parameters that make each bug reachable, since two of them
 * are not at the defaults:
 *  - A-B4 (READY published without prepare_wait's smp_mb) needs two promises: Xen writes
 *    the slot's state twice (NONE with the payload, then READY), and READY can overtake the
 *    payload only if NONE is promised too;
 *  - A-B7 (payload loads ordered before IORESP_READY only by a store barrier) is a
 *    load-buffering shape: the device model's payload load of a *write* request reads Xen's
 *    next request, so it needs a write followed by another request: the default mixed
 *    requests are a read then a write, with nothing after the write; two writes show it.
 */
import { describe, expect, it } from 'vitest';
import model from '../../models/ioreq.ts';
import { checkProgram, type CheckOptions } from '../../checker/check.ts';
import { memoryModelInfo } from '../../checker/memory/index.ts';

const PROPS = ['A1', 'A2', 'A3', 'A4'];

describe.skipIf(!memoryModelInfo('pso'))('ioreq under PSO: every variant, every stated cell', () => {
  for (const v of model.variants) {
    it(v.id, () => {
      const r = checkProgram(model.program(v.id, 'pso'), { mm: 'pso' });
      expect(r.complete).toBe(true);
      for (const id of PROPS) {
        const expected = model.expected(v.id, 'pso', id);
        if (expected !== 'unstated') expect(`${id}:${r.properties.find((p) => p.id === id)!.verdict}`).toBe(`${id}:${expected}`);
      }
    });
  }

  it('A-B4: the READY store leaves its buffer before the payload stores; the device model copies an empty slot', () => {
    const r = checkProgram(model.program('A-B4', 'pso'), { mm: 'pso', properties: ['A1'] });
    const t = r.properties.find((p) => p.id === 'A1')!.trace!;
    const ready = t.steps.findIndex((s) => s.kind === 'memory' && /slot\.state := READY\(1\) leaves/.test(s.action));
    const copy = t.steps.findIndex((s) => s.thread === 'DM' && /copy the request \(addr\)/.test(s.action));
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(copy).toBeGreaterThan(ready);
    expect(t.steps.slice(0, copy).some((s) => s.kind === 'memory' && /slot\.addr := 1 leaves/.test(s.action))).toBe(false);
    expect(t.steps[copy].action).toMatch(/load slot\.addr → 0/);
  });
});

describe.skipIf(!memoryModelInfo('armv8'))('ioreq A-B7 under ARMv8: load buffering', () => {
  it('the device model promises IORESP_READY before copying the write request; Xen completes it and writes its next request, which the copy reads', () => {
    const r = checkProgram(model.program('A-B7', 'armv8', { dir: 'write' }), { mm: 'armv8', properties: ['A1'] });
    const t = r.properties.find((p) => p.id === 'A1')!.trace!;
    const promise = t.steps.findIndex((s) => s.thread === 'DM' && s.kind === 'memory' && /promises slot\.state := IORESP_READY/.test(s.action));
    const next = t.steps.findIndex((s) => s.thread === 'Xen0' && /request 1: write the slot \(addr\) — store slot\.addr := 2/.test(s.action));
    const copy = t.steps.findIndex((s) => s.thread === 'DM' && /copy the request \(addr\) — load slot\.addr → 2/.test(s.action));
    expect(promise).toBeGreaterThanOrEqual(0);
    expect(next).toBeGreaterThan(promise);
    expect(copy).toBeGreaterThan(next);
  });
});

describe.skipIf(!memoryModelInfo('armv8'))('ioreq under ARMv8, with the parameters that make each bug reachable', () => {
  const cases: [string, Record<string, number | string>, number, Record<string, 'holds' | 'violated'>][] = [
    ['A-F', { requests: 1 }, 1, { A1: 'holds', A2: 'holds', A3: 'holds', A4: 'holds' }],
    ['A-B1', { requests: 1 }, 1, { A2: 'violated' }],
    ['A-B2', { requests: 1 }, 1, { A2: 'violated' }],
    ['A-B3', { requests: 1 }, 1, { A1: 'violated' }],
    ['A-B4', { requests: 1 }, 2, { A1: 'violated' }],
    ['A-B5', { requests: 1 }, 1, { A4: 'violated' }],
    ['A-B6', { requests: 1 }, 1, { A4: 'violated' }],
    ['A-B7', { dir: 'write' }, 1, { A1: 'violated' }],
  ];
  for (const [variant, params, promises, want] of cases) {
    it(`${variant} ${JSON.stringify(params)}, ${promises} promise${promises > 1 ? 's' : ''}: ${Object.entries(want).map(([p, v]) => `${p} ${v}`).join(', ')}`, () => {
      // `promises` is the ARMv8 model's bound on outstanding promises (CheckOptions on the weakmem branch)
      const opts: CheckOptions & { promises: number } = { mm: 'armv8', properties: Object.keys(want), promises };
      const r = checkProgram(model.program(variant, 'armv8', params), opts);
      for (const [id, v] of Object.entries(want)) expect(`${id}:${r.properties.find((p) => p.id === id)!.verdict}`).toBe(`${id}:${v}`);
    });
  }
});
