/**
 * The litmus front end: the format's tricky points (README of ../shared/litmus), the IR
 * each instruction becomes (orderings, no-return atomics, exclusives, dependencies through
 * registers), the errors a bad file gets (one line: file, line, what is supported), and
 * every file of the corpus parsing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLitmus, type LitmusOutcome } from '../../../checker/litmus.ts';
import { compileProgram } from '../../../checker/compile.ts';
import type { Instr, Program } from '../../../checker/ir.ts';
import { POINTER_BASE } from '../../../checker/ir.ts';
import { isInputError } from '../../../checker/errors.ts';
import { Printer } from '../../../checker/print.ts';
import { LitmusSyntaxError, LitmusUnsupportedError, parseLitmus, type LitmusTest } from '../../../models/litmus/index.ts';
import { sharedPath } from '../../shared.ts';

const parse = (text: string, file = 't.litmus'): LitmusTest => parseLitmus(file, text);
const ir = (text: string, mm: 'sc' | 'tso' = 'sc'): Program => parse(text).program(mm).program;
const run = (text: string, mm: 'sc' | 'tso' = 'sc', opts = {}): LitmusOutcome => runLitmus(parse(text), { mm, ...opts });
const finals = (o: LitmusOutcome): string[] => o.finals.map((f) => `${f.satisfies ? '*' : ' '}${Object.entries(f.values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
const code = (p: Program, t = 0): Instr[] => [...p.threads[t].code];
const strip = (i: Instr): object => { const { src: _s, note: _n, ...rest } = i; return rest; };

/** The one-line message of the error parsing `text` throws. */
function errorOf(text: string, file = 't.litmus'): { kind: 'syntax' | 'unsupported'; line: string } {
  try {
    parse(text, file).program('sc');
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { kind: e instanceof LitmusUnsupportedError ? 'unsupported' : e instanceof LitmusSyntaxError ? 'syntax' : (() => { throw e; })(), line: e.oneLine() };
  }
  throw new Error('expected an error');
}

const corpus = (folder: string): string[] => {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.litmus')) out.push(path.join(d, e.name));
    }
  };
  walk(sharedPath('litmus', folder));
  return out.sort();
};

describe('the corpus', () => {
  it('every x86 and AArch64 file parses and compiles to IR (73 + 168)', () => {
    const files = [...corpus('x86'), ...corpus('aarch64')];
    expect(files).toHaveLength(241);
    for (const f of files) {
      const t = parseLitmus(f, readFileSync(f, 'utf8'));
      expect(() => compileProgram(t.program('sc').program, 0), f).not.toThrow();
    }
  });

  it('every Linux-kernel file parses, for tso and sc, except the one with synchronize_rcu', () => {
    const bad: string[] = [];
    for (const f of corpus('linux')) {
      try {
        const t = parseLitmus(f, readFileSync(f, 'utf8'));
        t.program('tso');
        t.program('sc');
      } catch (e) {
        if (!isInputError(e)) throw e;
        bad.push(`${path.basename(f)}: ${e.message}`);
      }
    }
    expect(bad).toEqual(["C-RomanPenyaev-list-rcu-rr.litmus: unsupported primitive 'synchronize_rcu': an RCU grace period is not one instruction; RCU is not modelled"]);
  });
});

