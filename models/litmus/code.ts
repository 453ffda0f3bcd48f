/**
 * What the architecture front ends write into: the test's locations (declared on first
 * mention, each a single cell, so a location's address is POINTER_BASE + its index) and,
 * per thread, registers (created on first mention, initially 0), IR instructions with the
 * file line they came from, and labels resolved once the thread is complete.
 */
import type { Addr, Expr, Instr, Register, Thread } from '../../checker/ir.ts';
import { POINTER_BASE } from '../../checker/ir.ts';
import type { Value } from './ast.ts';
import { at, syntaxError, type Where } from './errors.ts';

/**
 * A litmus address is a location, not a byte address: `x` plus a non-zero offset is
 * another (mixed-size) location in herd, which xenmc does not model. Adding a non-zero
 * offset to an address gives this value, which is no address, so an access through it is
 * a run-time error naming it rather than a silent access to a neighbouring location.
 */
export const NOT_A_LOCATION = POINTER_BASE - 1;

const isAddress = (e: Expr): Expr => ({ k: 'bin', op: 'ge', a: e, b: { k: 'const', v: POINTER_BASE } });
const nonZero = (e: Expr): Expr => ({ k: 'bin', op: 'ne', a: e, b: { k: 'const', v: 0 } });

/** `a + b`, except that an address plus a non-zero offset is NOT_A_LOCATION. */
export function addOffset(a: Expr, b: Expr): Expr {
  if (b.k === 'const' && b.v === 0) return a;
  const shifted: Expr = {
    k: 'bin', op: 'land',
    a: { k: 'bin', op: 'lor', a: isAddress(a), b: isAddress(b) },
    b: { k: 'bin', op: 'land', a: nonZero(a), b: nonZero(b) },
  };
  return { k: 'ite', c: shifted, a: { k: 'const', v: NOT_A_LOCATION }, b: { k: 'bin', op: 'add', a, b } };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An instruction as a front end writes it: the source position and note are added here. */
export type BareInstr = DistributiveOmit<Instr, 'src' | 'note'>;

export interface LitmusLocation {
  readonly name: string;
  init: Value | null;
  readonly line: number;
}

export class TestSymbols {
  readonly locations: LitmusLocation[] = [];
  private readonly index = new Map<string, number>();

  constructor(readonly file: string) {}

  /** The index of location `name`, declaring it (initially 0) on first mention. */
  loc(name: string, line: number): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.locations.length;
      this.locations.push({ name, init: null, line });
      this.index.set(name, i);
    }
    return i;
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** The address of a location, as a register or a cell holds it. */
  pointer(name: string, line: number): number {
    return POINTER_BASE + this.loc(name, line);
  }

  addr(name: string, line: number): Addr {
    return { k: 'loc', loc: this.loc(name, line), index: null };
  }

  value(v: Value, line: number): number {
    return v.k === 'int' ? v.v : this.pointer(v.loc, line);
  }

  /** The name of the location a value points to, if it is an address. */
  pointsTo(v: number): string | null {
    const i = v - POINTER_BASE;
    return i >= 0 && i < this.locations.length ? this.locations[i].name : null;
  }
}

interface Fixup {
  readonly pc: number;
  readonly label: string;
  readonly line: number;
}

export class ThreadCode {
  private readonly regs: { name: string; init: Value | null }[] = [];
  private readonly regIndex = new Map<string, number>();
  private readonly code: Instr[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];
  private fresh = 0;

  constructor(readonly symbols: TestSymbols, readonly index: number, readonly name: string, readonly line: number) {}

  get file(): string {
    return this.symbols.file;
  }

  /** The register named `name` (canonical name), created on first mention with initial value 0. */
  reg(name: string): number {
    let r = this.regIndex.get(name);
    if (r === undefined) {
      r = this.regs.length;
      this.regs.push({ name, init: null });
      this.regIndex.set(name, r);
    }
    return r;
  }

  hasReg(name: string): boolean {
    return this.regIndex.has(name);
  }

  regExpr(name: string): Expr {
    return { k: 'reg', r: this.reg(name) };
  }

  setInit(name: string, v: Value): void {
    this.regs[this.reg(name)].init = v;
  }

  emit(ins: BareInstr, w: Where, note?: string): void {
    this.code.push({ ...ins, src: at(w), ...(note !== undefined ? { note } : {}) } as Instr);
  }

  /** A label at the next instruction. */
  label(name: string, w: Where): void {
    if (this.labels.has(name)) throw syntaxError(w, `label '${name}' is defined twice in thread ${this.name}`);
    this.labels.set(name, this.code.length);
  }

  /** A fresh label name for a front end's own control flow (C's if/else); the dot keeps it apart from the test's labels. */
  freshLabel(prefix: string): string {
    return `${prefix}.${this.fresh++}`;
  }

  branch(cond: Expr, label: string, w: Where, note?: string): void {
    this.fixups.push({ pc: this.code.length, label, line: w.line });
    this.emit({ op: 'branch', cond, target: -1 }, w, note);
  }

  jump(label: string, w: Where, note?: string): void {
    this.fixups.push({ pc: this.code.length, label, line: w.line });
    this.emit({ op: 'jump', target: -1 }, w, note);
  }

  /** The finished thread: labels resolved (a label after the last instruction means the end). */
  finish(): Thread {
    for (const f of this.fixups) {
      const target = this.labels.get(f.label);
      if (target === undefined) throw syntaxError({ file: this.file, line: f.line }, `thread ${this.name} branches to label '${f.label}', which it does not define`);
      const ins = this.code[f.pc];
      this.code[f.pc] = { ...ins, target } as Instr;
    }
    const registers: Register[] = this.regs.map((r) => ({ name: r.name, init: r.init === null ? 0 : this.symbols.value(r.init, this.line) }));
    return {
      name: this.name,
      actor: this.name,
      regs: registers,
      code: this.code,
      labels: Object.fromEntries([...this.labels].filter(([n]) => !n.includes('.'))),
      endPcs: [],
      src: at({ file: this.file, line: this.line }),
    };
  }
}
