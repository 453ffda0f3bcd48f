/**
 * Printing the IR the way a model reads: registers and locations by name, values by the
 * names the model gave them (READY rather than 1). Used by traces and `xenmc show`.
 */
import { match } from 'ts-pattern';
import type { Addr, BinaryOp, Expr, Instr, Program, Thread } from './ir.ts';
import { POINTER_BASE, cellBase } from './ir.ts';

const BIN: Record<BinaryOp, string> = {
  add: '+', sub: '-', mul: '*', div: '/', mod: '%', and: '&', or: '|', xor: '^', shl: '<<', shr: '>>',
  eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', ltu: '<u', leu: '<=u', land: '&&', lor: '||',
};

export class Printer {
  constructor(readonly program: Program) {}

  /** The name of flat memory cell `c`: `x`, or `slot[1]` for an array element. */
  cellName(c: number): string {
    let base = 0;
    for (const l of this.program.locations) {
      if (c < base + l.size) return l.size === 1 ? l.name : `${l.name}[${c - base}]`;
      base += l.size;
    }
    return `cell${c}`;
  }

  /** A value as stored in cell `c`: `READY(1)` when the location names its values. */
  cellValue(c: number, v: number): string {
    let base = 0;
    for (const l of this.program.locations) {
      if (c < base + l.size) return this.named(v, l.values);
      base += l.size;
    }
    return String(v);
  }

  named(v: number, names?: Readonly<Record<number, string>>): string {
    const n = names?.[v];
    if (n !== undefined) return `${n}(${v})`;
    if (v >= POINTER_BASE && v - POINTER_BASE < this.totalCells()) return `&${this.cellName(v - POINTER_BASE)}`;
    return String(v);
  }

  private totalCells(): number {
    return this.program.locations.reduce((n, l) => n + l.size, 0);
  }

  addr(a: Addr, t: Thread | null): string {
    if (a.k === 'ptr') return `*${this.expr(a.e, t)}`;
    const l = this.program.locations[a.loc];
    if (a.index === null) return l.size === 1 ? l.name : `${l.name}[0]`;
    return `${l.name}[${this.expr(a.index, t)}]`;
  }

  /** Value names that fit where an expression is stored or compared. */
  private addrNames(a: Addr): Readonly<Record<number, string>> | undefined {
    return a.k === 'loc' ? this.program.locations[a.loc].values : undefined;
  }

  expr(e: Expr, t: Thread | null, names?: Readonly<Record<number, string>>): string {
    return match(e)
      .with({ k: 'const' }, (x) => (names?.[x.v] !== undefined ? names[x.v] : String(x.v)))
      .with({ k: 'reg' }, (x) => t?.regs[x.r]?.name ?? `r${x.r}`)
      .with({ k: 'ghost' }, (x) => {
        const g = this.program.ghosts[x.g];
        return x.index ? `${g.name}[${this.expr(x.index, t)}]` : g.name;
      })
      .with({ k: 'un' }, (x) => `${x.op === 'not' ? '!' : x.op === 'neg' ? '-' : '~'}${this.atom(x.a, t, names)}`)
      .with({ k: 'bin' }, (x) => {
        const side = this.compareNames(x, t) ?? names;
        return `${this.atom(x.a, t, side)} ${BIN[x.op]} ${this.atom(x.b, t, side)}`;
      })
      .with({ k: 'ite' }, (x) => `(${this.expr(x.c, t)} ? ${this.expr(x.a, t, names)} : ${this.expr(x.b, t, names)})`)
      .with({ k: 'mem' }, (x) => this.addr(x.addr, t))
      .with({ k: 'treg' }, (x) => {
        const th = this.program.threads[x.thread];
        return `${th.name}.${th.regs[x.r].name}`;
      })
      .with({ k: 'at' }, (x) => `${this.program.threads[x.thread].name}@${x.label}`)
      .with({ k: 'done' }, (x) => `done(${this.program.threads[x.thread].name})`)
      .exhaustive();
  }