describe('the format', () => {
  const SB_X86 = `X86 SB
"PodWR Fre PodWR Fre"
Cycle=Fre PodWR Fre PodWR
Com=Fr Fr
{
}
 P0          | P1          ;
 MOV [x],$1  | MOV [y],$1  ;
 MOV EAX,[y] | MOV EAX,[x] ;
exists
(0:EAX=0 /\\ 1:EAX=0)
`;

  it('header, doc string, Key=value metadata, an empty init block, the thread table and a condition on the next line', () => {
    const t = parse(SB_X86);
    expect(t).toMatchObject({ name: 'SB', arch: 'X86', doc: 'PodWR Fre PodWR Fre' });
    expect(t.meta.map((m) => [m.key, m.value, m.line])).toEqual([['Cycle', 'Fre PodWR Fre PodWR', 3], ['Com', 'Fr Fr', 4]]);
    expect(t.condition.quantifier).toBe('exists');
    const o = run(SB_X86, 'tso');
    expect(o.verdict).toBe('Allowed');
    expect(finals(o)).toEqual(['*0:EAX=0 1:EAX=0', ' 0:EAX=0 1:EAX=1', ' 0:EAX=1 1:EAX=0', ' 0:EAX=1 1:EAX=1']);
    expect(finals(run(SB_X86, 'sc'))).toEqual([' 0:EAX=0 1:EAX=1', ' 0:EAX=1 1:EAX=0', ' 0:EAX=1 1:EAX=1']);
  });

  it('X86_64 in AT&T syntax: source first, %eax and %rax are one register, named rax in the condition; uint64_t declarations; [x] in a condition', () => {
    const t = `X86_64 MP
Align=
{
uint64_t y; uint64_t x; uint64_t 1:rax;
}
 P0          | P1            ;
 movl $1,(x) | movl (y),%eax ;
 movq $1,(y) | movq (x),%rbx ;
exists ([x]=1 /\\ 1:rax=1 /\\ 1:rbx=0)
`;
    const p = ir(t);
    expect(p.locations.map((l) => l.name)).toEqual(['y', 'x']);
    expect(p.threads[1].regs.map((r) => r.name)).toEqual(['rax', 'rbx']);
    expect(code(p, 1).map(strip)).toEqual([
      { op: 'load', dst: 0, addr: { k: 'loc', loc: 0, index: null }, order: 'plain' },
      { op: 'load', dst: 1, addr: { k: 'loc', loc: 1, index: null }, order: 'plain' },
    ]);
    const o = run(t, 'tso');
    expect(o.verdict).toBe('Forbidden');
    expect(finals(o)).toEqual([' x=1 1:rax=0 1:rbx=0', ' x=1 1:rax=0 1:rbx=1', ' x=1 1:rax=1 1:rbx=1']);
  });

  it('OCaml comments anywhere, nested, in cells and after the condition; a label alone in a cell; a trailing ; after the condition; a header name ending in .litmus', () => {
    const t = `(* a comment (* nested *) before the header *)
AArch64 T.litmus
{ 0:X1=x; }
 P0                        ;
 LDR W0,[X1] (* a load *)  ;
 CBNZ W0,L0                ;
 MOV W2,#1                 ;
 L0:                       ;
exists (0:X0=0 /\\ 0:X2=1); (* done *)
`;
    const p = parse(t);
    expect(p.name).toBe('T');
    expect(finals(run(t))).toEqual(['*0:X0=0 0:X2=1']);
  });

  it('locations [...] adds what the final states show, before the condition\'s own; ~exists and forall keep herd\'s sense of Allowed', () => {
    const t = (q: string) => `AArch64 Q
{ x=1; 0:X1=x; }
 P0          ;
 LDR W0,[X1] ;
locations [x;]
${q} (0:X0=1)
`;
    for (const q of ['exists', '~exists', 'forall']) {
      const o = run(t(q));
      expect(o.verdict, q).toBe('Allowed');
      expect(finals(o)).toEqual(['*x=1 0:X0=1']);
    }
    expect(run(t('exists')).expectationHolds).toBe(true);
    expect(run(t('~exists')).expectationHolds).toBe(false);
    expect(run(t('forall')).expectationHolds).toBe(true);
  });

  it('conditions: /\\ binds tighter than \\/, ~ and not negate, parentheses group', () => {
    const t = (c: string) => `AArch64 C
{ x=1; y=2; }
 P0  ;
 NOP ;
exists ${c}
`;
    const verdict = (c: string) => run(t(c)).verdict;
    expect(verdict('x=0 /\\ y=0 \\/ x=1')).toBe('Allowed');
    expect(verdict('x=0 /\\ (y=0 \\/ x=1)')).toBe('Forbidden');
    expect(verdict('~x=0 /\\ not (y=3)')).toBe('Allowed');
    expect(verdict('~(x=1 /\\ y=2)')).toBe('Forbidden');
    expect(verdict('true')).toBe('Allowed');
  });
});

