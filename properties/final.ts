/**
 * Final-state conditions, as litmus tests state them (`exists`, `~exists`, `forall` over
 * registers and memory once every thread has finished and every buffer has drained). The
 * search reports each such final state through its `onFinal` hook; the front end that
 * declared the condition collects them and decides the verdict (herd's Allowed when some
 * final state satisfies the proposition, Forbidden otherwise).
 */
import type { Expr, Property, SourcePos } from '../checker/ir.ts';

export const final = (id: string, pred: Expr, description: string, src: SourcePos): Property =>
  ({ kind: 'final', id, description, pred, src });
