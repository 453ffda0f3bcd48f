/**
 * Depth-first search (`--search dfs`, `--seed`) against breadth-first, the reference: on
 * built-in models whose spaces both exhaust, the two reach the same states and transitions
 * and give the same verdicts; a depth-first counterexample is a real one (it replays to the
 * violation and says it was found depth-first), never shorter than the breadth-first one;
 * a seed makes the order reproducible and changes it; liveness needs breadth-first.
 */
import { describe, expect, it } from 'vitest';
import { checkProgram, type CheckOptions } from '../../../checker/check.ts';
import type { MemoryModelName } from '../../../checker/memory/model.ts';
import type { Model } from '../../../checker/model.ts';
import type { Result } from '../../../checker/result.ts';
import ioreq from '../../../models/ioreq.ts';
import ring from '../../../models/ring.ts';
import vits from '../../../models/vits.ts';
import { traceHeading } from '../../../reports/text.ts';

function check(model: Model, variant: string, mm: MemoryModelName, opts: Partial<CheckOptions> = {}): Result {
  return checkProgram(model.program(variant, mm, model.resolveParams(opts.params ?? {})), { mm, variant, ...opts });
}

const verdicts = (r: Result): Record<string, string> => Object.fromEntries(r.properties.map((p) => [p.id, p.verdict]));

// safety properties only, so that both orders search the whole space
const CASES: readonly { model: Model; variant: string; mm: MemoryModelName; properties: string[] }[] = [
  { model: ioreq, variant: 'A-F', mm: 'tso', properties: ['A1', 'A2', 'A3'] },
  { model: ioreq, variant: 'A-B1', mm: 'tso', properties: ['A1', 'A2', 'A3'] },
  { model: ring, variant: 'R-B1', mm: 'tso', properties: ['B2', 'deadlock'] },
  { model: vits, variant: 'D-B3', mm: 'pso', properties: ['D1', 'D3'] },
  { model: vits, variant: 'D-B4', mm: 'armv8', properties: ['D1', 'D3'] },
];

describe('depth-first search', () => {
  for (const c of CASES) {
    it(`${c.model.name} ${c.variant} under ${c.mm}: the same states, transitions and verdicts as breadth-first, for any seed`, () => {
      const params: Record<string, number> = c.model.name === 'vits' && c.mm === 'armv8' ? { vcpus: 1 } : {};
      const bfs = check(c.model, c.variant, c.mm, { properties: c.properties, params });
      expect(bfs.complete).toBe(true);
      for (const seed of [undefined, 1, 2]) {
        const dfs = check(c.model, c.variant, c.mm, { properties: c.properties, params, order: 'depth-first', ...(seed !== undefined ? { seed } : {}) });
        expect(dfs.bounds.order).toBe('depth-first');
        expect(dfs.bounds.seed).toBe(seed ?? null);
        expect(verdicts(dfs)).toEqual(verdicts(bfs));
        // a violated property stops nothing while another is still open, so both exhaust the space
        if (Object.values(verdicts(bfs)).some((v) => v === 'holds')) {
          expect([dfs.states, dfs.transitions]).toEqual([bfs.states, bfs.transitions]);
        }
        for (const p of dfs.properties) {
          if (p.verdict !== 'violated') continue;
          const t = p.trace!;
          const shortest = bfs.properties.find((q) => q.id === p.id)!.trace!;
          expect(t.order).toBe('depth-first');
          expect(shortest.order).toBeUndefined();
          expect(t.steps.length).toBeGreaterThanOrEqual(shortest.steps.length);
          // the same violation, reached by the path the search took
          expect(t.violation).toBe(shortest.violation);
          expect(traceHeading(p, t)).toMatch(/found depth-first, \d+ steps \(the search's path, not necessarily a shortest one\)/);
          expect(traceHeading(p, shortest)).toMatch(/shortest counterexample/);
        }
      }
    });
  }

  it('a seed gives the same search every time, and another seed another order', () => {
    const run = (seed: number): Result => check(vits, 'D-B3', 'pso', { properties: ['D1'], order: 'depth-first', seed });
    const a = run(5), b = run(5), c = run(6);
    const steps = (r: Result): string[] => r.properties[0].trace!.steps.map((s) => `${s.actor} ${s.action}`);
    expect(a.properties[0].verdict).toBe('violated');
    expect(steps(b)).toEqual(steps(a));
    expect(a.states).toBe(b.states);
    // the first violation found differs in where the search went first
    expect([c.states, steps(c).join('\n')]).not.toEqual([a.states, steps(a).join('\n')]);
  });

  it('a liveness property is left unchecked, saying why, and refused when named', () => {
    const r = check(vits, 'D-F1', 'sc', { order: 'depth-first' });
    const d2 = r.properties.find((p) => p.id === 'D2')!;
    expect(d2.verdict).toBe('unchecked');
    expect(d2.reason).toMatch(/liveness property: the depth-first search does not keep the state graph/);
    expect(() => check(vits, 'D-F1', 'sc', { order: 'depth-first', properties: ['D2'] })).toThrow(/'D2' is a liveness property.*breadth-first/);
  });

  it('a liveness property whose safety form fails (a deadlock it names) is found violated depth-first too', () => {
    // ioreq A-B5 under TSO: the lost wakeup, the vCPU asleep in Xen over IORESP_READY
    const r = check(ioreq, 'A-B5', 'tso', { order: 'depth-first', seed: 1 });
    const a4 = r.properties.find((p) => p.id === 'A4')!;
    expect(a4.verdict).toBe('violated');
    expect(a4.trace!.order).toBe('depth-first');
    expect(a4.trace!.violation).toMatch(/deadlock/);
    expect(traceHeading(a4, a4.trace!)).toMatch(/a run of \d+ steps that ends there \(found depth-first: not necessarily a shortest one\)/);
  });

  it('a seed without depth-first order is refused', () => {
    expect(() => check(vits, 'D-F1', 'sc', { seed: 3 })).toThrow(/--seed shuffles the depth-first order/);
  });
});