describe('AArch64 instructions in the IR', () => {
  const one = (line: string, init = '0:X1=x; 0:X3=y;'): Instr[] => code(ir(`AArch64 I
{ ${init} }
 P0 ;
 ${line} ;
exists (x=0)
`)).map((i) => strip(i) as Instr);
  /** The instruction as traces print it, registers by name. */
  const text = (line: string): string => {
    const p = ir(`AArch64 I\n{ 0:X1=x; 0:X3=y; }\n P0 ;\n ${line} ;\nexists (x=0)\n`);
    return new Printer(p).instr(p.threads[0].code[0], p.threads[0]);
  };

  it('W and X name one register; WZR reads 0 and writes nowhere; symbolic registers take their init values', () => {
    const p = ir(`AArch64 R
{ %y0=y; 0:X0=-1; }
 P0           ;
 MOV W0,#5    ;
 ADD X2,X0,#1 ;
 MOV W3,WZR   ;
 MOV WZR,W0   ;
 STR W0,[%y0] ;
exists (0:X2=6)
`);
    expect(p.threads[0].regs).toEqual([{ name: 'X0', init: -1 }, { name: 'X2', init: 0 }, { name: 'X3', init: 0 }, { name: '%y0', init: POINTER_BASE }]);
    expect(code(p).map((i) => i.op)).toEqual(['assign', 'assign', 'assign', 'store']);
    expect((code(p)[2] as Extract<Instr, { op: 'assign' }>).value).toEqual({ k: 'const', v: 0 });
  });

  it('orderings: LDAR acquire, LDAPR acquire_pc, STLR release; DMB SY/LD/ST full/ld/st; DSB as DMB; ISB', () => {
    expect(one('LDAR W0,[X1]')[0]).toMatchObject({ op: 'load', order: 'acquire' });
    expect(one('LDAPR W0,[X1]')[0]).toMatchObject({ op: 'load', order: 'acquire_pc' });
    expect(one('STLR W0,[X1]')[0]).toMatchObject({ op: 'store', order: 'release' });
    expect(['DMB SY', 'DMB ISH', 'DMB LD', 'DMB ISHLD', 'DMB ST', 'DSB SY', 'ISB'].map((l) => one(l)[0])).toEqual([
      { op: 'fence', kind: 'full' }, { op: 'fence', kind: 'full' }, { op: 'fence', kind: 'ld' }, { op: 'fence', kind: 'ld' },
      { op: 'fence', kind: 'st' }, { op: 'fence', kind: 'full' }, { op: 'fence', kind: 'isb' },
    ]);
  });

  it('exclusives: LDXR/LDAXR load-exclusive, STXR/STLXR store-exclusive with the status register', () => {
    expect(text('LDAXR W0,[X1]')).toBe('X0 := load-exclusive.acquire *X1');
    expect(text('LDXR W0,[X1]')).toBe('X0 := load-exclusive *X1');
    expect(text('STLXR W2,W0,[X1]')).toBe('X2 := store-exclusive.release *X1 := X0');
    expect(text('STXR W2,W0,[X1]')).toBe('X2 := store-exclusive *X1 := X0');
  });

  it('LSE atomics: CAS compares Rs and returns into it; SWP and LD<op> return into Rt; A/L/AL orderings; a WZR destination is a no-return atomic without acquire', () => {
    expect(text('CAS W0,W4,[X1]')).toBe('X0 := cas *X1, X0 → X4');
    expect(one('CAS W0,W4,[X1]')[0]).toMatchObject({ op: 'rmw', rmw: 'cas', order: 'plain' });
    expect(one('CASAL W0,W4,[X1]')[0]).toMatchObject({ rmw: 'cas', order: 'acq_rel' });
    expect(one('CASA WZR,W4,[X1]')[0]).toMatchObject({ rmw: 'cas', dst: null, expected: { k: 'const', v: 0 }, order: 'plain' });
    expect(text('SWPA W4,W2,[X3]')).toBe('X2 := xchg.acquire *X3, X4');
    expect(one('SWPA W4,WZR,[X3]')[0]).toMatchObject({ rmw: 'xchg', dst: null, order: 'plain' });
    expect(one('SWPL W4,W2,[X3]')[0]).toMatchObject({ order: 'release' });
    expect(text('LDADDAL W4,W2,[X3]')).toBe('X2 := add.acq_rel *X3, X4');
    expect(one('LDCLR W4,W2,[X3]')[0]).toMatchObject({ rmw: 'andnot' });
    expect(one('LDEORL W4,W2,[X3]')[0]).toMatchObject({ rmw: 'xor', order: 'release' });
    expect(one('LDSETA W4,W2,[X3]')[0]).toMatchObject({ rmw: 'or', order: 'acquire' });
    expect(one('STADDL W4,[X3]')[0]).toMatchObject({ rmw: 'add', dst: null, order: 'release' });
    expect(one('STADD W4,[X3]')[0]).toMatchObject({ rmw: 'add', dst: null, order: 'plain' });
  });

  it('dependencies flow through registers: the EOR idiom is an address dependency, CSEL a data dependency through the flags, CBNZ a control dependency', () => {
    const p = ir(`AArch64 D
{ 0:X2=y; 0:X6=z; 0:X10=x; }
 P0                   ;
 LDR W1,[X2]          ;
 EOR W8,W1,W1         ;
 LDR W9,[X10,W8,SXTW] ;
 CMP W1,#1            ;
 CSEL W3,W4,W5,EQ     ;
 STR W3,[X6]          ;
 CBNZ W1,L            ;
 L:                   ;
exists (0:X9=0)
`);
    const cp = compileProgram(p, 0);
    const regs = p.threads[0].regs.map((r) => r.name);
    const name = (abs: Int32Array) => [...abs].map((i) => regs[i - cp.layout.regBase[0]]);
    const c = cp.threads[0].code;
    expect(name(c[2].depAddr)).toEqual(['X8', 'X10'].sort((a, b) => regs.indexOf(a) - regs.indexOf(b)));
    expect(name(c[1].depSources)).toEqual(['X1']);
    expect(name(c[3].depSources)).toEqual(['X1']);
    expect(name(c[5].depSources)).toEqual(['flags.lhs', 'flags.rhs', 'X4', 'X5'].sort((a, b) => regs.indexOf(a) - regs.indexOf(b)));
    expect(name(c[6].depData)).toEqual(['X3']);
    expect(name(c[7].depCtrl)).toEqual(['X1']);
  });

  it('an address plus a non-zero register offset is a run-time error, not another location', () => {
    const o = run(`AArch64 Off
{ 0:X1=x; 0:X2=1; }
 P0                  ;
 LDR W0,[X1,W2,SXTW] ;
exists (0:X0=0)
`);
    expect(o.verdict).toBe('Error');
    expect(o.error).toBe('t.litmus:4: run-time error: an access through an address plus a non-zero offset (litmus addresses are locations, not bytes: x+4 would be another, mixed-size location)');
  });

  it('post-indexed addressing is accepted when the written-back register is dead', () => {
    expect(one('STR W2,[X3],#4')[0]).toMatchObject({ op: 'store' });
    expect(errorOf(`AArch64 P
{ 0:X3=x; }
 P0             ;
 STR W2,[X3],#4 ;
 LDR W0,[X3]    ;
exists (0:X0=0)
`).line).toBe("t.litmus:4: post-indexed '[X3],#4' writes back an address plus 4, and X3 is read later (litmus addresses are locations, not bytes)");
  });
});

