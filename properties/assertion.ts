/**
 * Assertions: `assert(cond, id, message)` inside a thread's code. The property is violated
 * by the step that reaches a failing assert, whose trace ends with that step; the
 * successor generator (checker/explore/successors.ts) evaluates them as it runs the
 * thread's local code. Run-time faults in model code (an index out of bounds, a division
 * by zero, a local loop that never reaches a shared-memory step) are reported the same
 * way, under the built-in `runtime-error` property.
 */
import type { Property, SourcePos } from '../checker/ir.ts';

export const assertion = (id: string, description: string, src: SourcePos): Property =>
  ({ kind: 'assertion', id, description, src });
