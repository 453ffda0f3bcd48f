/**
 * x86 instructions of herd's litmus tests: `X86` tests in Intel syntax (`MOV [x],$1`,
 * `MOV EAX,[y]`, registers EAX...) and `X86_64` tests in AT&T syntax (`movl $1,(x)`,
 * `movl (y),%eax`, source first). Both are read into one operand form (destination first)
 * and lowered by one table.
 *
 * Registers: X86 tests name EAX, EBX, ...; in X86_64 tests the 32- and 64-bit names of a
 * register are one register, shown by its 64-bit name, as herd's conditions write it
 * (`%eax` in the code, `0:rax` in the condition). Values are 32-bit; 8- and 16-bit
 * registers and `b`/`w` suffixes would be mixed-size accesses and are unsupported.
 *
 * Meaning (x86-TSO): MOV is a plain load, store or register move; MFENCE is a `full`
 * fence; LFENCE and SFENCE are `ld` and `st` fences (no-ops under TSO, which keeps those
 * orders already). XCHG with memory and every LOCK-prefixed instruction are atomic
 * read-modify-writes (acq_rel; TSO drains the store buffer for them, a full fence). An
 * arithmetic instruction on memory without LOCK is a load and a store, not atomic, as on
 * the hardware. CMP and the conditional jumps work through two hidden flag registers.
 */
import type { Expr, RmwOp } from '../../../checker/ir.ts';
import type { Cell } from '../table.ts';
import type { ThreadCode } from '../code.ts';
import { syntaxError, unsupported, unsupportedInstruction, type Where } from '../errors.ts';

type Syntax = 'intel' | 'att';

type Operand =
  | { readonly k: 'reg'; readonly name: string; readonly text: string }
  | { readonly k: 'imm'; readonly v: number; readonly text: string }
  | { readonly k: 'mem'; readonly loc: string | null; readonly reg: string | null; readonly text: string }
  | { readonly k: 'label'; readonly name: string; readonly text: string };

const REGS32 = ['EAX', 'EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'ESP'];
const REGS64: Readonly<Record<string, string>> = {
  rax: 'rax', eax: 'rax', rbx: 'rbx', ebx: 'rbx', rcx: 'rcx', ecx: 'rcx', rdx: 'rdx', edx: 'rdx',
  rsi: 'rsi', esi: 'rsi', rdi: 'rdi', edi: 'rdi', rbp: 'rbp', ebp: 'rbp', rsp: 'rsp', esp: 'rsp',
};
const NARROW = /^(a[xlh]|b[xlh]|c[xlh]|d[xlh]|si|di|sil|dil|bp|sp|r\d+[wb])$/i;

/** The canonical name of an x86 register, or null. */
function x86Register(name: string, syntax: Syntax): string | null {
  if (syntax === 'intel') {
    const u = name.toUpperCase();
    return REGS32.includes(u) ? u : null;
  }
  const n = name.replace(/^%/, '').toLowerCase();
  if (REGS64[n]) return REGS64[n];
  const r = /^r(\d+)d?$/.exec(n);
  if (r && Number(r[1]) >= 8 && Number(r[1]) <= 15) return `r${r[1]}`;
  return null;
}

function immediate(text: string, w: Where): number {
  const m = /^\$?\s*(-?)(0x[0-9a-f]+|\d+)$/i.exec(text);
  if (!m) throw syntaxError(w, `malformed immediate '${text}'`);
  const v = m[2].toLowerCase().startsWith('0x') ? parseInt(m[2].slice(2), 16) : parseInt(m[2], 10);
  if (v > 0x7fffffff) throw unsupported(w, `immediate ${text} does not fit in 32 bits (xenmc's values are 32-bit)`);
  return m[1] ? -v | 0 : v;
}

function operand(text: string, syntax: Syntax, w: Where): Operand {
  const t = text.trim();
  if (t.startsWith('$') || /^-?\d+$/.test(t) || /^-?0x[0-9a-f]+$/i.test(t)) return { k: 'imm', v: immediate(t, w), text: t };
  const mem = syntax === 'intel' ? /^\[\s*([^\]]+?)\s*\]$/.exec(t) : /^\(\s*([^)]+?)\s*\)$/.exec(t);
  if (mem) {
    const inner = mem[1];
    const reg = x86Register(inner, syntax);
    if (reg) return { k: 'mem', loc: null, reg, text: t };
    if (/^[A-Za-z_]\w*$/.test(inner) && !(syntax === 'att' && inner.startsWith('%'))) return { k: 'mem', loc: inner, reg: null, text: t };
    throw unsupported(w, `unsupported memory operand '${t}' (supported: ${syntax === 'intel' ? '[x] and [REG]' : '(x) and (%reg)'})`);
  }
  if (looksLikeRegister(t, syntax)) {
    const reg = x86Register(t, syntax);
    if (reg) return { k: 'reg', name: reg, text: t };
    throw unsupported(w, `unsupported register '${t}' (${syntax === 'intel' ? `supported: ${REGS32.join(', ')}` : 'supported: the 32- and 64-bit general registers'}; narrower ones would be mixed-size)`);
  }
  if (/^[A-Za-z_][\w.]*$/.test(t)) return { k: 'label', name: t, text: t };
  throw syntaxError(w, `malformed operand '${t}'`);
}

