/**
 * Building a liveness counterexample as a lasso over the state graph: a prefix from an
 * initial state to the state where the obligation opens, a path from there (avoiding the
 * goal) to either a state with no step or a fair strongly connected part, and in the
 * latter case a cycle through that part that satisfies every fairness unit.
 *
 * Every piece is a breadth-first search, so each is as short as it can be given the
 * previous one (the lasso as a whole is short, not guaranteed shortest).
 *
 * The fair cycle (specification): starting and ending at the entry state e, inside the
 * fair part F, using only allowed edges, such that for every unit
 *  - weak: the cycle takes an edge carrying it, or passes a state where it is disabled;
 *  - strong: the cycle takes an edge carrying it whenever some edge inside F does (F's
 *    check guarantees it is disabled throughout F otherwise);
 *  - justice condition j: the cycle passes a state meeting it;
 * and the cycle has at least one edge. It is built greedily: for each unsatisfied
 * obligation in turn, the shortest path from where the cycle has got to, to a state or
 * edge that satisfies it; then the shortest path back to e. F is strongly connected, so
 * each search succeeds.
 */
import type { StateGraph } from './graph.ts';
import { STRONG, WEAK, type FairnessUnits } from './fairness.ts';

export interface Path {
  /** the states, first to last */
  readonly states: number[];
  /** labels[i]: the label of the edge from states[i] to states[i+1] */
  readonly labels: number[];
}

export interface FairCycle extends Path {
  /** why the cycle is fair, with positions relative to its first state: see `fairness` */
  readonly taken: readonly number[];
  /** for each unit not taken: the position on the cycle of a state where it is disabled, or -1 */
  readonly disabledAt: readonly number[];
  /** for each unit: whether it is enabled in some state of the fair part */
  readonly enabledInPart: Uint8Array;
}

export class LassoBuilder {
  private readonly visited: Int32Array;
  private readonly parentEdge: Int32Array;
  private readonly parentState: Int32Array;
  private readonly queue: Int32Array;
  private readonly buf = new Int32Array(2);
  private visit = 0;

  constructor(
    private readonly g: StateGraph,
    private readonly units: FairnessUnits,
    private readonly justiceMet: Uint8Array | null,
    private readonly member: Int32Array,
    private readonly nextStamp: () => number,
    states: number,
  ) {
    this.visited = new Int32Array(states);
    this.parentEdge = new Int32Array(states);
    this.parentState = new Int32Array(states);
    this.queue = new Int32Array(states);
  }

  /** A shortest path over the explored graph from an initial state to `target`. */
  prefix(target: number): Path {
    const expanded = this.g.expanded;
    const p = this.bfs(this.g.initials, (v) => v < expanded, () => true, (u) => u === target, null);
    if (p === null) throw new Error(`liveness: state ${target} is not reachable in the recorded graph`);
    return p;
  }

  /** A shortest path from `from` inside `region`, over allowed edges, to a state satisfying `stop`. */
  approach(from: number, region: Uint8Array, excluded: Uint8Array | null, stop: (u: number) => boolean): Path {
    const p = this.bfs([from], (v) => region[v] === 1, (e) => excluded === null || excluded[e] === 0, stop, null);
    if (p === null) throw new Error(`liveness: no path from state ${from} to a bad end`);
    return p;
  }

  /** A fair cycle through `entry` inside the fair part `part` (see the specification above). */
  cycle(entry: number, part: Int32Array, excluded: Uint8Array | null): FairCycle {
    const { g, units, member } = this;
    const U = units.count;
    const J = units.justiceNames.length;
    const stamp = this.nextStamp();
    for (let i = 0; i < part.length; i++) member[part[i]] = stamp;
    const inPart = (v: number): boolean => member[v] === stamp;
    const allowed = (e: number): boolean => (excluded === null || excluded[e] === 0) && member[g.targets[e]] === stamp;

    // Which strong units some edge inside the part takes: those the cycle must take too.
    const takenInPart = new Uint8Array(U);
    const enabledInPart = new Uint8Array(U);
    for (let i = 0; i < part.length; i++) {
      const u = part[i];
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        const n = units.unitsOf(g.labels[e], this.buf);
        const inside = allowed(e);
        for (let k = 0; k < n; k++) {
          enabledInPart[this.buf[k]] = 1;
          if (inside) takenInPart[this.buf[k]] = 1;
        }
      }
    }
    const taken = new Uint8Array(U);
    const disabledAt = new Int32Array(U).fill(-1);
    const justiceSeen = new Uint8Array(J);
    const states: number[] = [entry];
    const labels: number[] = [];
    const enabled = new Uint8Array(U);
    const arrive = (u: number, pos: number): void => {
      this.enabledUnits(u, enabled);
      for (let unit = 0; unit < U; unit++) if (enabled[unit] === 0 && disabledAt[unit] < 0) disabledAt[unit] = pos;
      if (this.justiceMet !== null) for (let j = 0; j < J; j++) if (this.justiceMet[u * J + j] === 1) justiceSeen[j] = 1;
    };
    const follow = (p: Path): void => {
      for (let i = 0; i < p.labels.length; i++) {
        const n = units.unitsOf(p.labels[i], this.buf);
        for (let k = 0; k < n; k++) taken[this.buf[k]] = 1;
        states.push(p.states[i + 1]);
        labels.push(p.labels[i]);
        arrive(p.states[i + 1], states.length - 1);
      }
    };
    const carries = (e: number, unit: number): boolean => {
      const n = units.unitsOf(g.labels[e], this.buf);
      for (let k = 0; k < n; k++) if (this.buf[k] === unit) return true;
      return false;
    };
    const go = (stop: ((u: number) => boolean) | null, edge: ((e: number, u: number) => boolean) | null): void => {
      const from = states[states.length - 1];
      const p = this.bfs([from], inPart, allowed, stop ?? (() => false), edge);
      if (p === null) throw new Error('liveness: a fair part is not strongly connected');
      follow(p);
    };

