/**
 * Invariants: a predicate over the global state (memory as committed, ghosts, where each
 * thread rests, registers through regOf) that must hold in every reachable state. The
 * search evaluates them on every state when it first reaches it, so the first failing
 * state found is one at the least depth and its trace is a shortest counterexample.
 */
import type { Expr, Property, SourcePos } from '../checker/ir.ts';
import type { CompiledProperty } from '../checker/compile.ts';

export const invariant = (id: string, pred: Expr, description: string, src: SourcePos): Property =>
  ({ kind: 'invariant', id, description, pred, src });

/** The invariants of a run, checked on each new state. */
export class InvariantCheck {
  private readonly preds: ((s: Int32Array) => number)[];
  private readonly indices: number[];

  constructor(props: readonly CompiledProperty[], checked: Uint8Array) {
    const mine = props.filter((p) => p.kind === 'invariant' && checked[p.index] === 1);
    this.preds = mine.map((p) => p.pred!);
    this.indices = mine.map((p) => p.index);
  }

  /** Calls `failed(index)` for each invariant (not yet `done`) that `s` violates. */
  check(s: Int32Array, done: readonly unknown[], failed: (index: number) => void): void {
    for (let i = 0; i < this.preds.length; i++) {
      const p = this.indices[i];
      if (done[p] === undefined && this.preds[i](s) === 0) failed(p);
    }
  }
}