/** A register name, supported or not (so that `AX` is reported as a narrow register, not read as a label). */
function looksLikeRegister(t: string, syntax: Syntax): boolean {
  if (syntax === 'att') return t.startsWith('%');
  return REGS32.includes(t.toUpperCase()) || NARROW.test(t) || x86Register(t, 'att') !== null;
}

interface Ctx {
  readonly code: ThreadCode;
  readonly w: Where;
  readonly note: string;
  readonly locked: boolean;
  readonly syntax: Syntax;
}

const FLAG_LHS = 'flags.lhs';
const FLAG_RHS = 'flags.rhs';
const c = (v: number): Expr => ({ k: 'const', v });
const bin = (op: Extract<Expr, { k: 'bin' }>['op'], a: Expr, b: Expr): Expr => ({ k: 'bin', op, a, b });

function addr(ctx: Ctx, m: Extract<Operand, { k: 'mem' }>) {
  return m.loc !== null ? ctx.code.symbols.addr(m.loc, ctx.w.line) : { k: 'ptr' as const, e: ctx.code.regExpr(m.reg!) };
}

function value(ctx: Ctx, o: Operand, mn: string): Expr {
  if (o.k === 'imm') return c(o.v);
  if (o.k === 'reg') return ctx.code.regExpr(o.name);
  throw syntaxError(ctx.w, `malformed ${mn}: expected a register or an immediate, found '${o.text}'`);
}

function reg(ctx: Ctx, o: Operand, mn: string): number {
  if (o.k !== 'reg') throw syntaxError(ctx.w, `malformed ${mn}: expected a register, found '${o.text}'`);
  return ctx.code.reg(o.name);
}

function arity(ctx: Ctx, ops: readonly Operand[], n: number, mn: string, form: string): void {
  if (ops.length !== n) throw syntaxError(ctx.w, `malformed ${mn}: expected ${form}`);
}

function noLock(ctx: Ctx, mn: string): void {
  if (ctx.locked) throw unsupported(ctx.w, `LOCK ${mn} is not an x86 instruction`);
}

const ALU: Readonly<Record<string, { ir: Extract<Expr, { k: 'bin' }>['op']; rmw: RmwOp }>> = {
  ADD: { ir: 'add', rmw: 'add' }, SUB: { ir: 'sub', rmw: 'sub' }, AND: { ir: 'and', rmw: 'and' },
  OR: { ir: 'or', rmw: 'or' }, XOR: { ir: 'xor', rmw: 'xor' },
};

