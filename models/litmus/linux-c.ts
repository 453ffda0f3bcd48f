/**
 * Linux-kernel C litmus tests (herd's `C` tests, as in tools/memory-model/litmus-tests/):
 * thread functions `P0(int *x, int **p, spinlock_t *s) { ... }` with local declarations,
 * expression statements, `if`/`else`, plain accesses (`*x = 1`, `r = *x`), pointers and the
 * kernel's primitives. Parsed once; lowered per memory model, because each primitive means
 * what the kernel compiles it to on that architecture (models/xen/linux-kernel.ts).
 *
 * Names: a parameter names a shared location (its value is the location's address, so
 * `*x` is location x and `smp_store_release(x, v)` stores to it); a local variable is a
 * register of the thread (`0:r1` in the condition), created on declaration or first
 * assignment. Expressions are evaluated left to right; every memory access is its own
 * instruction, into a fresh register when its value is used inside a larger expression,
 * so address, data and control dependencies are register dependencies in the IR, as they
 * are in the compiled code.
 *
 * Not modelled, and reported Unsupported: RCU grace periods (`synchronize_rcu`), `kfree`,
 * loops, and any primitive not in the table below.
 */
import type { Addr, Expr, FenceKind, RmwOp } from '../../checker/ir.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import {
  kernelBarrier, LOAD_ACQUIRE, ONCE_LOAD, ONCE_STORE, RMW, SPIN_LOCK, STORE_RELEASE, VOID_RMW,
  type Access, type RmwStrength,
} from '../xen/linux-kernel.ts';
import type { Condition, InitEntry, SplitTest } from './ast.ts';
import { TestSymbols, ThreadCode } from './code.ts';
import { syntaxError, unsupported, type Where } from './errors.ts';
import { SUPPORTED_TYPES } from './init.ts';
import { assemble, type LitmusProgram } from './program.ts';
import { intValue, tokenize, TokenStream, type Token } from './tokens.ts';

// ---------------------------------------------------------------------------------------
// Syntax

type BinOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '&' | '|' | '^' | '<<' | '>>';

type CExpr =
  | { readonly k: 'num'; readonly v: number; readonly line: number }
  | { readonly k: 'name'; readonly name: string; readonly line: number }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly CExpr[]; readonly line: number }
  | { readonly k: 'un'; readonly op: '!' | '-' | '~' | '*' | '&'; readonly a: CExpr; readonly line: number }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: CExpr; readonly b: CExpr; readonly line: number }
  | { readonly k: 'assign'; readonly lhs: CExpr; readonly rhs: CExpr; readonly line: number };

type CStmt =
  | { readonly k: 'expr'; readonly e: CExpr; readonly line: number }
  | { readonly k: 'decl'; readonly vars: readonly { readonly name: string; readonly init: CExpr | null }[]; readonly line: number }
  | { readonly k: 'if'; readonly cond: CExpr; readonly then: readonly CStmt[]; readonly else: readonly CStmt[] | null; readonly line: number };

interface CThread {
  readonly index: number;
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly CStmt[];
  readonly line: number;
}

const PUNCTS = [
  '==', '!=', '<=', '>=', '&&', '||', '<<', '>>', '->',
  '(', ')', '{', '}', '[', ']', ';', ',', '=', '*', '&', '!', '~', '-', '+', '/', '%', '<', '>', '|', '^', ':', '.',
];

const TYPE_WORDS = new Set([...SUPPORTED_TYPES, 'void', 'const', 'volatile', 'signed', 'short', 'char']);
const NARROW_TYPES = new Set(['short', 'char']);

function parseThreads(split: SplitTest): CThread[] {
  const file = split.file;
  const ts = new TokenStream(tokenize(split.program.text, file, split.program.line, PUNCTS), file);
  const threads: CThread[] = [];
  while (!ts.atEnd()) {
    ts.accept('void');
    const head = ts.ident('a thread function P0(...)');
    const m = /^P(\d+)$/.exec(head.text);
    if (!m || Number(m[1]) !== threads.length) throw ts.error(`expected thread function 'P${threads.length}', found '${head.text}'`, head);
    ts.expect('(');
    const params: string[] = [];
    while (!ts.is(')')) {
      const { name } = declarator(ts, file);
      params.push(name);
      if (!ts.accept(',')) break;
    }
    ts.expect(')', "')'");
    threads.push({ index: threads.length, name: head.text, params, body: block(ts, file), line: head.line });
  }
  if (threads.length === 0) throw syntaxError({ file, line: split.program.line }, 'no thread functions: expected P0(...) { ... }');
  return threads;
}

