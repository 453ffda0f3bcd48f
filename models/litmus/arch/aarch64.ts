/**
 * AArch64 instructions of herd's litmus tests, parsed and given their IR meaning.
 *
 * Registers: W<n> and X<n> name the same register (X<n> in the IR and in final states);
 * values are 32-bit. WZR/XZR read as 0 and discard what is written to them. Symbolic
 * registers (`%y0`) are registers of their own, initialised by the init block.
 * Addresses are locations: `[Xn]`, `[Xn,#0]`, and `[Xn,Rm{,SXTW|UXTW|LSL #k}]`, where the
 * offset register is part of the address expression, so an address dependency through it
 * (the `EOR W2,W1,W1` idiom) is a register dependency of the access, as the IR records
 * them; a non-zero offset is an error at run time (code.ts, addOffset). Post-indexed
 * `[Xn],#imm` is accepted when the written-back register is never read again.
 *
 * Flags: CMP copies its two operands into two hidden registers, and B.cond, CSEL and
 * CSINC read them, so a control or data dependency through the flags is a register
 * dependency too.
 *
 * Orderings (aarch64.cat): LDAR/LDAXR and the A forms of LSE atomics are acquire, LDAPR is
 * acquire_pc, STLR/STLXR and the L forms are release, AL forms acq_rel. As the Arm ARM
 * says of CAS/SWP/LD<op> with A, an atomic whose destination is WZR/XZR does not load with
 * acquire semantics; its IR dst is null (a no-return atomic), as is ST<op>'s. DMB and DSB
 * with SY/ISH/OSH/NSH are `full`, with LD options `ld`, with ST options `st` (aarch64.cat
 * treats DSB as DMB and ignores shareability); ISB is `isb`.
 */
import type { Expr, LoadOrder, RmwOp, RmwOrder, StoreOrder } from '../../../checker/ir.ts';
import type { Cell } from '../table.ts';
import { addOffset, type ThreadCode } from '../code.ts';
import { syntaxError, unsupported, unsupportedInstruction, type Where } from '../errors.ts';

// ---------------------------------------------------------------------------------------
// Operands

type Reg = { readonly k: 'reg'; readonly name: string; readonly zero: boolean; readonly text: string };
type Operand =
  | Reg
  | { readonly k: 'imm'; readonly v: number; readonly text: string }
  | { readonly k: 'mem'; readonly base: Reg; readonly offset: Offset; readonly preIndex: boolean; readonly text: string }
  | { readonly k: 'shift'; readonly kind: string; readonly amount: number; readonly text: string }
  | { readonly k: 'word'; readonly name: string; readonly text: string };
type Offset =
  | { readonly k: 'none' }
  | { readonly k: 'imm'; readonly v: number }
  | { readonly k: 'reg'; readonly reg: Reg; readonly shift: number };

const EXTENDS = ['SXTW', 'UXTW', 'SXTX', 'UXTX', 'LSL'];

/** `W0` → X0; `XZR` → the zero register; `%y0` stays itself; anything else is not a register. */
export function aarch64Register(name: string): { name: string; zero: boolean } | null {
  const m = /^([WX])(\d+)$/i.exec(name);
  if (m && Number(m[2]) <= 30) return { name: `X${Number(m[2])}`, zero: false };
  if (/^[WX]ZR$/i.test(name)) return { name: 'XZR', zero: true };
  if (/^%[A-Za-z_]\w*$/.test(name)) return { name, zero: false };
  return null;
}

function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function immediate(text: string, w: Where): number {
  const m = /^#\s*(-?)(0x[0-9a-f]+|\d+)$/i.exec(text);
  if (!m) throw syntaxError(w, `malformed immediate '${text}'`);
  const v = m[2].toLowerCase().startsWith('0x') ? parseInt(m[2].slice(2), 16) : parseInt(m[2], 10);
  if (v > 0x7fffffff) throw unsupported(w, `immediate ${text} does not fit in 32 bits (xenmc's values are 32-bit)`);
  return m[1] ? -v | 0 : v;
}

