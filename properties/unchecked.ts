/**
 * A property the model declares but this checker cannot decide yet (a liveness property
 * before the liveness checker exists). It is reported `unchecked`, never `holds`: a
 * checker that said "holds" without checking would be worse than none.
 */
import type { Property, SourcePos } from '../checker/ir.ts';

export const unchecked = (id: string, reason: string, description: string, src: SourcePos): Property =>
  ({ kind: 'unchecked', id, description, reason, src });