/** A read-modify-write of memory: atomic with LOCK, a load then a store without. */
function memoryRmw(ctx: Ctx, m: Extract<Operand, { k: 'mem' }>, rmw: RmwOp, operand: Expr, dst: number | null): void {
  const a = addr(ctx, m);
  if (ctx.locked) {
    ctx.code.emit({ op: 'rmw', rmw, dst, addr: a, operand, expected: null, order: 'acq_rel' }, ctx.w, ctx.note);
    return;
  }
  const tmp = ctx.code.reg('tmp');
  ctx.code.emit({ op: 'load', dst: tmp, addr: a, order: 'plain' }, ctx.w, ctx.note);
  const t: Expr = { k: 'reg', r: tmp };
  const op = rmw === 'add' ? 'add' : rmw === 'sub' ? 'sub' : rmw === 'and' ? 'and' : rmw === 'or' ? 'or' : 'xor';
  ctx.code.emit({ op: 'store', addr: a, value: bin(op, t, operand), order: 'plain' }, ctx.w, ctx.note);
}

type Handler = (ctx: Ctx, ops: readonly Operand[], mn: string) => void;

const JUMPS: Readonly<Record<string, (a: Expr, b: Expr) => Expr>> = {
  JE: (a, b) => bin('eq', a, b), JZ: (a, b) => bin('eq', a, b),
  JNE: (a, b) => bin('ne', a, b), JNZ: (a, b) => bin('ne', a, b),
  JL: (a, b) => bin('lt', a, b), JGE: (a, b) => bin('ge', a, b), JG: (a, b) => bin('gt', a, b), JLE: (a, b) => bin('le', a, b),
  JB: (a, b) => bin('ltu', a, b), JAE: (a, b) => bin('leu', b, a), JA: (a, b) => bin('ltu', b, a), JBE: (a, b) => bin('leu', a, b),
};