function operand(text: string, w: Where): Operand {
  if (text.startsWith('#')) return { k: 'imm', v: immediate(text, w), text };
  const reg = aarch64Register(text);
  if (reg) return { k: 'reg', ...reg, text };
  if (/^W?SP$/i.test(text)) throw unsupported(w, `the stack pointer '${text}' is not supported`);
  const mem = /^\[(.*)\](!?)$/.exec(text);
  if (mem) {
    const parts = mem[1].split(',').map((p) => p.trim());
    const base = aarch64Register(parts[0]);
    if (!base || base.zero) throw syntaxError(w, `expected a base register in '${text}'`);
    const b: Reg = { k: 'reg', ...base, text: parts[0] };
    let offset: Offset = { k: 'none' };
    if (parts.length >= 2) {
      if (parts[1].startsWith('#')) {
        if (parts.length > 2) throw syntaxError(w, `malformed address '${text}'`);
        offset = { k: 'imm', v: immediate(parts[1], w) };
      } else {
        const r = aarch64Register(parts[1]);
        if (!r) throw syntaxError(w, `expected an offset register or #imm in '${text}'`);
        let shift = 0;
        if (parts.length === 3) {
          const ext = /^(\w+)(?:\s+#(\d+))?$/.exec(parts[2]);
          if (!ext || !EXTENDS.includes(ext[1].toUpperCase())) throw unsupported(w, `unsupported address extension '${parts[2]}' (supported: ${EXTENDS.join(', ')})`);
          shift = ext[2] ? Number(ext[2]) : 0;
        } else if (parts.length > 3) throw syntaxError(w, `malformed address '${text}'`);
        offset = { k: 'reg', reg: { k: 'reg', ...r, text: parts[1] }, shift };
      }
    }
    return { k: 'mem', base: b, offset, preIndex: mem[2] === '!', text };
  }
  const shift = /^(\w+)\s+#(\d+)$/.exec(text);
  if (shift) return { k: 'shift', kind: shift[1].toUpperCase(), amount: Number(shift[2]), text };
  if (/^[A-Za-z_][\w.]*$/.test(text)) return { k: 'word', name: text, text };
  throw syntaxError(w, `malformed operand '${text}'`);
}

// ---------------------------------------------------------------------------------------
// Lowering

interface Ctx {
  readonly code: ThreadCode;
  readonly w: Where;
  readonly note: string;
  /** registers read later in the thread or by the condition (for post-indexed write-back) */
  readonly readLater: (reg: string) => boolean;
}

const FLAG_LHS = 'flags.lhs';
const FLAG_RHS = 'flags.rhs';
const c = (v: number): Expr => ({ k: 'const', v });
const bin = (op: Extract<Expr, { k: 'bin' }>['op'], a: Expr, b: Expr): Expr => ({ k: 'bin', op, a, b });

function read(ctx: Ctx, r: Reg): Expr {
  return r.zero ? c(0) : ctx.code.regExpr(r.name);
}

function assign(ctx: Ctx, dst: Reg, value: Expr): void {
  if (dst.zero) return;
  ctx.code.emit({ op: 'assign', dst: ctx.code.reg(dst.name), value }, ctx.w, ctx.note);
}

/** The register a loaded value goes to; loads into the zero register still happen, into a scratch register. */
function loadDst(ctx: Ctx, r: Reg): number {
  return ctx.code.reg(r.zero ? 'XZR' : r.name);
}

function expectOps(ctx: Ctx, mnemonic: string, ops: readonly Operand[], shapes: readonly string[][], form: string): void {
  const ok = shapes.some((s) => s.length === ops.length && s.every((k, i) => k === ops[i].k || (k === 'regimm' && (ops[i].k === 'reg' || ops[i].k === 'imm'))));
  if (!ok) throw syntaxError(ctx.w, `malformed ${mnemonic}: expected ${form}`);
}

function address(ctx: Ctx, m: Extract<Operand, { k: 'mem' }>): Expr {
  if (m.preIndex) throw unsupported(ctx.w, `pre-indexed addressing '${m.text}' is not supported`);
  const base = read(ctx, m.base);
  switch (m.offset.k) {
    case 'none': return base;
    case 'imm':
      if (m.offset.v !== 0) throw unsupported(ctx.w, `address offset in '${m.text}' is not supported (litmus addresses are locations, not bytes; only #0)`);
      return base;
    case 'reg': {
      const off = read(ctx, m.offset.reg);
      return addOffset(base, m.offset.shift === 0 ? off : bin('shl', off, c(m.offset.shift)));
    }
  }
}

/** A memory operand, and a post-index immediate after it (`[X3],#4`), whose write-back must be dead. */
function memOperand(ctx: Ctx, ops: readonly Operand[], i: number, mnemonic: string): Expr {
  const m = ops[i];
  if (m?.k !== 'mem') throw syntaxError(ctx.w, `malformed ${mnemonic}: expected a memory operand [Xn...] as operand ${i + 1}`);
  const post = ops[i + 1];
  if (post !== undefined) {
    if (post.k !== 'imm' || ops.length > i + 2) throw syntaxError(ctx.w, `malformed ${mnemonic}: unexpected '${post.text}' after '${m.text}'`);
    if (m.offset.k !== 'none') throw syntaxError(ctx.w, `malformed ${mnemonic}: post-index with an offset`);
    if (ctx.readLater(m.base.name)) {
      throw unsupported(ctx.w, `post-indexed '${m.text},${post.text}' writes back an address plus ${post.v}, and ${m.base.text} is read later (litmus addresses are locations, not bytes)`);
    }
  }
  return address(ctx, m);
}

const ptr = (e: Expr) => ({ k: 'ptr' as const, e });

type CondCode = 'EQ' | 'NE' | 'GE' | 'LT' | 'GT' | 'LE' | 'HS' | 'CS' | 'LO' | 'CC' | 'HI' | 'LS' | 'MI' | 'PL' | 'AL';
const COND_CODES: readonly CondCode[] = ['EQ', 'NE', 'GE', 'LT', 'GT', 'LE', 'HS', 'CS', 'LO', 'CC', 'HI', 'LS', 'MI', 'PL', 'AL'];

function condition(ctx: Ctx, code: string): Expr {
  const cc = code.toUpperCase() as CondCode;
  if (!COND_CODES.includes(cc)) throw unsupported(ctx.w, `unsupported condition code '${code}' (supported: ${COND_CODES.join(', ')})`);
  const a = ctx.code.regExpr(FLAG_LHS), b = ctx.code.regExpr(FLAG_RHS);
  switch (cc) {
    case 'EQ': return bin('eq', a, b);
    case 'NE': return bin('ne', a, b);
    case 'GE': return bin('ge', a, b);
    case 'LT': return bin('lt', a, b);
    case 'GT': return bin('gt', a, b);
    case 'LE': return bin('le', a, b);
    case 'HS': case 'CS': return bin('leu', b, a);
    case 'LO': case 'CC': return bin('ltu', a, b);
    case 'HI': return bin('ltu', b, a);
    case 'LS': return bin('leu', a, b);
    case 'MI': return bin('lt', bin('sub', a, b), c(0));
    case 'PL': return bin('ge', bin('sub', a, b), c(0));
    case 'AL': return c(1);
  }
}

const ALU: Readonly<Record<string, Extract<Expr, { k: 'bin' }>['op']>> = { ADD: 'add', SUB: 'sub', EOR: 'xor', ORR: 'or', AND: 'and' };

function alu(ctx: Ctx, mnemonic: string, ops: readonly Operand[]): void {
  const form = `${mnemonic} Rd, Rn, (Rm | #imm) [, SXTW | UXTW | LSL #k]`;
  if (ops.length < 3 || ops.length > 4 || ops[0].k !== 'reg' || ops[1].k !== 'reg' || (ops[2].k !== 'reg' && ops[2].k !== 'imm')) throw syntaxError(ctx.w, `malformed ${mnemonic}: expected ${form}`);
  let b: Expr = ops[2].k === 'imm' ? c(ops[2].v) : read(ctx, ops[2]);
  if (ops.length === 4) {
    const sh = ops[3];
    const kind = sh.k === 'shift' ? sh.kind : sh.k === 'word' ? sh.name.toUpperCase() : '';
    if (!EXTENDS.includes(kind)) throw unsupported(ctx.w, `unsupported operand '${sh.text}' of ${mnemonic} (supported: ${EXTENDS.join(', ')})`);
    const amount = sh.k === 'shift' ? sh.amount : 0;
    if (amount !== 0) b = bin('shl', b, c(amount));
  }
  const a = read(ctx, ops[1]);
  const op = ALU[mnemonic];
  assign(ctx, ops[0], op === 'add' ? addOffset(a, b) : op === 'sub' && b.k === 'const' && b.v === 0 ? a : bin(op, a, b));
}

/** Splits `LDADDAL` into the operation and its ordering suffix. */
function atomicOrder(suffix: string, dstIsZero: boolean): RmwOrder {
  const acquire = suffix.includes('A') && !dstIsZero;
  const release = suffix.includes('L');
  return acquire && release ? 'acq_rel' : acquire ? 'acquire' : release ? 'release' : 'plain';
}

const LD_OPS: Readonly<Record<string, RmwOp>> = { ADD: 'add', CLR: 'andnot', EOR: 'xor', SET: 'or' };

type Handler = (ctx: Ctx, ops: readonly Operand[], mnemonic: string) => void;

function loadHandler(order: LoadOrder, exclusive: boolean): Handler {
  return (ctx, ops, mn) => {
    if (ops.length < 2 || ops[0].k !== 'reg') throw syntaxError(ctx.w, `malformed ${mn}: expected ${mn} Rt, [Xn]`);
    const addr = ptr(memOperand(ctx, ops, 1, mn));
    if ((order !== 'plain' || exclusive) && (ops.length > 2 || (ops[1].k === 'mem' && ops[1].offset.k !== 'none'))) {
      throw syntaxError(ctx.w, `malformed ${mn}: expected ${mn} Rt, [Xn]`);
    }
    const dst = loadDst(ctx, ops[0]);
    ctx.code.emit(exclusive ? { op: 'loadExclusive', dst, addr, order } : { op: 'load', dst, addr, order }, ctx.w, ctx.note);
  };
}

function storeHandler(order: StoreOrder): Handler {
  return (ctx, ops, mn) => {
    if (ops.length < 2 || ops[0].k !== 'reg') throw syntaxError(ctx.w, `malformed ${mn}: expected ${mn} Rt, [Xn]`);
    const addr = ptr(memOperand(ctx, ops, 1, mn));
    ctx.code.emit({ op: 'store', addr, value: read(ctx, ops[0]), order }, ctx.w, ctx.note);
  };
}

function storeExclusiveHandler(order: StoreOrder): Handler {
  return (ctx, ops, mn) => {
    if (ops.length !== 3 || ops[0].k !== 'reg' || ops[1].k !== 'reg' || ops[2].k !== 'mem' || ops[2].offset.k !== 'none') {
      throw syntaxError(ctx.w, `malformed ${mn}: expected ${mn} Ws, Rt, [Xn]`);
    }
    const status = loadDst(ctx, ops[0]);
    ctx.code.emit({ op: 'storeExclusive', status, addr: ptr(address(ctx, ops[2])), value: read(ctx, ops[1]), order }, ctx.w, ctx.note);
  };
}

/** DMB and DSB alike: aarch64.cat does not tell them apart, nor the shareability domains. */
function fenceHandler(): Handler {
  return (ctx, ops, mn) => {
    const opt = ops.length === 0 ? 'SY' : ops.length === 1 && ops[0].k === 'word' ? ops[0].name.toUpperCase() : '';
    const full = ['SY', 'ISH', 'OSH', 'NSH'];
    const ld = ['LD', 'ISHLD', 'OSHLD', 'NSHLD'];
    const st = ['ST', 'ISHST', 'OSHST', 'NSHST'];
    const k = full.includes(opt) ? 'full' : ld.includes(opt) ? 'ld' : st.includes(opt) ? 'st' : null;
    if (k === null) throw unsupported(ctx.w, `unsupported ${mn} option '${ops.map((o) => o.text).join(',')}' (supported: ${[...full, ...ld, ...st].join(', ')})`);
    ctx.code.emit({ op: 'fence', kind: k }, ctx.w, ctx.note);
  };
}

function casHandler(suffix: string): Handler {
  return (ctx, ops, mn) => {
    if (ops.length !== 3 || ops[0].k !== 'reg' || ops[1].k !== 'reg' || ops[2].k !== 'mem' || ops[2].offset.k !== 'none') {
      throw syntaxError(ctx.w, `malformed ${mn}: expected ${mn} Rs, Rt, [Xn]`);
    }
    const rs = ops[0];
    ctx.code.emit({
      op: 'rmw', rmw: 'cas', dst: rs.zero ? null : ctx.code.reg(rs.name), addr: ptr(address(ctx, ops[2])),
      operand: read(ctx, ops[1]), expected: read(ctx, rs), order: atomicOrder(suffix, rs.zero),
    }, ctx.w, ctx.note);
  };
}

function rmwHandler(rmw: RmwOp, suffix: string, noReturn: boolean): Handler {
  return (ctx, ops, mn) => {
    const n = noReturn ? 2 : 3;
    const mem = ops[n - 1];
    if (ops.length !== n || ops[0].k !== 'reg' || (!noReturn && ops[1].k !== 'reg') || mem.k !== 'mem' || mem.offset.k !== 'none') {
      throw syntaxError(ctx.w, `malformed ${mn}: expected ${noReturn ? `${mn} Rs, [Xn]` : `${mn} Rs, Rt, [Xn]`}`);
    }
    const rt = noReturn ? null : (ops[1] as Reg);
    const dstZero = rt === null || rt.zero;
    ctx.code.emit({
      op: 'rmw', rmw, dst: dstZero ? null : ctx.code.reg(rt.name), addr: ptr(address(ctx, mem)),
      operand: read(ctx, ops[0] as Reg), expected: null, order: atomicOrder(suffix, dstZero),
    }, ctx.w, ctx.note);
  };
}

const HANDLERS: Record<string, Handler> = {
  NOP: (ctx, ops, mn) => { if (ops.length) throw syntaxError(ctx.w, `malformed ${mn}: it takes no operands`); },
  MOV: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'regimm']], 'MOV Rd, (Rn | #imm)');
    assign(ctx, ops[0] as Reg, ops[1].k === 'imm' ? c(ops[1].v) : read(ctx, ops[1] as Reg));
  },
  ADD: (ctx, ops, mn) => alu(ctx, mn, ops),
  SUB: (ctx, ops, mn) => alu(ctx, mn, ops),
  EOR: (ctx, ops, mn) => alu(ctx, mn, ops),
  ORR: (ctx, ops, mn) => alu(ctx, mn, ops),
  AND: (ctx, ops, mn) => alu(ctx, mn, ops),
  CMP: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'regimm']], 'CMP Rn, (Rm | #imm)');
    ctx.code.emit({ op: 'assign', dst: ctx.code.reg(FLAG_LHS), value: read(ctx, ops[0] as Reg) }, ctx.w, ctx.note);
    ctx.code.emit({ op: 'assign', dst: ctx.code.reg(FLAG_RHS), value: ops[1].k === 'imm' ? c(ops[1].v) : read(ctx, ops[1] as Reg) }, ctx.w, ctx.note);
  },
  CSEL: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'reg', 'reg', 'word']], 'CSEL Rd, Rn, Rm, cond');
    const [d, n, m, cc] = ops as [Reg, Reg, Reg, Extract<Operand, { k: 'word' }>];
    assign(ctx, d, { k: 'ite', c: condition(ctx, cc.name), a: read(ctx, n), b: read(ctx, m) });
  },
  CSINC: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'reg', 'reg', 'word']], 'CSINC Rd, Rn, Rm, cond');
    const [d, n, m, cc] = ops as [Reg, Reg, Reg, Extract<Operand, { k: 'word' }>];
    assign(ctx, d, { k: 'ite', c: condition(ctx, cc.name), a: read(ctx, n), b: bin('add', read(ctx, m), c(1)) });
  },
  CSET: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'word']], 'CSET Rd, cond');
    assign(ctx, ops[0] as Reg, { k: 'ite', c: condition(ctx, (ops[1] as Extract<Operand, { k: 'word' }>).name), a: c(1), b: c(0) });
  },
  B: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['word']], 'B label');
    ctx.code.jump((ops[0] as Extract<Operand, { k: 'word' }>).name, ctx.w, ctx.note);
  },
  CBZ: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'word']], 'CBZ Rn, label');
    ctx.code.branch(bin('eq', read(ctx, ops[0] as Reg), c(0)), (ops[1] as Extract<Operand, { k: 'word' }>).name, ctx.w, ctx.note);
  },
  CBNZ: (ctx, ops, mn) => {
    expectOps(ctx, mn, ops, [['reg', 'word']], 'CBNZ Rn, label');
    ctx.code.branch(bin('ne', read(ctx, ops[0] as Reg), c(0)), (ops[1] as Extract<Operand, { k: 'word' }>).name, ctx.w, ctx.note);
  },
  LDR: loadHandler('plain', false),
  LDAR: loadHandler('acquire', false),
  LDAPR: loadHandler('acquire_pc', false),
  LDXR: loadHandler('plain', true),
  LDAXR: loadHandler('acquire', true),
  STR: storeHandler('plain'),
  STLR: storeHandler('release'),
  STXR: storeExclusiveHandler('plain'),
  STLXR: storeExclusiveHandler('release'),
  DMB: fenceHandler(),
  DSB: fenceHandler(),
  ISB: (ctx, ops, mn) => {
    if (ops.length > 1 || (ops.length === 1 && !(ops[0].k === 'word' && ops[0].name.toUpperCase() === 'SY'))) throw syntaxError(ctx.w, `malformed ${mn}: expected ISB`);
    ctx.code.emit({ op: 'fence', kind: 'isb' }, ctx.w, ctx.note);
  },
};

