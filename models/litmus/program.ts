/**
 * The last step of every front end: the init block, the threads an architecture front end
 * wrote and the final condition become one IR Program, with the condition as a `final`
 * property over the threads' registers (`treg`) and memory (`mem`), and the list of what
 * the final states show.
 */
import type { Expr, Location, Program } from '../../checker/ir.ts';
import { validateProgram } from '../../checker/validate.ts';
import { conditionText, observed, refName, type Condition, type InitEntry, type Prop, type StateRef, type Value } from './ast.ts';
import { at, syntaxError, type Where } from './errors.ts';
import type { TestSymbols, ThreadCode } from './code.ts';

/** A register name as the init block or the condition writes it, made canonical (`W0` → `X0`, `eax` → `rax`); throws for a name that is no register. */
export type CanonicalRegister = (name: string, w: Where) => string;

export interface ObservedValue {
  /** as the condition writes it: `1:X0`, `x` */
  readonly name: string;
  readonly expr: Expr;
}

export interface LitmusProgram {
  readonly program: Program;
  /** the id of the `final` property holding the condition's proposition */
  readonly conditionId: string;
  readonly observed: readonly ObservedValue[];
  /** the location a value points to, for showing addresses by name */
  pointsTo(v: number): string | null;
}

export const CONDITION_ID = 'condition';

export function assemble(
  name: string,
  init: readonly InitEntry[],
  condition: Condition,
  symbols: TestSymbols,
  threads: readonly ThreadCode[],
  canonical: CanonicalRegister,
): LitmusProgram {
  const file = symbols.file;
  const thread = (t: number, w: Where): ThreadCode => {
    const th = threads[t];
    if (!th) throw syntaxError(w, `there is no thread P${t} (the test has ${threads.length})`);
    return th;
  };
  const declare = (v: Value | null, line: number): void => {
    if (v?.k === 'addr') symbols.loc(v.loc, line);
  };

  for (const e of init) {
    const w = { file, line: e.line };
    declare(e.value, e.line);
    switch (e.target.k) {
      case 'loc': {
        const i = symbols.loc(e.target.name, e.line);
        symbols.locations[i].init = e.value;
        break;
      }
      case 'reg':
        if (e.value) thread(e.target.thread, w).setInit(canonical(e.target.reg, w), e.value);
        break;
      case 'sym': {
        const reg = e.target.reg;
        if (e.value) for (const th of threads) if (th.hasReg(reg)) th.setInit(reg, e.value);
        break;
      }
    }
  }

  const refExpr = (r: StateRef, line: number): Expr => {
    const w = { file, line };
    if (r.k === 'loc') return { k: 'mem', addr: symbols.addr(r.name, line) };
    return { k: 'treg', thread: r.thread, r: thread(r.thread, w).reg(canonical(r.reg, w)) };
  };
  const propExpr = (p: Prop): Expr => {
    switch (p.k) {
      case 'const': return { k: 'const', v: p.v ? 1 : 0 };
      case 'eq': {
        declare(p.value, p.line);
        return { k: 'bin', op: 'eq', a: refExpr(p.ref, p.line), b: { k: 'const', v: symbols.value(p.value, p.line) } };
      }
      case 'not': return { k: 'un', op: 'not', a: propExpr(p.a) };
      case 'and': return { k: 'bin', op: 'land', a: propExpr(p.a), b: propExpr(p.b) };
      case 'or': return { k: 'bin', op: 'lor', a: propExpr(p.a), b: propExpr(p.b) };
    }
  };
  const pred = propExpr(condition.prop);
  const shown: ObservedValue[] = observed(condition).map((r) => ({ name: canonicalName(r, canonical, file, condition.line), expr: refExpr(r, condition.line) }));

  const finished = threads.map((t) => t.finish());
  const locations: Location[] = symbols.locations.map((l) => ({
    name: l.name,
    size: 1,
    init: [l.init === null ? 0 : symbols.value(l.init, l.line)],
    src: at({ file, line: l.line }),
  }));
  const program: Program = {
    name,
    locations,
    ghosts: [],
    threads: finished,
    properties: [{ kind: 'final', id: CONDITION_ID, description: conditionText(condition), pred, src: at({ file, line: condition.line }) }],
  };
  validateProgram(program);
  return { program, conditionId: CONDITION_ID, observed: shown, pointsTo: (v) => symbols.pointsTo(v) };
}

/** `1:X0` for `1:W0`, `0:rax` for `0:eax`: the name the final states show. */
function canonicalName(r: StateRef, canonical: CanonicalRegister, file: string, line: number): string {
  return r.k === 'reg' ? `${r.thread}:${canonical(r.reg, { file, line })}` : refName(r);
}