  /** When one side of a comparison is a location or a named register, name the constant on the other side. */
  private compareNames(x: Extract<Expr, { k: 'bin' }>, t: Thread | null): Readonly<Record<number, string>> | undefined {
    if (!['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(x.op)) return undefined;
    const of = (e: Expr): Readonly<Record<number, string>> | undefined =>
      e.k === 'mem' ? this.addrNames(e.addr) : e.k === 'reg' ? t?.regs[e.r]?.values : e.k === 'ghost' ? this.program.ghosts[e.g].values : undefined;
    return of(x.a) ?? of(x.b);
  }

  private atom(e: Expr, t: Thread | null, names?: Readonly<Record<number, string>>): string {
    const s = this.expr(e, t, names);
    return e.k === 'bin' || e.k === 'ite' ? `(${s})` : s;
  }

  /** One instruction, as source-level text. */
  instr(ins: Instr, t: Thread): string {
    const order = (o: string): string => (o === 'plain' ? '' : `.${o}`);
    return match(ins)
      .with({ op: 'load' }, (i) => `${t.regs[i.dst].name} := load${order(i.order)} ${this.addr(i.addr, t)}`)
      .with({ op: 'store' }, (i) => `store${order(i.order)} ${this.addr(i.addr, t)} := ${this.expr(i.value, t, this.addrNames(i.addr))}`)
      .with({ op: 'rmw' }, (i) => {
        const dst = i.dst === null ? '' : `${t.regs[i.dst].name} := `;
        const args = i.expected ? `${this.expr(i.expected, t)} → ${this.expr(i.operand, t)}` : this.expr(i.operand, t);
        return `${dst}${i.rmw}${order(i.order)} ${this.addr(i.addr, t)}, ${args}`;
      })
      .with({ op: 'fence' }, (i) => `fence ${i.kind}`)
      .with({ op: 'loadExclusive' }, (i) => `${t.regs[i.dst].name} := load-exclusive${order(i.order)} ${this.addr(i.addr, t)}`)
      .with({ op: 'storeExclusive' }, (i) => `${t.regs[i.status].name} := store-exclusive${order(i.order)} ${this.addr(i.addr, t)} := ${this.expr(i.value, t, this.addrNames(i.addr))}`)
      .with({ op: 'await' }, (i) => {
        const a = i.access;
        const access = a.kind === 'load' ? `load${order(a.order)} ${this.addr(a.addr, t)}` : `${a.rmw}${order(a.order)} ${this.addr(a.addr, t)}, ${this.expr(a.operand, t)}`;
        return `await ${t.regs[a.dst].name} := ${access} until ${this.expr(i.cond, t, a.kind === 'load' ? this.addrNames(a.addr) : undefined)}`;
      })
      .with({ op: 'select' }, (i) => `select (${i.targets.length} alternatives)`)
      .with({ op: 'atomicBegin' }, () => 'atomic {')
      .with({ op: 'atomicEnd' }, () => '}')
      .with({ op: 'guard' }, (i) => `guard ${this.expr(i.cond, t)}`)
      .with({ op: 'skip' }, () => 'skip')
      .with({ op: 'assign' }, (i) => `${t.regs[i.dst].name} := ${this.expr(i.value, t, t.regs[i.dst].values)}`)
      .with({ op: 'setGhost' }, (i) => {
        const g = this.program.ghosts[i.g];
        return `ghost ${g.name}${i.index ? `[${this.expr(i.index, t)}]` : ''} := ${this.expr(i.value, t, g.values)}`;
      })
      .with({ op: 'branch' }, (i) => `if ${this.expr(i.cond, t)} goto ${this.target(i.target, t)}`)
      .with({ op: 'jump' }, (i) => `goto ${this.target(i.target, t)}`)
      .with({ op: 'choose' }, (i) => `${t.regs[i.dst].name} := choose ${i.min}..${i.max}`)
      .with({ op: 'assert' }, (i) => `assert ${this.expr(i.cond, t)} (${i.property})`)
      .exhaustive();
  }

  private target(pc: number, t: Thread): string {
    if (pc === t.code.length) return 'end';
    const label = Object.entries(t.labels).find(([, p]) => p === pc)?.[0];
    return label ?? `#${pc}`;
  }

  /** Where a thread rests: its label, or the instruction it is about to run. */
  position(t: Thread, pc: number): string {
    if (pc === t.code.length) return 'finished';
    const label = Object.entries(t.labels).find(([, p]) => p === pc)?.[0];
    if (label) return `@${label}`;
    return `before: ${this.instr(t.code[pc], t)}`;
  }

  /** A pointer constant for a location element (front ends use it for `N:X1=x`). */
  pointer(loc: number, index = 0): number {
    return POINTER_BASE + cellBase(this.program, loc) + index;
  }
}
