/**
 * Deadlocks: a reachable state with no enabled step (the memory model's own steps, such
 * as store-buffer flushes, included) in which some thread is neither finished nor resting
 * at an end label (SPIN's valid end states: a server blocked waiting for its next request
 * is not deadlocked).
 *
 * A model names the deadlocks that mean something in its protocol with a condition, such
 * as protocols.md A4's "v blocked in Xen with IORESP_READY visible" (a named deadlock, or
 * the safety form of a liveness property); the built-in `deadlock` property reports any
 * deadlock that no named one claims.
 */
import type { Expr, Property, SourcePos } from '../checker/ir.ts';
import type { CompiledProperty } from '../checker/compile.ts';

export const deadlock = (id: string, where: Expr | null, description: string, src: SourcePos): Property =>
  ({ kind: 'deadlock', id, description, where, src });

/** Whether every thread is finished or at an end label (isEnd[t][pc] = 1 there). */
export function isValidEnd(s: Int32Array, isEnd: readonly Uint8Array[]): boolean {
  for (let t = 0; t < isEnd.length; t++) if (isEnd[t][s[t]] !== 1) return false;
  return true;
}

/** The deadlock properties of a run, and which of them a deadlocked state violates. */
export class DeadlockCheck {
  private readonly named: { index: number; where: ((s: Int32Array) => number) | null }[];
  private readonly builtin: number;

  constructor(props: readonly CompiledProperty[], checked: Uint8Array) {
    // Named deadlocks, and the safety forms of liveness properties (properties/liveness.ts).
    this.named = props
      .filter((p) => checked[p.index] === 1 && (p.kind === 'deadlock' || (p.liveness?.deadlock ?? null) !== null))
      .map((p) => ({ index: p.index, where: p.kind === 'deadlock' ? p.pred : p.liveness!.deadlock }));
    const b = props.find((p) => p.kind === 'builtin-deadlock');
    this.builtin = b && checked[b.index] === 1 ? b.index : -1;
  }

  /** Calls `violated(index)` for every property that claims the deadlocked state `s`. */
  classify(s: Int32Array, violated: (index: number, named: boolean) => void): void {
    let claimed = false;
    for (const d of this.named) {
      if (d.where === null || d.where(s) !== 0) { claimed = true; violated(d.index, true); }
    }
    if (!claimed && this.builtin >= 0) violated(this.builtin, false);
  }
}