const HANDLERS: Record<string, Handler> = {
  NOP: (ctx, ops, mn) => { noLock(ctx, mn); arity(ctx, ops, 0, mn, 'NOP'); },
  MFENCE: (ctx, ops, mn) => { noLock(ctx, mn); arity(ctx, ops, 0, mn, mn); ctx.code.emit({ op: 'fence', kind: 'full' }, ctx.w, ctx.note); },
  LFENCE: (ctx, ops, mn) => { noLock(ctx, mn); arity(ctx, ops, 0, mn, mn); ctx.code.emit({ op: 'fence', kind: 'ld' }, ctx.w, ctx.note); },
  SFENCE: (ctx, ops, mn) => { noLock(ctx, mn); arity(ctx, ops, 0, mn, mn); ctx.code.emit({ op: 'fence', kind: 'st' }, ctx.w, ctx.note); },
  MOV: (ctx, ops, mn) => {
    noLock(ctx, mn);
    arity(ctx, ops, 2, mn, 'MOV dst, src');
    const [d, s] = ops;
    if (d.k === 'mem' && s.k !== 'mem') ctx.code.emit({ op: 'store', addr: addr(ctx, d), value: value(ctx, s, mn), order: 'plain' }, ctx.w, ctx.note);
    else if (d.k === 'reg' && s.k === 'mem') ctx.code.emit({ op: 'load', dst: ctx.code.reg(d.name), addr: addr(ctx, s), order: 'plain' }, ctx.w, ctx.note);
    else if (d.k === 'reg') ctx.code.emit({ op: 'assign', dst: ctx.code.reg(d.name), value: value(ctx, s, mn) }, ctx.w, ctx.note);
    else throw syntaxError(ctx.w, `malformed MOV: expected a register or memory destination and a register, memory or immediate source`);
  },
  XCHG: (ctx, ops, mn) => {
    arity(ctx, ops, 2, mn, 'XCHG reg, mem');
    const [a, b] = ops;
    const m = a.k === 'mem' ? a : b.k === 'mem' ? b : null;
    const r = a.k === 'reg' ? a : b.k === 'reg' ? b : null;
    if (!m || !r) throw unsupported(ctx.w, `XCHG needs a register and a memory operand (register exchange is not supported)`);
    // XCHG with memory is locked with or without the prefix.
    ctx.code.emit({ op: 'rmw', rmw: 'xchg', dst: ctx.code.reg(r.name), addr: addr(ctx, m), operand: ctx.code.regExpr(r.name), expected: null, order: 'acq_rel' }, ctx.w, ctx.note);
  },
  XADD: (ctx, ops, mn) => {
    arity(ctx, ops, 2, mn, 'XADD mem, reg');
    const [m, r] = ops;
    if (m.k !== 'mem' || r.k !== 'reg') throw syntaxError(ctx.w, `malformed XADD: expected XADD mem, reg`);
    if (!ctx.locked) throw unsupported(ctx.w, `XADD without LOCK is not atomic; write LOCK XADD`);
    ctx.code.emit({ op: 'rmw', rmw: 'add', dst: ctx.code.reg(r.name), addr: addr(ctx, m), operand: ctx.code.regExpr(r.name), expected: null, order: 'acq_rel' }, ctx.w, ctx.note);
  },
  CMPXCHG: (ctx, ops, mn) => {
    arity(ctx, ops, 2, mn, 'CMPXCHG mem, reg');
    const [m, r] = ops;
    if (m.k !== 'mem' || r.k !== 'reg') throw syntaxError(ctx.w, `malformed CMPXCHG: expected CMPXCHG mem, reg`);
    if (!ctx.locked) throw unsupported(ctx.w, `CMPXCHG without LOCK is not atomic; write LOCK CMPXCHG`);
    const acc = ctx.syntax === 'att' ? 'rax' : 'EAX'; // the accumulator it compares with
    ctx.code.emit({ op: 'rmw', rmw: 'cas', dst: ctx.code.reg(acc), addr: addr(ctx, m), operand: ctx.code.regExpr(r.name), expected: ctx.code.regExpr(acc), order: 'acq_rel' }, ctx.w, ctx.note);
  },
  INC: (ctx, ops, mn) => incdec(ctx, ops, mn, 1),
  DEC: (ctx, ops, mn) => incdec(ctx, ops, mn, -1),
  CMP: (ctx, ops, mn) => {
    noLock(ctx, mn);
    arity(ctx, ops, 2, mn, 'CMP a, b');
    ctx.code.emit({ op: 'assign', dst: ctx.code.reg(FLAG_LHS), value: value(ctx, ops[0], mn) }, ctx.w, ctx.note);
    ctx.code.emit({ op: 'assign', dst: ctx.code.reg(FLAG_RHS), value: value(ctx, ops[1], mn) }, ctx.w, ctx.note);
  },
  JMP: (ctx, ops, mn) => {
    noLock(ctx, mn);
    arity(ctx, ops, 1, mn, 'JMP label');
    if (ops[0].k !== 'label') throw syntaxError(ctx.w, `malformed JMP: expected a label`);
    ctx.code.jump(ops[0].name, ctx.w, ctx.note);
  },
};

function incdec(ctx: Ctx, ops: readonly Operand[], mn: string, delta: number): void {
  arity(ctx, ops, 1, mn, `${mn} dst`);
  const d = ops[0];
  if (d.k === 'mem') memoryRmw(ctx, d, 'add', c(delta), null);
  else { noLock(ctx, mn); const r = reg(ctx, d, mn); ctx.code.emit({ op: 'assign', dst: r, value: bin('add', { k: 'reg', r }, c(delta)) }, ctx.w, ctx.note); }
}