/** `type-words '*'* name`: a parameter or a declared variable. */
function declarator(ts: TokenStream, file: string): { name: string; pointer: boolean } {
  const words: Token[] = [];
  let pointer = false;
  for (;;) {
    if (ts.accept('*')) { pointer = true; continue; }
    const t = ts.peek();
    if (t.kind !== 'ident') break;
    ts.next();
    if (TYPE_WORDS.has(t.text) || ts.peek().kind === 'ident' || ts.is('*')) {
      if (NARROW_TYPES.has(t.text)) throw unsupported({ file, line: t.line }, `type '${t.text}' is narrower than 32 bits (mixed-size accesses are not supported)`);
      if (!TYPE_WORDS.has(t.text)) throw unsupported({ file, line: t.line }, `unsupported type '${t.text}' (supported: ${SUPPORTED_TYPES.join(', ')}, and pointers)`);
      words.push(t);
      continue;
    }
    return { name: t.text, pointer };
  }
  throw ts.error('expected a name');
}

function block(ts: TokenStream, file: string): CStmt[] {
  ts.expect('{', "'{'");
  const out: CStmt[] = [];
  while (!ts.accept('}')) {
    if (ts.atEnd()) throw ts.error(`expected '}'`);
    out.push(...statement(ts, file));
  }
  return out;
}

function statement(ts: TokenStream, file: string): CStmt[] {
  const t = ts.peek();
  if (ts.accept(';')) return [];
  if (ts.is('{')) return block(ts, file);
  if (t.text === 'if' && t.kind === 'ident') {
    ts.next();
    ts.expect('(', "'(' after if");
    const cond = expression(ts, file);
    ts.expect(')', "')'");
    const then = statement(ts, file);
    const otherwise = ts.accept('else') ? statement(ts, file) : null;
    return [{ k: 'if', cond, then, else: otherwise, line: t.line }];
  }
  if (t.kind === 'ident' && ['while', 'for', 'do', 'goto', 'return', 'switch'].includes(t.text)) {
    throw unsupported({ file, line: t.line }, `'${t.text}' is not supported in C litmus tests (supported: declarations, assignments, calls of kernel primitives, if/else)`);
  }
  if (t.kind === 'ident' && TYPE_WORDS.has(t.text)) {
    const vars: { name: string; init: CExpr | null }[] = [];
    const first = declarator(ts, file);
    vars.push({ name: first.name, init: ts.accept('=') ? expression(ts, file) : null });
    while (ts.accept(',')) {
      while (ts.accept('*')) { /* pointer declarator */ }
      const name = ts.ident().text;
      vars.push({ name, init: ts.accept('=') ? expression(ts, file) : null });
    }
    ts.expect(';', "';'");
    return [{ k: 'decl', vars, line: t.line }];
  }
  const e = expression(ts, file);
  ts.expect(';', "';'");
  return [{ k: 'expr', e, line: t.line }];
}

function expression(ts: TokenStream, file: string): CExpr {
  const lhs = binary(ts, file, 0);
  if (ts.is('=')) {
    const line = ts.next().line;
    return { k: 'assign', lhs, rhs: expression(ts, file), line };
  }
  return lhs;
}

