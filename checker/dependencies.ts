/**
 * Register data flow, as memory models that respect dependencies need it (ARMv8: an
 * address, data or control dependency from a load orders it before a later access).
 *
 * Dependencies are read off the IR rather than declared: an access's *address
 * dependencies* are the registers its address expression reads, a store's (or RMW's)
 * *data dependencies* the registers its value reads, and a *control dependency* exists
 * from every register a branch condition reads to everything after that branch in program
 * order. An `await` is a spin loop that exits once its condition holds, so everything
 * after it is control dependent on the registers of its condition (the value it read
 * among them). A model tracks them dynamically by following, as a thread runs, which
 * registers each register's value came from (e.g. Promising-ARM's per-register views):
 * `sources` gives, for every instruction that writes a register, the registers its new
 * value is computed from.
 *
 * Registers read only in the condition of a conditional expression (`ite`, Arm's CSEL)
 * are also listed in `pick*`: aarch64.cat calls these *pick* dependencies and orders
 * fewer things by them (a pick address dependency orders a later write, not a read; and a
 * write that a read takes from its own thread passes no pick dependency on).
 */
import { match } from 'ts-pattern';
import type { Addr, Expr, Instr } from './ir.ts';
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
  /** those of `addr`, `data`, `ctrl`, `sources` read only in the condition of an `ite` */
  readonly pickAddr: readonly number[];
  readonly pickData: readonly number[];
  readonly pickCtrl: readonly number[];
  readonly pickSources: readonly number[];
}

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
const none: readonly number[] = [];

/** Registers of `e` read only inside `ite` conditions. */
function pickOnly(es: readonly (Expr | null)[], addrs: readonly Addr[] = []): number[] {
  const full = new Set<number>();
  const cond = new Set<number>();
  const walk = (e: Expr, inCond: boolean): void => {
    match(e)
      .with({ k: 'reg' }, (x) => { (inCond ? cond : full).add(x.r); })
      .with({ k: 'ghost' }, (x) => { if (x.index) walk(x.index, inCond); })
      .with({ k: 'un' }, (x) => { walk(x.a, inCond); })
      .with({ k: 'bin' }, (x) => { walk(x.a, inCond); walk(x.b, inCond); })
      .with({ k: 'ite' }, (x) => { walk(x.c, true); walk(x.a, inCond); walk(x.b, inCond); })
      .with({ k: 'mem' }, (x) => { walkAddr(x.addr, inCond); })
      .with({ k: 'const' }, { k: 'treg' }, { k: 'at' }, { k: 'done' }, () => {})
      .exhaustive();
  };
  const walkAddr = (a: Addr, inCond: boolean): void => {
    if (a.k === 'loc') { if (a.index) walk(a.index, inCond); } else walk(a.e, inCond);
  };
  for (const e of es) if (e) walk(e, false);
  for (const a of addrs) walkAddr(a, false);
  return [...cond].filter((r) => !full.has(r)).sort((a, b) => a - b);
}

const plain = { pickAddr: none, pickData: none, pickCtrl: none, pickSources: none };

export function dependencies(ins: Instr): Dependencies {
  return match(ins)
    .with({ op: 'load' }, (i): Dependencies => ({ ...plain, addr: sorted(addrRegs(i.addr)), data: none, ctrl: none, sources: none, pickAddr: pickOnly([], [i.addr]) }))
    .with({ op: 'store' }, (i): Dependencies => ({
      ...plain, addr: sorted(addrRegs(i.addr)), data: sorted(exprRegs(i.value)), ctrl: none, sources: none,
      pickAddr: pickOnly([], [i.addr]), pickData: pickOnly([i.value]),
    }))
    .with({ op: 'rmw' }, (i): Dependencies => {
      const data = exprRegs(i.operand);
      if (i.expected) exprRegs(i.expected, data);
      return {
        ...plain, addr: sorted(addrRegs(i.addr)), data: sorted(data), ctrl: none, sources: none,
        pickAddr: pickOnly([], [i.addr]), pickData: pickOnly([i.operand, i.expected]),
      };
    })
    .with({ op: 'await' }, (i): Dependencies => {
      const a = i.access;
      const data = a.kind === 'rmw' ? exprRegs(a.operand) : new Set<number>();
      if (a.kind === 'rmw' && a.expected) exprRegs(a.expected, data);
      return {
        addr: sorted(addrRegs(a.addr)), data: sorted(data), ctrl: sorted(exprRegs(i.cond)), sources: none,
        pickAddr: pickOnly([], [a.addr]), pickData: a.kind === 'rmw' ? pickOnly([a.operand, a.expected]) : none,
        pickCtrl: pickOnly([i.cond]), pickSources: none,
      };
    })
    .with({ op: 'assign' }, (i): Dependencies => ({ ...plain, addr: none, data: none, ctrl: none, sources: sorted(exprRegs(i.value)), pickSources: pickOnly([i.value]) }))
    .with({ op: 'branch' }, (i): Dependencies => ({ ...plain, addr: none, data: none, ctrl: sorted(exprRegs(i.cond)), sources: none, pickCtrl: pickOnly([i.cond]) }))
    .with({ op: 'guard' }, (i): Dependencies => ({ ...plain, addr: none, data: none, ctrl: sorted(exprRegs(i.cond)), sources: none, pickCtrl: pickOnly([i.cond]) }))
    .with({ op: 'setGhost' }, { op: 'assert' }, { op: 'fence' }, { op: 'select' }, { op: 'atomicBegin' }, { op: 'atomicEnd' }, { op: 'skip' }, { op: 'jump' }, { op: 'choose' },
      (): Dependencies => ({ ...plain, addr: none, data: none, ctrl: none, sources: none }))
    .exhaustive();
}