    arrive(entry, 0);
    for (let unit = 0; unit < U; unit++) {
      if (taken[unit] === 1) continue;
      if (units.kind[unit] === WEAK && disabledAt[unit] < 0) {
        go((u) => !this.isEnabled(u, unit), (e) => carries(e, unit));
      } else if (units.kind[unit] === STRONG && takenInPart[unit] === 1) {
        go(null, (e) => carries(e, unit));
      }
    }
    for (let j = 0; j < J; j++) {
      if (justiceSeen[j] === 1) continue;
      const met = this.justiceMet!;
      go((u) => met[u * J + j] === 1, null);
    }
    if (labels.length === 0) {
      // no obligation asked for a step: any edge of the part, then back
      const u = entry;
      let first = -1;
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) if (allowed(e)) { first = e; break; }
      if (first < 0) throw new Error('liveness: a fair part has no edge');
      follow({ states: [u, g.targets[first]], labels: [g.labels[first]] });
    }
    if (states[states.length - 1] !== entry) go((u) => u === entry, null);
    const takenList: number[] = [];
    for (let unit = 0; unit < U; unit++) if (taken[unit] === 1) takenList.push(unit);
    return { states, labels, taken: takenList, disabledAt: Array.from(disabledAt, (d, unit) => (taken[unit] === 1 ? -1 : d)), enabledInPart };
  }

  /** enabled[unit] = 1 for every unit enabled in state u (some edge of u carries it). */
  private enabledUnits(u: number, enabled: Uint8Array): void {
    enabled.fill(0);
    const { g } = this;
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      const n = this.units.unitsOf(g.labels[e], this.buf);
      for (let k = 0; k < n; k++) enabled[this.buf[k]] = 1;
    }
  }

  private isEnabled(u: number, unit: number): boolean {
    const { g } = this;
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      const n = this.units.unitsOf(g.labels[e], this.buf);
      for (let k = 0; k < n; k++) if (this.buf[k] === unit) return true;
    }
    return false;
  }

  /**
   * Breadth-first search from `sources` through states satisfying `stateOk` and edges
   * satisfying `edgeOk`, to the first state satisfying `stop` or the first edge satisfying
   * `stopEdge` (then the path ends with that edge). Null when there is none.
   */
  private bfs(
    sources: readonly number[], stateOk: (v: number) => boolean, edgeOk: (e: number) => boolean,
    stop: (u: number) => boolean, stopEdge: ((e: number, u: number) => boolean) | null,
  ): Path | null {
    const { g, visited, parentEdge, parentState, queue } = this;
    const mark = ++this.visit;
    let head = 0, tail = 0;
    for (const s of sources) {
      if (visited[s] === mark) continue;
      visited[s] = mark;
      parentState[s] = -1;
      queue[tail++] = s;
    }
    while (head < tail) {
      const u = queue[head++];
      if (stop(u)) return this.pathTo(u, -1);
      if (u >= g.expanded) continue;
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        if (!edgeOk(e)) continue;
        const v = g.targets[e];
        if (!stateOk(v)) continue;
        if (stopEdge !== null && stopEdge(e, u)) return this.pathTo(u, e);
        if (visited[v] === mark) continue;
        visited[v] = mark;
        parentState[v] = u;
        parentEdge[v] = e;
        queue[tail++] = v;
      }
    }
    return null;
  }

  /** The path the last search found to `u`, then along edge `last` if it is not -1. */
  private pathTo(u: number, last: number): Path {
    const states: number[] = [];
    const labels: number[] = [];
    for (let v = u; v >= 0; v = this.parentState[v]) {
      states.push(v);
      if (this.parentState[v] >= 0) labels.push(this.g.labels[this.parentEdge[v]]);
    }
    states.reverse();
    labels.reverse();
    if (last >= 0) {
      states.push(this.g.targets[last]);
      labels.push(this.g.labels[last]);
    }
    return { states, labels };
  }
}
