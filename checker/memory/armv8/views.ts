/**
 * The views register values carry (Promising-ARM's ValA: a value and the view it depends
 * on), computed from the IR's expressions: an expression's view is the join of the views of
 * the registers it reads, except that a conditional expression (`ite`, Arm's CSEL) depends
 * on the branch it selects and, as a *pick* dependency only, on its condition: aarch64.cat
 * orders later writes after a pick dependency (`pob`), not later reads, and a register
 * written by CSEL passes its data dependency only from the register it selected
 * (catalogue-aarch64/LB+rel+CSEL: Allowed, through the unselected operand).
 *
 * So each register has two views in the state (./layout.ts): `full`, what reads must
 * respect, and `pick` ≥ full, what writes and control (vcap) must. Each instruction gets,
 * once per run, closures for the views of its address, its data (a store's value, an
 * atomic's operand), a CAS's expected value, an assignment's source and a condition.
 */
import type { CompiledProgram, ExprContext, Fn } from '../../compile.ts';
import { compileExpr } from '../../compile.ts';
import type { Addr, Expr, Instr } from '../../ir.ts';
import type { ArmLayout } from './layout.ts';

export interface ExprViews {
  readonly full: Fn;
  readonly pick: Fn;
}

export interface InstrViews {
  readonly addr: ExprViews;
  /** a store's value, an atomic's operand, an assignment's value */
  readonly data: ExprViews;
  /** a CAS's expected value */
  readonly expected: ExprViews;
  /** the view of a condition (branch, guard, await): control dependencies order like picks */
  readonly cond: Fn;
}

const zero: Fn = () => 0;
const none: ExprViews = { full: zero, pick: zero };

const join = (a: Fn, b: Fn): Fn => {
  if (a === zero) return b;
  if (b === zero) return a;
  return (s) => { const x = a(s), y = b(s); return x > y ? x : y; };
};

export class ViewCompiler {
  constructor(private readonly cp: CompiledProgram, private readonly L: ArmLayout) {}

  /** The views of every instruction, indexed by CompiledInstr.id. */
  all(): InstrViews[] {
    const out: InstrViews[] = [];
    this.cp.threads.forEach((th, ti) => {
      const cx: ExprContext = { program: this.cp.program, layout: this.cp.layout, regBase: this.cp.layout.regBase[ti] };
      for (const c of th.code) out[c.id] = this.instr(c.ir, cx);
    });
    return out;
  }

  private instr(ins: Instr, cx: ExprContext): InstrViews {
    const e = (x: Expr | null): ExprViews => (x === null ? none : this.expr(x, cx));
    const a = (x: Addr): ExprViews => this.addr(x, cx);
    const make = (addr: ExprViews, data: ExprViews, expected: ExprViews, cond: Expr | null): InstrViews => ({
      addr, data, expected, cond: cond === null ? zero : this.expr(cond, cx).pick,
    });
    switch (ins.op) {
      case 'load': case 'loadExclusive': return make(a(ins.addr), none, none, null);
      case 'store': case 'storeExclusive': return make(a(ins.addr), e(ins.value), none, null);
      case 'rmw': return make(a(ins.addr), e(ins.operand), e(ins.expected), null);
      case 'await': {
        const x = ins.access;
        return x.kind === 'load' ? make(a(x.addr), none, none, ins.cond) : make(a(x.addr), e(x.operand), e(x.expected), ins.cond);
      }
      case 'assign': return make(none, e(ins.value), none, null);
      case 'branch': case 'guard': return make(none, none, none, ins.cond);
      default: return make(none, none, none, null);
    }
  }

  private addr(a: Addr, cx: ExprContext): ExprViews {
    if (a.k === 'ptr') return this.expr(a.e, cx);
    return a.index === null ? none : this.expr(a.index, cx);
  }

  private expr(e: Expr, cx: ExprContext): ExprViews {
    switch (e.k) {
      case 'const': case 'treg': case 'at': case 'done': case 'mem':
        return none;
      case 'reg': {
        const o = this.L.reg(cx.regBase + e.r);
        return { full: (s) => s[o], pick: (s) => s[o + 1] };
      }
      case 'ghost': return e.index === null ? none : this.expr(e.index, cx);
      case 'un': return this.expr(e.a, cx);
      case 'bin': {
        const x = this.expr(e.a, cx), y = this.expr(e.b, cx);
        return { full: join(x.full, y.full), pick: join(x.pick, y.pick) };
      }
      case 'ite': {
        const c = compileExpr(e.c, cx);
        const cv = this.expr(e.c, cx).pick;
        const x = this.expr(e.a, cx), y = this.expr(e.b, cx);
        return {
          full: x.full === zero && y.full === zero ? zero : (s) => (c(s) !== 0 ? x.full(s) : y.full(s)),
          pick: (s) => { const v = c(s) !== 0 ? x.pick(s) : y.pick(s); const w = cv(s); return v > w ? v : w; },
        };
      }
    }
  }
}