describe('x86 instructions in the IR', () => {
  const one = (line: string, arch = 'X86'): Instr[] => code(ir(`${arch} I
{ }
 P0 ;
 ${line} ;
exists (x=0)
`)).map((i) => strip(i) as Instr);

  it('MOV as store, load and register move; MFENCE full; LFENCE ld; SFENCE st', () => {
    expect(one('MOV [x],$1')[0]).toEqual({ op: 'store', addr: { k: 'loc', loc: 0, index: null }, value: { k: 'const', v: 1 }, order: 'plain' });
    expect(one('MOV EAX,[x]')[0]).toMatchObject({ op: 'load', dst: 0 });
    expect(one('MOV EAX,$-3')[0]).toEqual({ op: 'assign', dst: 0, value: { k: 'const', v: -3 } });
    expect(['MFENCE', 'LFENCE', 'SFENCE'].map((l) => one(l)[0])).toEqual([{ op: 'fence', kind: 'full' }, { op: 'fence', kind: 'ld' }, { op: 'fence', kind: 'st' }]);
  });

  it('XCHG is a locked exchange with or without LOCK; LOCK XADD, LOCK CMPXCHG (against the accumulator), LOCK INC are atomic; INC without LOCK is a load and a store', () => {
    expect(one('XCHG [x],EAX')[0]).toMatchObject({ op: 'rmw', rmw: 'xchg', dst: 0, order: 'acq_rel' });
    expect(one('xchgl %eax,(x)', 'X86_64')[0]).toMatchObject({ op: 'rmw', rmw: 'xchg', dst: 0 });
    expect(one('LOCK XADD [x],EBX')[0]).toMatchObject({ op: 'rmw', rmw: 'add', dst: 0 });
    const p = ir('X86 C\n{ }\n P0 ;\n LOCK CMPXCHG [x],EBX ;\nexists (x=0)\n');
    expect(new Printer(p).instr(p.threads[0].code[0], p.threads[0])).toBe('EAX := cas.acq_rel x, EAX → EBX');
    expect(one('lock incl (x)', 'X86_64')[0]).toMatchObject({ op: 'rmw', rmw: 'add', dst: null, operand: { k: 'const', v: 1 } });
    expect(one('INC [x]').map((i) => i.op)).toEqual(['load', 'store']);
  });

  it('an XCHG test (the hidden set has one): SB with exchanges is forbidden under TSO', () => {
    const o = run(`X86 SB+xchgs
{ }
 P0           | P1           ;
 MOV EAX,$1   | MOV EAX,$1   ;
 XCHG [x],EAX | XCHG [y],EAX ;
 MOV EBX,[y]  | MOV EBX,[x]  ;
exists (0:EBX=0 /\\ 1:EBX=0)
`, 'tso');
    expect(o.verdict).toBe('Forbidden');
    expect(finals(o)).toEqual([' 0:EBX=0 1:EBX=1', ' 0:EBX=1 1:EBX=0', ' 0:EBX=1 1:EBX=1']);
  });
});

