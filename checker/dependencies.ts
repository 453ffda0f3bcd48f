/**
 * Register data flow, as memory models that respect dependencies need it (ARMv8: an
 * address, data or control dependency from a load orders it before a later access).
 *
 * Dependencies are read off the IR rather than declared: an access's *address
 * dependencies* are the registers its address expression reads, a store's (or RMW's)
 * *data dependencies* the registers its value reads, and a *control dependency* exists
 * from every register a branch condition reads to everything after that branch in program
 * order. A model tracks them dynamically by following, as a thread runs, which registers
 * each register's value came from (e.g. Promising-ARM's per-register views): `sources`
 * gives, for every instruction that writes a register, the registers its new value is
 * computed from.
 */
import { match } from 'ts-pattern';
import type { Instr } from './ir.ts';
import { addrRegs, exprRegs } from './validate.ts';

export interface Dependencies {
  /** registers the accessed address is computed from */
  readonly addr: readonly number[];
  /** registers the stored value (or an RMW's operands) is computed from */
  readonly data: readonly number[];
  /** registers a branch condition reads: everything after it is control dependent on them */
  readonly ctrl: readonly number[];
  /** for an instruction that writes a register from other registers (assign), those registers */
  readonly sources: readonly number[];
}

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
const none: readonly number[] = [];

export function dependencies(ins: Instr): Dependencies {
  return match(ins)
    .with({ op: 'load' }, { op: 'loadExclusive' }, (i) => ({ addr: sorted(addrRegs(i.addr)), data: none, ctrl: none, sources: none }))
    .with({ op: 'store' }, { op: 'storeExclusive' }, (i) => ({ addr: sorted(addrRegs(i.addr)), data: sorted(exprRegs(i.value)), ctrl: none, sources: none }))
    .with({ op: 'rmw' }, (i) => {
      const data = exprRegs(i.operand);
      if (i.expected) exprRegs(i.expected, data);
      return { addr: sorted(addrRegs(i.addr)), data: sorted(data), ctrl: none, sources: none };
    })
    .with({ op: 'await' }, (i) => {
      const a = i.access;
      const data = a.kind === 'rmw' ? exprRegs(a.operand) : new Set<number>();
      if (a.kind === 'rmw' && a.expected) exprRegs(a.expected, data);
      return { addr: sorted(addrRegs(a.addr)), data: sorted(data), ctrl: none, sources: none };
    })
    .with({ op: 'assign' }, (i) => ({ addr: none, data: none, ctrl: none, sources: sorted(exprRegs(i.value)) }))
    .with({ op: 'branch' }, (i) => ({ addr: none, data: none, ctrl: sorted(exprRegs(i.cond)), sources: none }))
    .with({ op: 'guard' }, (i) => ({ addr: none, data: none, ctrl: sorted(exprRegs(i.cond)), sources: none }))
    .with({ op: 'setGhost' }, { op: 'assert' }, { op: 'fence' }, { op: 'select' }, { op: 'atomicBegin' }, { op: 'atomicEnd' }, { op: 'skip' }, { op: 'jump' }, { op: 'choose' },
      () => ({ addr: none, data: none, ctrl: none, sources: none }))
    .exhaustive();
}