for (const [name, op] of Object.entries(ALU)) {
  HANDLERS[name] = (ctx, ops, mn) => {
    arity(ctx, ops, 2, mn, `${mn} dst, src`);
    const [d, s] = ops;
    if (d.k === 'mem') memoryRmw(ctx, d, op.rmw, value(ctx, s, mn), null);
    else { noLock(ctx, mn); const r = reg(ctx, d, mn); ctx.code.emit({ op: 'assign', dst: r, value: bin(op.ir, { k: 'reg', r }, value(ctx, s, mn)) }, ctx.w, ctx.note); }
  };
}
for (const [name, cond] of Object.entries(JUMPS)) {
  HANDLERS[name] = (ctx, ops, mn) => {
    noLock(ctx, mn);
    arity(ctx, ops, 1, mn, `${mn} label`);
    if (ops[0].k !== 'label') throw syntaxError(ctx.w, `malformed ${mn}: expected a label`);
    ctx.code.branch(cond(ctx.code.regExpr(FLAG_LHS), ctx.code.regExpr(FLAG_RHS)), ops[0].name, ctx.w, ctx.note);
  };
}

const LOCKABLE = ['ADD', 'SUB', 'AND', 'OR', 'XOR', 'INC', 'DEC', 'XADD', 'CMPXCHG', 'XCHG'];

export const X86_MNEMONICS: readonly string[] = [...Object.keys(HANDLERS).sort(), ...LOCKABLE.map((m) => `LOCK ${m}`)];

/** `movl` → MOV (AT&T size suffixes l and q; b and w would be mixed-size). */
function attMnemonic(word: string, w: Where): string {
  const u = word.toUpperCase();
  if (HANDLERS[u]) return u;
  const m = /^(.*)([LQBW])$/.exec(u);
  if (m && HANDLERS[m[1]]) {
    if (m[2] === 'B' || m[2] === 'W') throw unsupported(w, `unsupported instruction '${word}': 8- and 16-bit accesses would be mixed-size`);
    return m[1];
  }
  return u;
}

export function lowerX86Thread(code: ThreadCode, cells: readonly Cell[], arch: 'X86' | 'X86_64'): void {
  const syntax: Syntax = arch === 'X86' ? 'intel' : 'att';
  for (const cell of cells) {
    const w = { file: code.file, line: cell.line };
    let text = cell.text;
    const label = /^([A-Za-z_][\w.]*)\s*:\s*(.*)$/.exec(text);
    if (label) {
      code.label(label[1], w);
      text = label[2].trim();
      if (text === '') continue;
    }
    let locked = false;
    const lock = /^lock\b\s*;?\s*(.*)$/i.exec(text);
    if (lock) { locked = true; text = lock[1]; }
    const m = /^(\S+)\s*(.*)$/.exec(text);
    if (!m) throw syntaxError(w, `expected an instruction after LOCK`);
    const mnemonic = syntax === 'att' ? attMnemonic(m[1], w) : m[1].toUpperCase();
    const handler = HANDLERS[mnemonic];
    if (!handler) throw unsupportedInstruction(w, `${locked ? 'LOCK ' : ''}${m[1]}`, X86_MNEMONICS);
    if (locked && !LOCKABLE.includes(mnemonic)) throw unsupportedInstruction(w, `LOCK ${m[1]}`, X86_MNEMONICS);
    const raw = m[2].trim() === '' ? [] : splitOperands(m[2]);
    let ops = raw.map((o) => operand(o, syntax, w));
    if (syntax === 'att') ops = ops.reverse();
    handler({ code, w, note: cell.text, locked, syntax }, ops, mnemonic);
  }
}

function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((o) => o.trim());
}

/** A register name in the init block or the condition, made canonical (`eax` → `rax` in X86_64 tests). */
export function canonicalX86Register(arch: 'X86' | 'X86_64') {
  return (name: string, w: Where): string => {
    const r = x86Register(name, arch === 'X86' ? 'intel' : 'att');
    if (!r) throw syntaxError(w, `'${name}' is not an ${arch} register`);
    return r;
  };
}