describe('bad input: one line with the file, the line and what is supported', () => {
  it('an unsupported AArch64 instruction lists the supported ones', () => {
    const e = errorOf(`AArch64 U
{ }
 P0            ;
 MOV W0,#1     ;
 LDSMAX W0,W1,[X2] ;
exists (0:X0=1)
`, 'dir/u.litmus');
    expect(e.kind).toBe('unsupported');
    expect(e.line).toMatch(/^dir\/u\.litmus:5: unsupported instruction 'LDSMAX' \(supported: ADD, AND, B, B\.cond, CAS, CASA, CASAL, CASL, CBNZ, CBZ, CMP, CSEL, CSET, CSINC, DMB, DSB, EOR, ISB, LDADD, .*STXR, SUB, SWP, SWPA, SWPAL, SWPL\)$/);
    expect(e.line.split('\n')).toHaveLength(1);
  });

  it('an unsupported x86 instruction, a mixed-size access, an architecture, a C primitive', () => {
    expect(errorOf('X86 U\n{ }\n P0 ;\n CPUID ;\nexists (x=0)\n').line).toMatch(/^t\.litmus:4: unsupported instruction 'CPUID' \(supported: .*MFENCE, MOV, .*XCHG, .*LOCK XADD/);
    expect(errorOf('X86_64 U\n{ }\n P0 ;\n movb $1,(x) ;\nexists (x=0)\n').line).toBe("t.litmus:4: unsupported instruction 'movb': 8- and 16-bit accesses would be mixed-size");
    expect(errorOf('PPC U\n{ }\n P0 ;\n sync ;\nexists (x=0)\n').line).toBe("t.litmus:1: unsupported architecture 'PPC' (supported: X86, X86_64, AArch64, C)");
    expect(errorOf('C U\n{ }\nP0(int *x)\n{\n\tcall_rcu(x);\n}\nexists (x=0)\n').line).toBe("t.litmus:5: unsupported primitive 'call_rcu': RCU callbacks are not modelled");
    expect(errorOf('C U\n{ }\nP0(int *x)\n{\n\tfoo(x);\n}\nexists (x=0)\n').line).toMatch(/^t\.litmus:5: unsupported primitive 'foo' \(supported: .*READ_ONCE.*smp_load_acquire/);
    expect(errorOf('AArch64 U\n{ 0:X1=x; }\n P0 ;\n LDR W0,[X1,#4] ;\nexists (x=0)\n').line).toBe("t.litmus:4: address offset in '[X1,#4]' is not supported (litmus addresses are locations, not bytes; only #0)");
  });

  it('malformed files: no condition, a bad thread header, an undefined label, a register that is not one, a missing thread', () => {
    expect(errorOf('X86 M\n{ }\n P0 ;\n MOV [x],$1 ;\n').line).toBe('t.litmus:4: no final condition (exists, ~exists or forall) after the program');
    expect(errorOf('X86 M\n{ }\n P0 | P2 ;\n MOV [x],$1 | MOV [y],$1 ;\nexists (x=1)\n').line).toBe("t.litmus:3: expected thread name 'P1' in the table header, found 'P2'");
    expect(errorOf('AArch64 M\n{ }\n P0 ;\n B L9 ;\nexists (x=1)\n').line).toBe("t.litmus:4: thread P0 branches to label 'L9', which it does not define");
    expect(errorOf('AArch64 M\n{ }\n P0 ;\n NOP ;\nexists (0:Q7=1)\n').line).toBe("t.litmus:5: 'Q7' is not an AArch64 register (W0-W30, X0-X30)");
    expect(errorOf('AArch64 M\n{ }\n P0 ;\n NOP ;\nexists (3:X0=1)\n').line).toBe('t.litmus:5: there is no thread P3 (the test has 1)');
    expect(errorOf('AArch64 M\n{ }\n P0 ;\n MOV W0 #1 ;\nexists (0:X0=1)\n').line).toBe('t.litmus:4: malformed MOV: expected MOV Rd, (Rn | #imm)');
    expect(errorOf('X86 M\n{ x=; }\n P0 ;\n NOP ;\nexists (x=1)\n').kind).toBe('syntax');
    for (const t of ['X86 M\n{ }\n P0 ;\n NOP ;\nexists (x=1 /\\)\n', 'X86 M\n{ }\n P0 ;\n NOP ;\nexists x=1 x=2\n', 'X86\n{ }\n']) {
      const e = errorOf(t);
      expect(e.kind, t).toBe('syntax');
      expect(e.line).toMatch(/^t\.litmus:\d+: /);
    }
  });
});

describe('Linux-kernel C', () => {
  const MP = `C MP+pooncerelease+poacquireonce
(* Result: Never *)
{}

P0(int *buf, int *flag) // Producer
{
	WRITE_ONCE(*buf, 1);
	smp_store_release(flag, 1);
}

P1(int *buf, int *flag) /* Consumer */
{
	int r0;
	int r1;

	r0 = smp_load_acquire(flag);
	r1 = READ_ONCE(*buf);
}

exists (1:r0=1 /\\ 1:r1=0) (* Bad outcome. *)
`;

  it('each primitive is what the kernel compiles it to: plain accesses under x86, STLR/LDAR under arm64 (the mapping table of models/xen/linux-kernel.ts)', () => {
    const t = parse(MP);
    const ops = (mm: 'sc' | 'tso' | 'pso' | 'armv8') => t.program(mm).program.threads.map((th) => th.code.map((i) => (i.op === 'fence' ? `fence ${i.kind}` : `${i.op}${'order' in i && i.order !== 'plain' ? `.${i.order}` : ''}`)));
    expect(ops('tso')).toEqual([['store', 'store'], ['load', 'load']]);
    expect(ops('armv8')).toEqual([['store', 'store.release'], ['load.acquire', 'load']]);
    expect(ops('pso')).toEqual([['store', 'fence full', 'store'], ['load', 'fence full', 'load']]);
    expect(run(MP, 'tso').verdict).toBe('Forbidden');
  });

  it('a C test needs a memory model', () => {
    const o = runLitmus(parse(MP));
    expect(o.verdict).toBe('Error');
    expect(o.error).toMatch(/a Linux-kernel C test needs a memory model: --mm sc \| tso/);
  });

  it('plain accesses, pointers, casts, if/else and short-circuit && keep C\'s evaluation order', () => {
    const t = `C P
{ int *p = &y; int y = 5; }
P0(int **p, int *x, int *z)
{
	int *r0;
	int r1 = 0;
	int r2;

	r0 = (int *)READ_ONCE(*p);
	r1 = *r0;
	if (r1 == 5 && READ_ONCE(*x) == 0) {
		*z = r1 + 1;
	} else {
		r2 = 9;
	}
}
exists (0:r0=y /\\ 0:r1=5 /\\ z=6 /\\ 0:r2=0)
`;
    expect(finals(run(t, 'sc'))).toEqual(['*0:r0=y 0:r1=5 z=6 0:r2=0']);
  });

  it('cmpxchg returns the old value and writes only on a match; atomic_add_unless adds unless at the limit', () => {
    const t = `C A
{ int x = 1; atomic_t v = 4; }
P0(int *x, atomic_t *v)
{
	int r0; int r1; int r2;
	r0 = cmpxchg(x, 1, 7);
	r1 = cmpxchg(x, 1, 9);
	r2 = atomic_add_unless(v, 1, 5);
	r3 = atomic_add_unless(v, 1, 5);
}
exists (0:r0=1 /\\ 0:r1=7 /\\ x=7 /\\ 0:r2=1 /\\ 0:r3=0 /\\ v=5)
`;
    const o = run(t, 'tso');
    expect(finals(o)).toEqual(['*0:r0=1 0:r1=7 x=7 0:r2=1 0:r3=0 v=5']);
  });

  it('spin locks: spin_lock waits for the lock and takes it, spin_unlock releases it, so critical sections exclude each other', () => {
    const t = `C L
{}
P0(int *x, spinlock_t *s)
{
	int r0;
	spin_lock(s);
	r0 = READ_ONCE(*x);
	WRITE_ONCE(*x, r0 + 1);
	spin_unlock(s);
}
P1(int *x, spinlock_t *s)
{
	int r0;
	spin_lock(s);
	r0 = READ_ONCE(*x);
	WRITE_ONCE(*x, r0 + 1);
	spin_unlock(s);
}
exists (x=1)
`;
    for (const mm of ['sc', 'tso'] as const) {
      const o = run(t, mm);
      expect(o.verdict, mm).toBe('Forbidden');
      expect(finals(o)).toEqual([' x=2']);
    }
  });
});