const PRECEDENCE: readonly (readonly BinOp[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

function binary(ts: TokenStream, file: string, level: number): CExpr {
  if (level === PRECEDENCE.length) return unaryExpr(ts, file);
  let a = binary(ts, file, level + 1);
  for (;;) {
    const op = PRECEDENCE[level].find((o) => ts.is(o));
    if (!op) return a;
    const line = ts.next().line;
    a = { k: 'bin', op, a, b: binary(ts, file, level + 1), line };
  }
}

function unaryExpr(ts: TokenStream, file: string): CExpr {
  const t = ts.peek();
  for (const op of ['!', '-', '~', '*', '&'] as const) {
    if (ts.accept(op)) return { k: 'un', op, a: unaryExpr(ts, file), line: t.line };
  }
  if (ts.accept('(')) {
    if (ts.peek().kind === 'ident' && TYPE_WORDS.has(ts.peek().text)) {
      // a cast, `(int **)e`: values are untyped words here, so it changes nothing
      while (ts.peek().kind === 'ident' && TYPE_WORDS.has(ts.peek().text) || ts.is('*')) ts.next();
      ts.expect(')', "')' after the cast's type");
      return unaryExpr(ts, file);
    }
    const e = expression(ts, file);
    ts.expect(')', "')'");
    return e;
  }
  if (t.kind === 'num') {
    ts.next();
    const v = intValue(t.text);
    if (v === null) throw unsupported({ file, line: t.line }, `value ${t.text} does not fit in 32 bits (xenmc's values are 32-bit)`);
    return { k: 'num', v, line: t.line };
  }
  if (t.kind === 'ident') {
    ts.next();
    if (ts.is('->') || ts.is('.') || ts.is('[')) throw unsupported({ file, line: t.line }, `structures and arrays ('${t.text}${ts.peek().text}') are not supported`);
    if (!ts.accept('(')) return { k: 'name', name: t.text, line: t.line };
    const args: CExpr[] = [];
    while (!ts.is(')')) {
      args.push(expression(ts, file));
      if (!ts.accept(',')) break;
    }
    ts.expect(')', "')'");
    return { k: 'call', fn: t.text, args, line: t.line };
  }
  throw ts.error(`expected an expression, found '${t.text || 'the end'}'`);
}

// ---------------------------------------------------------------------------------------
// Primitives

type Primitive =
  | { readonly k: 'load'; readonly access: 'once' | 'acquire'; readonly lvalue: boolean; readonly locked?: boolean }
  | { readonly k: 'store'; readonly access: 'once' | 'release'; readonly lvalue: boolean }
  | { readonly k: 'barrier'; readonly name: Parameters<typeof kernelBarrier>[0] }
  | { readonly k: 'nothing' }
  | { readonly k: 'rmw'; readonly op: RmwOp; readonly strength: RmwStrength; readonly returns: 'old' | 'new' | 'none'; readonly args: 2 | 3 }
  | { readonly k: 'add_unless' }
  | { readonly k: 'lock' }
  | { readonly k: 'trylock' }
  | { readonly k: 'unlock' };

const PRIMITIVES: Record<string, Primitive> = {
  READ_ONCE: { k: 'load', access: 'once', lvalue: true },
  WRITE_ONCE: { k: 'store', access: 'once', lvalue: true },
  smp_load_acquire: { k: 'load', access: 'acquire', lvalue: false },
  smp_store_release: { k: 'store', access: 'release', lvalue: false },
  rcu_dereference: { k: 'load', access: 'once', lvalue: true },
  rcu_assign_pointer: { k: 'store', access: 'release', lvalue: true },
  rcu_read_lock: { k: 'nothing' },
  rcu_read_unlock: { k: 'nothing' },
  atomic_read: { k: 'load', access: 'once', lvalue: false },
  atomic_read_acquire: { k: 'load', access: 'acquire', lvalue: false },
  atomic_set: { k: 'store', access: 'once', lvalue: false },
  atomic_set_release: { k: 'store', access: 'release', lvalue: false },
  smp_mb: { k: 'barrier', name: 'smp_mb' },
  smp_rmb: { k: 'barrier', name: 'smp_rmb' },
  smp_wmb: { k: 'barrier', name: 'smp_wmb' },
  smp_mb__before_atomic: { k: 'barrier', name: 'smp_mb__before_atomic' },
  smp_mb__after_atomic: { k: 'barrier', name: 'smp_mb__after_atomic' },
  smp_mb__after_spinlock: { k: 'barrier', name: 'smp_mb__after_spinlock' },
  spin_lock: { k: 'lock' },
  spin_trylock: { k: 'trylock' },
  spin_unlock: { k: 'unlock' },
  spin_is_locked: { k: 'load', access: 'once', lvalue: false, locked: true },
  atomic_add_unless: { k: 'add_unless' },
};

const STRENGTHS: readonly [string, RmwStrength][] = [['', 'full'], ['_relaxed', 'relaxed'], ['_acquire', 'acquire'], ['_release', 'release']];
for (const [suffix, strength] of STRENGTHS) {
  PRIMITIVES[`xchg${suffix}`] = { k: 'rmw', op: 'xchg', strength, returns: 'old', args: 2 };
  PRIMITIVES[`cmpxchg${suffix}`] = { k: 'rmw', op: 'cas', strength, returns: 'old', args: 3 };
  PRIMITIVES[`atomic_xchg${suffix}`] = { k: 'rmw', op: 'xchg', strength, returns: 'old', args: 2 };
  PRIMITIVES[`atomic_cmpxchg${suffix}`] = { k: 'rmw', op: 'cas', strength, returns: 'old', args: 3 };
  for (const [name, op] of [['add', 'add'], ['sub', 'sub'], ['and', 'and'], ['or', 'or'], ['xor', 'xor'], ['andnot', 'andnot']] as const) {
    PRIMITIVES[`atomic_fetch_${name}${suffix}`] = { k: 'rmw', op, strength, returns: 'old', args: 2 };
    if (name === 'add' || name === 'sub') PRIMITIVES[`atomic_${name}_return${suffix}`] = { k: 'rmw', op, strength, returns: 'new', args: 2 };
  }
}
for (const [name, op] of [['add', 'add'], ['sub', 'sub'], ['and', 'and'], ['or', 'or'], ['xor', 'xor'], ['andnot', 'andnot']] as const) {
  PRIMITIVES[`atomic_${name}`] = { k: 'rmw', op, strength: 'relaxed', returns: 'none', args: 2 };
}

/** Named so that the error says why, rather than only that they are missing. */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  synchronize_rcu: 'an RCU grace period is not one instruction; RCU is not modelled',
  synchronize_rcu_expedited: 'an RCU grace period is not one instruction; RCU is not modelled',
  call_rcu: 'RCU callbacks are not modelled',
  kfree: 'memory allocation is not modelled',
  srcu_read_lock: 'SRCU is not modelled',
  srcu_read_unlock: 'SRCU is not modelled',
  synchronize_srcu: 'SRCU is not modelled',
};

export const LINUX_PRIMITIVES: readonly string[] = Object.keys(PRIMITIVES).sort();

/** Checks every call names a primitive xenmc models, before any memory model is chosen. */
function checkPrimitives(threads: readonly CThread[], file: string): void {
  const visitE = (e: CExpr): void => {
    switch (e.k) {
      case 'call': {
        const why = NOT_MODELLED[e.fn];
        if (why) throw unsupported({ file, line: e.line }, `unsupported primitive '${e.fn}': ${why}`);
        if (!PRIMITIVES[e.fn]) throw unsupported({ file, line: e.line }, `unsupported primitive '${e.fn}' (supported: ${summary()})`);
        e.args.forEach(visitE);
        break;
      }
      case 'un': visitE(e.a); break;
      case 'bin': visitE(e.a); visitE(e.b); break;
      case 'assign': visitE(e.lhs); visitE(e.rhs); break;
      case 'num': case 'name': break;
    }
  };
  const visitS = (s: CStmt): void => {
    switch (s.k) {
      case 'expr': visitE(s.e); break;
      case 'decl': s.vars.forEach((v) => v.init && visitE(v.init)); break;
      case 'if': visitE(s.cond); s.then.forEach(visitS); s.else?.forEach(visitS); break;
    }
  };
  threads.forEach((t) => t.body.forEach(visitS));
}

/** The supported primitives, with the _relaxed/_acquire/_release and atomic families folded. */
function summary(): string {
  const variant = (p: string): boolean => {
    const m = /^(.*)_(relaxed|acquire|release)$/.exec(p);
    return m !== null && PRIMITIVES[m[1]] !== undefined;
  };
  const families = LINUX_PRIMITIVES.filter((p) => !variant(p) && !/^atomic_(fetch_|.*_return)/.test(p));
  return `${families.join(', ')}, their _relaxed/_acquire/_release forms, atomic_fetch_<op> and atomic_<op>_return`;
}

// ---------------------------------------------------------------------------------------
// Lowering

export interface LinuxTest {
  program(mm: MemoryModelName): LitmusProgram;
}

export function parseLinuxC(split: SplitTest, init: readonly InitEntry[], condition: Condition): LinuxTest {
  const threads = parseThreads(split);
  checkPrimitives(threads, split.file);
  const cache = new Map<MemoryModelName, LitmusProgram>();
  return {
    program(mm) {
      let p = cache.get(mm);
      if (!p) {
        p = lower(split, init, condition, threads, mm);
        cache.set(mm, p);
      }
      return p;
    },
  };
}

function lower(split: SplitTest, init: readonly InitEntry[], condition: Condition, threads: readonly CThread[], mm: MemoryModelName): LitmusProgram {
  const symbols = new TestSymbols(split.file);
  for (const e of init) if (e.target.k === 'loc') symbols.loc(e.target.name, e.line);
  const codes = threads.map((t) => new ThreadCode(symbols, t.index, t.name, t.line));
  threads.forEach((t, i) => new ThreadLowering(codes[i], t, mm).run());
  return assemble(split.name, init, condition, symbols, codes, (name, w) => {
    if (!/^[A-Za-z_]\w*$/.test(name)) throw syntaxError(w, `'${name}' is not a register name`);
    return name;
  });
}

class ThreadLowering {
  private readonly params: Set<string>;
  private temps = 0;

  constructor(private readonly code: ThreadCode, private readonly thread: CThread, private readonly mm: MemoryModelName) {
    this.params = new Set(thread.params);
    for (const p of thread.params) code.symbols.loc(p, thread.line);
  }

  run(): void {
    this.statements(this.thread.body);
  }

  private where(line: number): Where {
    return { file: this.code.file, line };
  }

  private statements(ss: readonly CStmt[]): void {
    for (const s of ss) this.statement(s);
  }

  private statement(s: CStmt): void {
    switch (s.k) {
      case 'decl':
        for (const v of s.vars) {
          if (this.params.has(v.name)) throw syntaxError(this.where(s.line), `'${v.name}' is a parameter of ${this.thread.name}; declare a register with another name`);
          const r = this.code.reg(v.name);
          if (v.init) this.assignTo(r, v.init, s.line);
        }
        break;
      case 'expr':
        this.effect(s.e);
        break;
      case 'if': {
        const cond = this.value(s.cond);
        const otherwise = this.code.freshLabel('else');
        const end = this.code.freshLabel('endif');
        this.code.branch({ k: 'un', op: 'not', a: cond }, s.else ? otherwise : end, this.where(s.line), 'if');
        this.statements(s.then);
        if (s.else) {
          this.code.jump(end, this.where(s.line), 'else');
          this.code.label(otherwise, this.where(s.line));
          this.statements(s.else);
        }
        this.code.label(end, this.where(s.line));
        break;
      }
    }
  }

  /** An expression statement: an assignment, or a call for its effect. */
  private effect(e: CExpr): void {
    if (e.k === 'assign') {
      const { lhs, rhs } = e;
      if (lhs.k === 'name') {
        if (this.params.has(lhs.name)) throw syntaxError(this.where(e.line), `assigning to parameter '${lhs.name}' is not supported; write *${lhs.name} = ... to store`);
        this.assignTo(this.code.reg(lhs.name), rhs, e.line);
        return;
      }
      if (lhs.k === 'un' && lhs.op === '*') {
        const addr = this.address(lhs.a);
        const value = this.value(rhs);
        this.code.emit({ op: 'store', addr, value, order: 'plain' }, this.where(e.line), 'plain store');
        return;
      }
      throw syntaxError(this.where(e.line), 'the left of = must be a variable or *pointer');
    }
    if (e.k === 'call') { this.call(e, null); return; }
    this.value(e);
  }

  private assignTo(r: number, rhs: CExpr, line: number): void {
    const v = rhs.k === 'call' ? this.call(rhs, r) : rhs.k === 'un' && rhs.op === '*' ? this.plainLoad(rhs, r) : this.value(rhs);
    if (v === null) throw syntaxError(this.where(line), `'${rhs.k === 'call' ? rhs.fn : '?'}' returns no value`);
    if (!(v.k === 'reg' && v.r === r)) this.code.emit({ op: 'assign', dst: r, value: v }, this.where(line), 'assignment');
  }

  private temp(): number {
    return this.code.reg(`tmp.${this.temps++}`);
  }

  /** The value of an expression, emitting the accesses it makes. */
  private value(e: CExpr): Expr {
    switch (e.k) {
      case 'num': return { k: 'const', v: e.v };
      case 'name': {
        if (this.params.has(e.name)) return { k: 'const', v: this.code.symbols.pointer(e.name, e.line) };
        if (this.code.hasReg(e.name)) return this.code.regExpr(e.name);
        if (this.code.symbols.has(e.name)) return { k: 'const', v: this.code.symbols.pointer(e.name, e.line) };
        throw syntaxError(this.where(e.line), `unknown name '${e.name}' in ${this.thread.name}`);
      }
      case 'call': {
        const v = this.call(e, null);
        if (v === null) throw syntaxError(this.where(e.line), `'${e.fn}' returns no value`);
        return v;
      }
      case 'un':
        switch (e.op) {
          case '*': return this.plainLoad(e, null);
          case '&': {
            if (e.a.k === 'name' && !this.params.has(e.a.name) && !this.code.hasReg(e.a.name)) return { k: 'const', v: this.code.symbols.pointer(e.a.name, e.line) };
            throw unsupported(this.where(e.line), `taking the address of a parameter or a register is not supported`);
          }
          case '!': return { k: 'un', op: 'not', a: this.value(e.a) };
          case '-': return { k: 'un', op: 'neg', a: this.value(e.a) };
          case '~': return { k: 'un', op: 'bitnot', a: this.value(e.a) };
        }
        break;
      case 'bin': return this.binary(e);
      case 'assign': {
        this.effect(e);
        if (e.lhs.k === 'name') return this.code.regExpr(e.lhs.name);
        throw unsupported(this.where(e.line), 'the value of a store assignment is not supported');
      }
    }
    throw new Error('unreachable');
  }

  private binary(e: Extract<CExpr, { k: 'bin' }>): Expr {
    const ops: Record<BinOp, Extract<Expr, { k: 'bin' }>['op']> = {
      '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
      '&&': 'land', '||': 'lor', '&': 'and', '|': 'or', '^': 'xor', '<<': 'shl', '>>': 'shr',
    };
    if ((e.op === '&&' || e.op === '||') && accesses(e.b)) {
      // C evaluates the right operand only when it decides the result: its accesses must not happen otherwise.
      const r = this.temp();
      const a = this.value(e.a);
      const end = this.code.freshLabel('sc');
      this.code.emit({ op: 'assign', dst: r, value: { k: 'bin', op: 'ne', a, b: { k: 'const', v: 0 } } }, this.where(e.line), e.op);
      const skip: Expr = e.op === '&&' ? { k: 'un', op: 'not', a: { k: 'reg', r } } : { k: 'reg', r };
      this.code.branch(skip, end, this.where(e.line), e.op);
      const b = this.value(e.b);
      this.code.emit({ op: 'assign', dst: r, value: { k: 'bin', op: 'ne', a: b, b: { k: 'const', v: 0 } } }, this.where(e.line), e.op);
      this.code.label(end, this.where(e.line));
      return { k: 'reg', r };
    }
    const a = this.value(e.a);
    const b = this.value(e.b);
    return { k: 'bin', op: ops[e.op], a, b };
  }

  /** The address a pointer-valued expression designates. */
  private address(p: CExpr): Addr {
    const v = this.value(p);
    if (v.k === 'const') {
      const name = this.code.symbols.pointsTo(v.v);
      if (name !== null) return this.code.symbols.addr(name, p.line);
    }
    return { k: 'ptr', e: v };
  }

  /** `*p` read as plain C. */
  private plainLoad(e: Extract<CExpr, { k: 'un' }>, dst: number | null): Expr {
    const r = dst ?? this.temp();
    this.code.emit({ op: 'load', dst: r, addr: this.address(e.a), order: 'plain' }, this.where(e.line), 'plain load');
    return { k: 'reg', r };
  }

  private fences(kind: FenceKind | null, line: number, note: string): void {
    if (kind !== null) this.code.emit({ op: 'fence', kind }, this.where(line), note);
  }

  /** The address argument of a primitive: `*p` for the _ONCE family, a pointer otherwise. */
  private target(e: Extract<CExpr, { k: 'call' }>, lvalue: boolean): Addr {
    const arg = e.args[0];
    if (lvalue) {
      if (!(arg.k === 'un' && arg.op === '*')) throw syntaxError(this.where(e.line), `${e.fn} takes an lvalue such as *x`);
      return this.address(arg.a);
    }
    return this.address(arg);
  }

  private arity(e: Extract<CExpr, { k: 'call' }>, n: number): void {
    if (e.args.length !== n) throw syntaxError(this.where(e.line), `${e.fn} takes ${n} argument${n === 1 ? '' : 's'}, not ${e.args.length}`);
  }

  /** A primitive call; its value, or null for one that returns none. `dst`: where a loaded value may go directly. */
  private call(e: Extract<CExpr, { k: 'call' }>, dst: number | null): Expr | null {
    const prim = PRIMITIVES[e.fn];
    const w = this.where(e.line);
    const note = e.fn;
    const mm = this.mm;
    switch (prim.k) {
      case 'nothing':
        this.arity(e, 0);
        return null;
      case 'barrier':
        this.arity(e, 0);
        this.fences(kernelBarrier(prim.name, mm), e.line, note);
        return null;
      case 'load': {
        this.arity(e, 1);
        const acc: Access<'plain' | 'acquire' | 'acquire_pc'> = (prim.access === 'once' ? ONCE_LOAD : LOAD_ACQUIRE)[mm];
        const addr = this.target(e, prim.lvalue);
        const r = prim.locked ? this.temp() : dst ?? this.temp();
        this.fences(acc.before, e.line, note);
        this.code.emit({ op: 'load', dst: r, addr, order: acc.order }, w, note);
        this.fences(acc.after, e.line, note);
        return prim.locked ? { k: 'bin', op: 'ne', a: { k: 'reg', r }, b: { k: 'const', v: 0 } } : { k: 'reg', r };
      }
      case 'store': {
        this.arity(e, 2);
        const acc = (prim.access === 'once' ? ONCE_STORE : STORE_RELEASE)[mm];
        const addr = this.target(e, prim.lvalue);
        const value = this.value(e.args[1]);
        this.fences(acc.before, e.line, note);
        this.code.emit({ op: 'store', addr, value, order: acc.order }, w, note);
        this.fences(acc.after, e.line, note);
        return null;
      }
      case 'rmw': {
        this.arity(e, prim.args);
        const acc = prim.returns === 'none' ? VOID_RMW[mm] : RMW[prim.strength][mm];
        const addr = this.target(e, false);
        const expected = prim.op === 'cas' ? this.value(e.args[1]) : null;
        const operand = this.value(e.args[prim.args - 1]);
        const r = prim.returns === 'none' ? null : dst ?? this.temp();
        this.fences(acc.before, e.line, note);
        this.code.emit({ op: 'rmw', rmw: prim.op, dst: r, addr, operand, expected, order: acc.order }, w, note);
        this.fences(acc.after, e.line, note);
        if (r === null) return null;
        if (prim.returns === 'new') {
          const op = prim.op === 'add' ? 'add' : 'sub';
          return { k: 'bin', op, a: { k: 'reg', r }, b: operand };
        }
        return { k: 'reg', r };
      }
      case 'lock': {
        this.arity(e, 1);
        const acc = SPIN_LOCK[mm];
        const addr = this.target(e, false);
        const r = this.temp();
        this.fences(acc.before, e.line, note);
        // Spin until the lock is free, then take it: one blocking step (architecture.md, "spin-waits are awaits").
        this.code.emit({
          op: 'await', access: { kind: 'rmw', rmw: 'cas', dst: r, addr, operand: { k: 'const', v: 1 }, expected: { k: 'const', v: 0 }, order: acc.order },
          cond: { k: 'bin', op: 'eq', a: { k: 'reg', r }, b: { k: 'const', v: 0 } },
        }, w, note);
        this.fences(acc.after, e.line, note);
        return null;
      }
      case 'trylock': {
        this.arity(e, 1);
        const acc = SPIN_LOCK[mm];
        const addr = this.target(e, false);
        const r = this.temp();
        this.fences(acc.before, e.line, note);
        this.code.emit({ op: 'rmw', rmw: 'cas', dst: r, addr, operand: { k: 'const', v: 1 }, expected: { k: 'const', v: 0 }, order: acc.order }, w, note);
        this.fences(acc.after, e.line, note);
        return { k: 'bin', op: 'eq', a: { k: 'reg', r }, b: { k: 'const', v: 0 } };
      }
      case 'unlock': {
        this.arity(e, 1);
        const acc = STORE_RELEASE[mm];
        const addr = this.target(e, false);
        this.fences(acc.before, e.line, note);
        this.code.emit({ op: 'store', addr, value: { k: 'const', v: 0 }, order: acc.order }, w, note);
        this.fences(acc.after, e.line, note);
        return null;
      }
      case 'add_unless':
        return this.addUnless(e, dst);
    }
  }

  /**
   * atomic_add_unless(v, a, u): add a to *v unless it is u; returns whether it added. The
   * kernel's loop (include/linux/atomic/atomic-arch-fallback.h): read *v; while it is not u,
   * try a fully ordered cmpxchg from it to it + a, retrying with the value the cmpxchg saw.
   */
  private addUnless(e: Extract<CExpr, { k: 'call' }>, dst: number | null): Expr {
    this.arity(e, 3);
    const w = this.where(e.line);
    const note = e.fn;
    const acc = RMW.full[this.mm];
    const addr = this.target(e, false);
    const a = this.value(e.args[1]);
    const u = this.value(e.args[2]);
    const c = this.temp(), old = this.temp();
    const retry = this.code.freshLabel('add_unless');
    const done = this.code.freshLabel('add_unless_done');
    const load = ONCE_LOAD[this.mm];
    this.code.emit({ op: 'load', dst: c, addr, order: load.order }, w, `${note}: atomic_read`);
    this.code.label(retry, w);
    this.code.branch({ k: 'bin', op: 'eq', a: { k: 'reg', r: c }, b: u }, done, w, `${note}: equal to the limit`);
    this.fences(acc.before, e.line, note);
    this.code.emit({
      op: 'rmw', rmw: 'cas', dst: old, addr, operand: { k: 'bin', op: 'add', a: { k: 'reg', r: c }, b: a }, expected: { k: 'reg', r: c }, order: acc.order,
    }, w, `${note}: try_cmpxchg`);
    this.fences(acc.after, e.line, note);
    this.code.branch({ k: 'bin', op: 'eq', a: { k: 'reg', r: old }, b: { k: 'reg', r: c } }, done, w, `${note}: added`);
    this.code.emit({ op: 'assign', dst: c, value: { k: 'reg', r: old } }, w, `${note}: retry`);
    this.code.jump(retry, w, `${note}: retry`);
    this.code.label(done, w);
    const r = dst ?? this.temp();
    this.code.emit({ op: 'assign', dst: r, value: { k: 'bin', op: 'ne', a: { k: 'reg', r: c }, b: u } }, w, note);
    return { k: 'reg', r };
  }
}

/** Whether evaluating an expression touches memory. */
function accesses(e: CExpr): boolean {
  switch (e.k) {
    case 'call': return true;
    case 'un': return e.op === '*' || accesses(e.a);
    case 'bin': return accesses(e.a) || accesses(e.b);
    case 'assign': return true;
    case 'num': case 'name': return false;
  }
}
