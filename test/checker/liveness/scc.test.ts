/**
 * The graph algorithms of the liveness check against brute force, on random small graphs
 * (fast-check): Tarjan's components against mutual reachability, and the fair-cycle check
 * (with weak and strong fairness, refinement included) against the definition, by trying
 * every set of states.
 *
 * The definition used by the brute force: a fair cycle exists exactly when some set S of
 * states is strongly connected through edges inside S (and has an edge) and, taking every
 * edge inside S, every weak unit is taken inside S or disabled at some state of S, and
 * every strong unit is taken inside S or disabled at every state of S. (A cycle that goes
 * round all of S and all its inner edges is as fair as any cycle with those states.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../../checker/check.ts';
import type { Fairness } from '../../../checker/ir.ts';
import { FairCycles, FairnessUnits } from '../../../checker/liveness/fairness.ts';
import { StateGraph } from '../../../checker/liveness/graph.ts';
import { Tarjan } from '../../../checker/liveness/scc.ts';
import { program } from '../../helpers.ts';

interface RandomGraph {
  readonly n: number;
  /** [from, to, thread] */
  readonly edges: readonly (readonly [number, number, number])[];
  readonly fairness: readonly Fairness[];
}

const T = 3;

const graphs = fc.integer({ min: 1, max: 7 }).chain((n) => fc.record({
  n: fc.constant(n),
  edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.nat(T - 1)), { maxLength: 16 }),
  fairness: fc.array(fc.constantFrom<Fairness>('weak', 'strong', 'none'), { minLength: T, maxLength: T }),
}));

function build(r: RandomGraph): StateGraph {
  const g = new StateGraph(T, 2 * T);
  const sorted = [...r.edges].sort((a, b) => a[0] - b[0]);
  let k = 0;
  for (let u = 0; u < r.n; u++) {
    g.expand(u);
    while (k < sorted.length && sorted[k][0] === u) { g.edge(sorted[k][1], sorted[k][2]); k++; }
  }
  g.initial(0);
  return g;
}

/** reach[u][v]: v reachable from u in ≥ 0 steps, inside `set`. */
function closure(r: RandomGraph, set: readonly boolean[]): boolean[][] {
  const reach = Array.from({ length: r.n }, (_, u) => Array.from({ length: r.n }, (_, v) => u === v && set[u]));
  for (const [a, b] of r.edges) if (set[a] && set[b]) reach[a][b] = true;
  for (let k = 0; k < r.n; k++) for (let i = 0; i < r.n; i++) for (let j = 0; j < r.n; j++) if (reach[i][k] && reach[k][j]) reach[i][j] = true;
  return reach;
}

function bruteForceFair(r: RandomGraph): boolean {
  for (let mask = 1; mask < 1 << r.n; mask++) {
    const set = Array.from({ length: r.n }, (_, u) => ((mask >> u) & 1) === 1);
    const members = set.flatMap((x, u) => (x ? [u] : []));
    const reach = closure(r, set);
    if (!members.every((u) => members.every((v) => reach[u][v]))) continue;
    const inner = r.edges.filter(([a, b]) => set[a] && set[b]);
    if (inner.length === 0) continue;
    const ok = r.fairness.every((f, t) => {
      if (f === 'none') return true;
      if (inner.some(([, , l]) => l === t)) return true;
      const enabledAt = members.map((u) => r.edges.some(([a, , l]) => a === u && l === t));
      return f === 'weak' ? enabledAt.some((e) => !e) : enabledAt.every((e) => !e);
    });
    if (ok) return true;
  }
  return false;
}

function fairnessUnits(r: RandomGraph): FairnessUnits {
  const p = program('units', (m) => {
    for (let t = 0; t < T; t++) m.thread(`T${t}`, { fairness: r.fairness[t] }, (th) => th.skip());
  });
  const { cp, mm } = prepare(p, 'sc');
  return new FairnessUnits(cp, mm, { cell: String, value: (_c, v) => String(v), thread: (t) => `T${t}` }, true);
}

describe('Tarjan\'s components', () => {
  it('two states share a component exactly when each reaches the other', () => {
    fc.assert(fc.property(graphs, (r) => {
      const g = build(r);
      const tarjan = new Tarjan(g, r.n);
      const member = new Int32Array(r.n).fill(1);
      const roots = Int32Array.from({ length: r.n }, (_, i) => i);
      const compOf = new Int32Array(r.n);
      const cs = tarjan.run(roots, r.n, member, 1, null, compOf);
      const reach = closure(r, new Array(r.n).fill(true));
      for (let u = 0; u < r.n; u++) for (let v = 0; v < r.n; v++) {
        expect(compOf[u] === compOf[v]).toBe(reach[u][v] && reach[v][u]);
      }
      // completion order is reverse topological: an edge never goes to a later component
      for (const [a, b] of r.edges) expect(compOf[b]).toBeLessThanOrEqual(compOf[a]);
      expect(cs.starts[cs.count]).toBe(r.n);
    }), { numRuns: 400 });
  });
});

describe('fair cycles', () => {
  it('FairCycles finds a fair part in some component exactly when a fair cycle exists (weak, strong and no fairness)', () => {
    fc.assert(fc.property(graphs, (r) => {
      const g = build(r);
      const units = fairnessUnits(r);
      const tarjan = new Tarjan(g, r.n);
      const member = new Int32Array(r.n);
      let stamp = 0;
      const next = (): number => ++stamp;
      const fair = new FairCycles(g, units, null, tarjan, member, next);
      const s = next();
      member.fill(s);
      const cs = tarjan.run(Int32Array.from({ length: r.n }, (_, i) => i), r.n, member, s, null, null);
      let found = false;
      for (let c = 0; c < cs.count; c++) {
        const comp = cs.order.slice(cs.starts[c], cs.starts[c + 1]);
        const nontrivial = comp.length > 1 || r.edges.some(([a, b]) => a === comp[0] && b === comp[0]);
        if (!nontrivial) continue;
        fair.search(comp, null, () => { found = true; });
      }
      expect(found).toBe(bruteForceFair(r));
    }), { numRuns: 1500 });
  });
});
