/**
 * Deciding liveness properties on the state graph of a finished breadth-first search.
 *
 * Each property is a set of queries (properties/liveness.ts). A query is answered in time
 * linear in the explored graph (times the number of strongly fair units, see fairness.ts):
 *
 *  1. The region: the expanded states where the goal does not hold (all of them for
 *     progress), and the allowed edges: all, except progress steps for progress.
 *  2. Tarjan's SCCs of the region (scc.ts). A component is bad when it has a fair cycle
 *     (fairness.ts, refining for strong fairness), or, when runs that stop count, a state
 *     where a run may stop for good: no step that fairness obliges is enabled there (a
 *     deadlock, a valid end, or only optional steps left; `mayStop`).
 *  3. Tarjan completes components in reverse topological order, so one pass in that order
 *     marks every component that can reach a bad one inside the region.
 *  4. The obligation opens in a trigger state (initial states, every state, or where p
 *     holds). A trigger in the region whose component can reach a bad one is a
 *     counterexample; the one found first in the search's order (least depth) is used.
 *  5. The lasso (lasso.ts) is replayed into a Trace (lasso-replay.ts).
 * This is the SCC-based emptiness check for fairness (Lichtenstein and Pnueli 1985), done
 * on the explicit graph after the search rather than on the fly as in Couvreur's algorithm
 * ("On-the-fly verification of linear temporal logic", FM 1999): the breadth-first search
 * has to keep every state anyway for its shortest safety traces, and after it the whole
 * graph is known, so the check needs no product automaton and no nested search.
 *
 * Soundness: only expanded states are in a region, and a state's enabled units are read
 * from all its recorded edges, so a counterexample found in a graph cut short by a bound
 * is a real one; when none is found there, the verdict is `incomplete`, never `holds`.
 *
 * Memory, besides the exact state set and the graph (graph.ts), per state the search
 * numbered: Tarjan's six arrays and the stamps (25 bytes), per query the region, trigger,
 * stop, component and fair-part marks (14 bytes, freed after the query), 16 bytes for
 * the lasso's breadth-first searches once there is a counterexample, and one byte per edge
 * for progress. Measured totals are in the README.
 */
import type { CompiledProgram, CompiledProperty } from '../compile.ts';
import type { MemoryModel, StateNames } from '../memory/model.ts';
import type { Trace } from '../result.ts';
import type { ExactStateSet } from '../explore/exact.ts';
import type { SearchOutcome } from '../explore/search.ts';
import { Printer } from '../print.ts';
import { isValidEnd } from '../../properties/deadlock.ts';
import { livenessQueries, violationText, type LivenessQuery } from '../../properties/liveness.ts';
import { FairCycles, FairnessUnits } from './fairness.ts';
import type { StateGraph } from './graph.ts';
import { LassoBuilder, type FairCycle, type Path } from './lasso.ts';
import { replayLasso } from './lasso-replay.ts';
import { hasSelfLoop, Tarjan } from './scc.ts';

export type LivenessOutcome =
  | { readonly verdict: 'violated'; readonly trace: Trace }
  | { readonly verdict: 'holds' | 'incomplete' };

export interface LivenessOptions {
  /** assume the memory model's fairness (default true; false is a what-if for tests and exploration) */
  readonly memoryFairness?: boolean;
}

export class LivenessChecker {
  private readonly T: number;
  private readonly all: number;
  private readonly n: number;
  private readonly units: FairnessUnits;
  private readonly justiceMet: Uint8Array | null;
  private readonly member: Int32Array;
  private stamp = 0;
  private readonly tarjan: Tarjan;
  private readonly fair: FairCycles;
  /** built on the first counterexample: its search arrays are as long as the state count */
  private lassoBuilder: LassoBuilder | null = null;
  private readonly vec: Int32Array;
  private readonly buf = new Int32Array(2);
  private progressEdges: Uint8Array | null = null;
  private readonly memoryFair: boolean;

  constructor(
    private readonly cp: CompiledProgram,
    private readonly mm: MemoryModel,
    private readonly exact: ExactStateSet,
    private readonly g: StateGraph,
    private readonly outcome: SearchOutcome,
    private readonly complete: boolean,
    opts: LivenessOptions = {},
  ) {
    const program = cp.program;
    this.T = program.threads.length;
    this.all = exact.size;
    this.n = g.expanded;
    const printer = new Printer(program);
    const names: StateNames = { cell: (c) => printer.cellName(c), value: (c, v) => printer.cellValue(c, v), thread: (t) => program.threads[t].name };
    this.memoryFair = opts.memoryFairness ?? true;
    this.units = new FairnessUnits(cp, mm, names, this.memoryFair);
    this.vec = new Int32Array(exact.width);
    this.justiceMet = this.readJustice(this.memoryFair);
    this.member = new Int32Array(this.all);
    const next = (): number => ++this.stamp;
    this.tarjan = new Tarjan(g, this.all);
    this.fair = new FairCycles(g, this.units, this.justiceMet, this.tarjan, this.member, next);
  }