for (const suffix of ['', 'A', 'L', 'AL']) {
  HANDLERS[`CAS${suffix}`] = casHandler(suffix);
  HANDLERS[`SWP${suffix}`] = rmwHandler('xchg', suffix, false);
  for (const [name, op] of Object.entries(LD_OPS)) {
    HANDLERS[`LD${name}${suffix}`] = rmwHandler(op, suffix, false);
    if (suffix === '' || suffix === 'L') HANDLERS[`ST${name}${suffix}`] = rmwHandler(op, suffix, true);
  }
}

/** The mnemonics, as the unsupported-instruction message lists them. */
export const AARCH64_MNEMONICS: readonly string[] = [...Object.keys(HANDLERS), 'B.cond'].sort();

// ---------------------------------------------------------------------------------------
// A thread

/** Registers a cell's instruction reads (for the post-index write-back check), by canonical name. */
function registersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/%?[A-Za-z_]\w*/g)) {
    const r = aarch64Register(m[0]);
    if (r && !r.zero) out.push(r.name);
  }
  return out;
}

/**
 * Lowers one thread's cells into `code`. `observedRegs` are the registers the condition and
 * `locations` name for this thread.
 */
export function lowerAArch64Thread(code: ThreadCode, cells: readonly Cell[], observedRegs: ReadonlySet<string>): void {
  cells.forEach((cell, i) => {
    const w = { file: code.file, line: cell.line };
    const label = /^([A-Za-z_][\w.]*)\s*:\s*(.*)$/.exec(cell.text);
    let text = cell.text;
    if (label && !aarch64Register(label[1])) {
      code.label(label[1], w);
      text = label[2].trim();
      if (text === '') return;
    }
    const m = /^(\S+)\s*(.*)$/.exec(text)!;
    const mnemonic = m[1].toUpperCase();
    const ops = splitOperands(m[2]).map((o) => operand(o, w));
    const later = new Set([...observedRegs, ...cells.slice(i + 1).flatMap((c) => registersIn(c.text.replace(/^([A-Za-z_][\w.]*)\s*:/, '')))]);
    const ctx: Ctx = { code, w, note: text, readLater: (r) => later.has(r) };
    if (mnemonic.startsWith('B.')) {
      expectOps(ctx, mnemonic, ops, [['word']], `${mnemonic} label`);
      code.branch(condition(ctx, mnemonic.slice(2)), (ops[0] as Extract<Operand, { k: 'word' }>).name, w, text);
      return;
    }
    const handler = HANDLERS[mnemonic];
    if (!handler) throw unsupportedInstruction(w, m[1], AARCH64_MNEMONICS);
    handler(ctx, ops, mnemonic);
  });
}

/** A register name in the init block or the condition: X<n> for W<n> and X<n>. */
export function canonicalAArch64Register(name: string, w: Where): string {
  const r = aarch64Register(name);
  if (!r || r.zero) throw syntaxError(w, `'${name}' is not an AArch64 register (W0-W30, X0-X30)`);
  return r.name;
}
