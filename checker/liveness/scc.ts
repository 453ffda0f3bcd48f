/**
 * Strongly connected components of a subgraph of the state graph: Tarjan's algorithm
 * (R. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Computing 1972),
 * written with an explicit call stack so that graphs of millions of states do not overflow
 * JavaScript's.
 *
 * The subgraph is given by a set of states (those with member[u] === stamp) and,
 * optionally, a set of excluded edges; an edge counts only when both ends are in the set.
 * Components come out in the order Tarjan completes them, which is a reverse topological
 * order of the condensation: every component reachable from component c completes before
 * c. The liveness check relies on that to propagate "can reach a bad cycle" in one pass.
 *
 * Time O(states + edges of the subgraph); memory: six Int32/Uint8 arrays over all states,
 * allocated once and reused by every run (a run touches only its own states).
 */
import type { StateGraph } from './graph.ts';

export interface Components {
  /** number of components */
  readonly count: number;
  /** the states, grouped by component in completion order */
  readonly order: Int32Array;
  /** component c is order[starts[c] .. starts[c+1]) */
  readonly starts: Int32Array;
}

export class Tarjan {
  private readonly index: Int32Array;
  private readonly low: Int32Array;
  private readonly onStack: Uint8Array;
  private readonly stack: Int32Array;
  private readonly call: Int32Array;
  private readonly cursor: Int32Array;

  constructor(private readonly g: StateGraph, states: number) {
    this.index = new Int32Array(states);
    this.low = new Int32Array(states);
    this.onStack = new Uint8Array(states);
    this.stack = new Int32Array(states);
    this.call = new Int32Array(states);
    this.cursor = new Int32Array(states);
  }

  /**
   * The components of the subgraph on `roots[0 .. count)` (exactly the states with
   * member[u] === stamp). When `compOf` is given, compOf[u] receives u's component number.
   */
  run(roots: Int32Array, count: number, member: Int32Array, stamp: number, excluded: Uint8Array | null, compOf: Int32Array | null): Components {
    const { offsets, targets } = this.g;
    const { index, low, onStack, stack, call, cursor } = this;
    const order = new Int32Array(count);
    const starts = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) index[roots[i]] = -1;
    let counter = 0, sp = 0, cp = 0, ncomp = 0, written = 0;
    for (let i = 0; i < count; i++) {
      const r = roots[i];
      if (index[r] !== -1) continue;
      index[r] = low[r] = counter++;
      stack[sp++] = r;
      onStack[r] = 1;
      call[cp++] = r;
      cursor[r] = offsets[r];
      while (cp > 0) {
        const u = call[cp - 1];
        const e = cursor[u];
        if (e < offsets[u + 1]) {
          cursor[u] = e + 1;
          if (excluded !== null && excluded[e] === 1) continue;
          const v = targets[e];
          if (member[v] !== stamp) continue;
          if (index[v] === -1) {
            index[v] = low[v] = counter++;
            stack[sp++] = v;
            onStack[v] = 1;
            call[cp++] = v;
            cursor[v] = offsets[v];
          } else if (onStack[v] === 1 && index[v] < low[u]) {
            low[u] = index[v];
          }
          continue;
        }
        cp--;
        if (low[u] === index[u]) {
          let w: number;
          do {
            w = stack[--sp];
            onStack[w] = 0;
            order[written++] = w;
            if (compOf !== null) compOf[w] = ncomp;
          } while (w !== u);
          starts[++ncomp] = written;
        }
        if (cp > 0) {
          const p = call[cp - 1];
          if (low[u] < low[p]) low[p] = low[u];
        }
      }
    }
    return { count: ncomp, order, starts };
  }
}

/** Whether the one-state component {u} has a cycle: an allowed edge from u to itself. */
export function hasSelfLoop(g: StateGraph, u: number, excluded: Uint8Array | null): boolean {
  for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
    if (g.targets[e] === u && (excluded === null || excluded[e] === 0)) return true;
  }
  return false;
}