  private get lasso(): LassoBuilder {
    this.lassoBuilder ??= new LassoBuilder(this.g, this.units, this.justiceMet, this.member, () => ++this.stamp, this.all);
    return this.lassoBuilder;
  }

  /** The verdict of liveness property `p`: its first violated query, in declaration order. */
  check(p: CompiledProperty): LivenessOutcome {
    const queries = livenessQueries(p);
    const marks = this.mark(queries);
    for (let i = 0; i < queries.length; i++) {
      const trace = this.query(p, queries[i], marks[i]);
      if (trace !== null) return { verdict: 'violated', trace };
    }
    return { verdict: this.complete ? 'holds' : 'incomplete' };
  }

  /**
   * For each query, its region (the expanded states where the goal does not hold) and its
   * triggers (where the obligation opens), evaluated in one pass over the stored states.
   */
  private mark(queries: readonly LivenessQuery[]): { region: Uint8Array; trigger: Uint8Array }[] {
    const { g, n, all } = this;
    const marks = queries.map(() => ({ region: new Uint8Array(all), trigger: new Uint8Array(all) }));
    const needVec = queries.some((q) => q.goal !== null || typeof q.from === 'function');
    for (let u = 0; u < n; u++) {
      if (needVec) this.exact.get(u, this.vec);
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i], from = q.from;
        marks[i].region[u] = q.goal === null || q.goal(this.vec) === 0 ? 1 : 0;
        marks[i].trigger[u] = from === 'every' ? 1 : typeof from === 'function' && from(this.vec) !== 0 ? 1 : 0;
      }
    }
    queries.forEach((q, i) => { if (q.from === 'initial') for (const u of g.initials) if (u < n) marks[i].trigger[u] = 1; });
    return marks;
  }

  private query(p: CompiledProperty, q: LivenessQuery, { region, trigger }: { region: Uint8Array; trigger: Uint8Array }): Trace | null {
    const { g, n, all } = this;
    // 1. the region (marked) and the allowed edges
    const excluded = q.avoidProgress ? this.progress() : null;

    // 2. components of the region, and which are bad
    let count = 0;
    const roots = new Int32Array(n);
    const stamp = ++this.stamp;
    for (let u = 0; u < n; u++) if (region[u] === 1) { roots[count++] = u; this.member[u] = stamp; }
    const compOf = new Int32Array(all).fill(-1);
    const comps = this.tarjan.run(roots, count, this.member, stamp, excluded, compOf);
    const bad = new Uint8Array(comps.count);
    const fairPart = new Int32Array(all).fill(-1);
    const stop = new Uint8Array(all);
    const parts: Int32Array[] = [];
    for (let c = 0; c < comps.count; c++) {
      const lo = comps.starts[c], hi = comps.starts[c + 1];
      if (q.finiteRunsViolate) {
        for (let i = lo; i < hi; i++) if (this.mayStop(comps.order[i])) { stop[comps.order[i]] = 1; bad[c] = 1; }
      }
      if (hi - lo === 1 && !hasSelfLoop(g, comps.order[lo], excluded)) continue;
      this.fair.search(comps.order.slice(lo, hi), excluded, (part) => {
        for (let i = 0; i < part.length; i++) fairPart[part[i]] = parts.length;
        parts.push(part);
        bad[c] = 1;
      });
    }

    // 3. which components can reach a bad one (completion order is reverse topological)
    const reach = new Uint8Array(comps.count);
    for (let c = 0; c < comps.count; c++) {
      if (bad[c] === 1) { reach[c] = 1; continue; }
      for (let i = comps.starts[c]; i < comps.starts[c + 1] && reach[c] === 0; i++) {
        const u = comps.order[i];
        for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
          if (excluded !== null && excluded[e] === 1) continue;
          const d = compOf[g.targets[e]];
          if (d >= 0 && d !== c && reach[d] === 1) { reach[c] = 1; break; }
        }
      }
    }

    // 4. the first trigger that can reach a bad component
    let start = -1;
    for (let u = 0; u < n && start < 0; u++) if (trigger[u] === 1 && region[u] === 1 && reach[compOf[u]] === 1) start = u;
    if (start < 0) return null;

    // 5. the lasso
    const prefix = this.lasso.prefix(start);
    const approach = this.lasso.approach(start, region, excluded, (u) => fairPart[u] >= 0 || stop[u] === 1);
    const states = [...prefix.states, ...approach.states.slice(1)];
    const labels = [...prefix.labels, ...approach.labels];
    const entry = states[states.length - 1];
    let loop: number | null = null;
    let fair = '';
    let end = '';
    if (fairPart[entry] >= 0) {
      const cycle = this.lasso.cycle(entry, parts[fairPart[entry]], excluded);
      loop = states.length - 1;
      states.push(...cycle.states.slice(1));
      labels.push(...cycle.labels);
      fair = this.fairnessText(cycle, loop);
    } else if (g.offsets[entry] === g.offsets[entry + 1]) {
      this.exact.get(entry, this.vec);
      end = isValidEnd(this.vec, this.cp.threads.map((t) => t.isEnd))
        ? 'every thread is finished or at an end label'
        : 'a deadlock: no step is enabled';
    } else {
      end = `nothing obliges the run to go on: the only steps enabled (${this.enabledThreads(entry).join(', ')}) are exempt from fairness`;
    }
    const path: Path = { states, labels };
    const text = violationText(q, { from: prefix.labels.length, loop, steps: labels.length, fair, end });
    return replayLasso(this.cp, this.mm, this.exact, this.outcome, path, loop, p.index, text);
  }

  /**
   * Whether a run may stop in state u for good, as a TLA+ behaviour may stutter forever:
   * when no step that fairness obliges is enabled there (a deadlock, a valid end, or a state
   * where only threads without fairness, or steps exempt from it, could move) and every
   * justice condition of the memory model holds there. A state whose only outcomes fault
   * is not one: the fault is reported as such. Nor is a state where ARMv8's memory is full:
   * a write may be waiting there for room the bound took away (as the search's deadlock
   * check has it); it counts as the bound reached.
   */
  private mayStop(u: number): boolean {
    const { g, units } = this;
    const lo = g.offsets[u], hi = g.offsets[u + 1];
    if (lo === hi) {
      const promises = this.mm.promises;
      if (promises !== null) {
        this.exact.get(u, this.vec);
        if (!promises.room(this.vec)) { this.mm.bufferFullHits++; return false; }
      }
      return g.errors[u] === 0;
    }
    const buf = this.buf;
    for (let e = lo; e < hi; e++) if (units.unitsOf(g.labels[e], buf) > 0) return false;
    if (this.justiceMet !== null) {
      const J = units.justiceNames.length;
      for (let j = 0; j < J; j++) if (this.justiceMet[u * J + j] === 0) return false;
    }
    return true;
  }

  /** The names of the threads (and memory-model steps) that could move in state u. */
  private enabledThreads(u: number): string[] {
    const { g, T } = this;
    const names = new Set<string>();
    const program = this.cp.program;
    const base = this.units.labelCount - this.cp.stepClasses.length;
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      const l = g.labels[e];
      if (l < T) names.add(program.threads[l].name);
      else if (l >= base) names.add(program.threads[this.cp.stepClasses[l - base].thread].name);
      else names.add('the memory model');
    }
    return [...names];
  }

  /** Why the loop is fair, naming steps of the trace (the loop's first state is after step `loop`). */
  private fairnessText(c: FairCycle, loop: number): string {
    const names = this.units.names;
    const moving = c.taken.map((u) => names[u]);
    const parts: string[] = [];
    if (moving.length > 0) parts.push(`${moving.join(', ')} ${moving.length === 1 ? 'moves' : 'move'} in it`);
    const waits = new Map<number, string[]>();
    c.disabledAt.forEach((pos, u) => {
      // a memory or step unit never enabled in the loop (an empty buffer, a lock nobody
      // waits for) says nothing worth reading; a thread that cannot move does
      if (pos < 0 || (!this.units.isThread(u) && c.enabledInPart[u] === 0)) return;
      const list = waits.get(pos) ?? [];
      list.push(names[u]);
      waits.set(pos, list);
    });
    for (const [pos, list] of [...waits].sort((a, b) => a[0] - b[0])) {
      const at = loop + pos === 0 ? 'in the initial state' : `after step ${loop + pos}`;
      parts.push(`${list.join(', ')} cannot move ${at}`);
    }
    if (this.units.justiceNames.length > 0) parts.push(`${this.units.justiceNames.join(', ')} met in it`);
    const none = this.cp.program.threads.filter((t) => t.fairness === 'none').map((t) => t.name);
    if (!this.memoryFair && this.units.memoryKeys > 0) none.push('the memory model\'s own steps');
    if (none.length > 0) parts.push(`no fairness is assumed of ${none.join(', ')}`);
    return parts.length > 0 ? parts.join('; ') : 'no fairness constraint applies';
  }

  private readJustice(memoryFair: boolean): Uint8Array | null {
    const j = this.mm.fairness?.justice;
    if (!memoryFair || j === undefined || j.count === 0) return null;
    const J = j.count;
    const met = new Uint8Array(this.n * J);
    for (let u = 0; u < this.n; u++) {
      this.exact.get(u, this.vec);
      for (let k = 0; k < J; k++) met[u * J + k] = j.met(this.vec, k) ? 1 : 0;
    }
    return met;
  }

  /** progress[e] = 1 for every edge that is a progress step (its label is a progress step class). */
  private progress(): Uint8Array {
    if (this.progressEdges !== null) return this.progressEdges;
    const { g } = this;
    const out = new Uint8Array(g.edgeCount);
    for (let e = 0; e < g.edgeCount; e++) if (this.units.isProgress(g.labels[e])) out[e] = 1;
    this.progressEdges = out;
    return out;
  }
}
