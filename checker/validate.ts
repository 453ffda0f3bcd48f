/**
 * Static checks on a Program, whichever front end produced it. Each failure is an
 * InputError that names the source position of the offending element, so a user model
 * fails with "model.ts:42: register 'r1' of thread 'P0' is read before it is set".
 */
import { match } from 'ts-pattern';
import type { Addr, Expr, Instr, Program, SourcePos, Thread } from './ir.ts';
import { VISIBLE_OPS } from './ir.ts';
import { modelError } from './errors.ts';

/** Instruction indices control can move to after `pc` (the code length means "finished"). */
export function successorsOf(code: readonly Instr[], pc: number): number[] {
  const ins = code[pc];
  return match(ins)
    .with({ op: 'branch' }, (i) => [pc + 1, i.target])
    .with({ op: 'jump' }, (i) => [i.target])
    .with({ op: 'select' }, (i) => [...i.targets])
    .otherwise(() => [pc + 1]);
}

export const isVisible = (ins: Instr): boolean => VISIBLE_OPS.has(ins.op);

/** Registers an expression reads. */
export function exprRegs(e: Expr, out: Set<number> = new Set()): Set<number> {
  match(e)
    .with({ k: 'reg' }, (x) => { out.add(x.r); })
    .with({ k: 'ghost' }, (x) => { if (x.index) exprRegs(x.index, out); })
    .with({ k: 'un' }, (x) => { exprRegs(x.a, out); })
    .with({ k: 'bin' }, (x) => { exprRegs(x.a, out); exprRegs(x.b, out); })
    .with({ k: 'ite' }, (x) => { exprRegs(x.c, out); exprRegs(x.a, out); exprRegs(x.b, out); })
    .with({ k: 'mem' }, (x) => { addrRegs(x.addr, out); })
    .with({ k: 'const' }, { k: 'treg' }, { k: 'at' }, { k: 'done' }, () => {})
    .exhaustive();
  return out;
}

export function addrRegs(a: Addr, out: Set<number> = new Set()): Set<number> {
  if (a.k === 'loc') { if (a.index) exprRegs(a.index, out); } else exprRegs(a.e, out);
  return out;
}

/** The expressions an instruction evaluates, with whether each is read before the instruction's own definition. */
function readsOf(ins: Instr): { before: Expr[]; after: Expr[]; addrs: Addr[] } {
  return match(ins)
    .with({ op: 'load' }, { op: 'loadExclusive' }, (i) => ({ before: [], after: [], addrs: [i.addr] }))
    .with({ op: 'store' }, { op: 'storeExclusive' }, (i) => ({ before: [i.value], after: [], addrs: [i.addr] }))
    .with({ op: 'rmw' }, (i) => ({ before: [i.operand, ...(i.expected ? [i.expected] : [])], after: [], addrs: [i.addr] }))
    .with({ op: 'await' }, (i) => ({
      before: i.access.kind === 'rmw' ? [i.access.operand, ...(i.access.expected ? [i.access.expected] : [])] : [],
      after: [i.cond],
      addrs: [i.access.addr],
    }))
    .with({ op: 'assign' }, (i) => ({ before: [i.value], after: [], addrs: [] }))
    .with({ op: 'setGhost' }, (i) => ({ before: [i.value, ...(i.index ? [i.index] : [])], after: [], addrs: [] }))
    .with({ op: 'branch' }, (i) => ({ before: [i.cond], after: [], addrs: [] }))
    .with({ op: 'assert' }, (i) => ({ before: [i.cond], after: [], addrs: [] }))
    .with({ op: 'guard' }, (i) => ({ before: [i.cond], after: [], addrs: [] }))
    .with({ op: 'fence' }, { op: 'select' }, { op: 'atomicBegin' }, { op: 'atomicEnd' }, { op: 'skip' }, { op: 'jump' }, { op: 'choose' }, () => ({ before: [], after: [], addrs: [] }))
    .exhaustive();
}

/** The register an instruction defines, if any. */
export function definedReg(ins: Instr): number | null {
  return match(ins)
    .with({ op: 'load' }, { op: 'loadExclusive' }, { op: 'assign' }, { op: 'choose' }, (i) => i.dst)
    .with({ op: 'storeExclusive' }, (i) => i.status)
    .with({ op: 'rmw' }, (i) => i.dst)
    .with({ op: 'await' }, (i) => i.access.dst)
    .otherwise(() => null);
}

function hasObserver(e: Expr): boolean {
  return match(e)
    .with({ k: 'mem' }, { k: 'treg' }, { k: 'at' }, { k: 'done' }, () => true)
    .with({ k: 'const' }, { k: 'reg' }, () => false)
    .with({ k: 'ghost' }, (x) => (x.index ? hasObserver(x.index) : false))
    .with({ k: 'un' }, (x) => hasObserver(x.a))
    .with({ k: 'bin' }, (x) => hasObserver(x.a) || hasObserver(x.b))
    .with({ k: 'ite' }, (x) => hasObserver(x.c) || hasObserver(x.a) || hasObserver(x.b))
    .exhaustive();
}

function usesThreadReg(e: Expr): boolean {
  return exprRegs(e).size > 0;
}

/**
 * The instruction indices where a thread can rest between steps: pc 0, every visible
 * instruction reached through local code after a step, and the end. Labels used by
 * `at()` and end labels must be among these, or they could never be observed.
 */
export function restingPcs(thread: Thread): Set<number> {
  const code = thread.code;
  const end = code.length;
  const resting = new Set<number>();
  const work: number[] = [0];
  resting.add(0);
  // From a resting pc, take one step and follow local code to the next resting points.
  const afterStep = (pc: number): number[] => {
    if (pc >= end) return [];
    const ins = code[pc];
    if (ins.op === 'select') return ins.targets.flatMap((t) => (t < end && isVisible(code[t]) ? afterVisible(t) : []));
    if (isVisible(ins)) return afterVisible(pc);
    return followLocal([pc]);
  };
  const afterVisible = (pc: number): number[] => {
    const ins = code[pc];
    const next = ins.op === 'atomicBegin' ? ins.end + 1 : pc + 1;
    return followLocal([next]);
  };
  const followLocal = (starts: number[]): number[] => {
    const seen = new Set<number>();
    const out: number[] = [];
    const stack = [...starts];
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      if (p >= end || isVisible(code[p])) { out.push(p); continue; }
      stack.push(...successorsOf(code, p));
    }
    return out;
  };
  while (work.length) {
    const pc = work.pop()!;
    for (const n of afterStep(pc)) {
      if (!resting.has(n)) { resting.add(n); work.push(n); }
    }
  }
  return resting;
}

export function validateProgram(program: Program): void {
  if (program.threads.length === 0) throw modelError(`model '${program.name}' has no threads`, null);
  const assertionIds = new Set(program.properties.filter((p) => p.kind === 'assertion').map((p) => p.id));
  for (const t of program.threads) validateThread(program, t, assertionIds);
  for (const p of program.properties) {
    const preds: Expr[] = p.kind === 'invariant' || p.kind === 'final' ? [p.pred] : p.kind === 'deadlock' && p.where ? [p.where] : [];
    if (p.kind === 'eventually' || p.kind === 'alwaysEventually') preds.push(p.goal);
    if (p.kind === 'leadsTo') for (const c of p.clauses) preds.push(c.p, c.q);
    if ((p.kind === 'eventually' || p.kind === 'alwaysEventually' || p.kind === 'leadsTo' || p.kind === 'progress') && p.deadlock) preds.push(p.deadlock);
    if (p.kind === 'progress' && !program.threads.some((t) => (t.progressPcs ?? []).length > 0)) {
      throw modelError(`progress property '${p.id}' has no progress label to check: mark progress steps with t.label(name, { progress: true })`, p.src);
    }
    for (const e of preds) {
      if (usesThreadReg(e)) throw modelError(`property '${p.id}' reads a register directly; use regOf(register) in properties`, p.src);
      checkExprRefs(program, e, p.src, null);
    }
  }
}

function validateThread(program: Program, t: Thread, assertionIds: Set<string>): void {
  const code = t.code;
  const end = code.length;
  const where = (pc: number): SourcePos => code[pc]?.src ?? t.src;

  // Targets in range; atomic blocks well formed; selects start with guards.
  const atomicOf = new Int32Array(end).fill(-1);
  for (let pc = 0; pc < end; pc++) {
    const ins = code[pc];
    for (const s of successorsOf(code, pc)) {
      if (s < 0 || s > end) throw modelError(`thread '${t.name}' jumps to instruction ${s}, outside its code`, where(pc));
    }
    if (ins.op === 'atomicBegin') {
      if (ins.end <= pc || ins.end >= end || code[ins.end].op !== 'atomicEnd') throw modelError(`atomic block without its end`, ins.src);
      for (let q = pc + 1; q < ins.end; q++) {
        if (code[q].op === 'atomicBegin') throw modelError(`atomic blocks do not nest`, code[q].src);
        if (code[q].op === 'select') throw modelError(`select() is not allowed inside atomic()`, code[q].src);
        if (code[q].op === 'loadExclusive' || code[q].op === 'storeExclusive') throw modelError(`exclusives are not allowed inside atomic(): the block is indivisible already`, code[q].src);
        atomicOf[q] = pc;
      }
      atomicOf[ins.end] = pc;
    }
    if (ins.op === 'select') {
      for (const target of ins.targets) {
        const first = code[target];
        if (!first || !isVisible(first) || first.op === 'select' || first.op === 'atomicEnd') {
          throw modelError(`each select() alternative must begin with a shared-memory step (an await, load, store, rmw, fence or atomic block), which is its guard`, first?.src ?? ins.src);
        }
      }
    }
  }
  for (let pc = 0; pc < end; pc++) {
    const ins = code[pc];
    if (ins.op === 'guard' && atomicOf[pc] < 0) throw modelError(`guard() is only allowed inside atomic(); outside, use await()`, ins.src);
    if (ins.op === 'atomicEnd' && atomicOf[pc] < 0) throw modelError(`atomic end without its beginning`, ins.src);
    for (const s of successorsOf(code, pc)) {
      const inside = atomicOf[pc] >= 0 && ins.op !== 'atomicEnd';
      const targetBlock = s < end ? atomicOf[s] : -1;
      if (inside && targetBlock !== atomicOf[pc]) throw modelError(`a jump leaves an atomic block before its end`, ins.src);
      if (!inside && targetBlock >= 0 && ins.op !== 'atomicBegin') throw modelError(`a jump enters an atomic block in its middle`, ins.src);
    }
  }

  // References in range, observers only in properties, asserts name declared properties.
  for (let pc = 0; pc < end; pc++) {
    const ins = code[pc];
    const { before, after, addrs } = readsOf(ins);
    for (const e of [...before, ...after]) {
      if (hasObserver(e)) throw modelError(`thread code cannot observe memory or other threads directly (mem/at/done/regOf are for properties); load the value instead`, ins.src);
      checkExprRefs(program, e, ins.src, t);
    }
    for (const a of addrs) checkAddr(program, a, ins.src, t);
    const d = definedReg(ins);
    if (d !== null && (d < 0 || d >= t.regs.length)) throw modelError(`unknown register r${d} in thread '${t.name}'`, ins.src);
    if (ins.op === 'setGhost' && (ins.g < 0 || ins.g >= program.ghosts.length)) throw modelError(`unknown ghost #${ins.g}`, ins.src);
    if (ins.op === 'assert' && !assertionIds.has(ins.property)) throw modelError(`assert names property '${ins.property}', which is not declared as an assertion`, ins.src);
  }

  checkDefinedBeforeUse(t);

  const resting = restingPcs(t);
  const labelAt = (pc: number): string => Object.entries(t.labels).find(([, p]) => p === pc)?.[0] ?? String(pc);
  for (const pc of t.endPcs) {
    if (!resting.has(pc)) {
      throw modelError(`end label '${labelAt(pc)}' in thread '${t.name}' is not at a step where the thread can rest (put it before an await or other shared-memory step)`, code[pc]?.src ?? t.src);
    }
  }
  // A progress or fairness label names the steps that execute its instruction: a
  // shared-memory instruction the thread can start a step with (at a resting point, or the
  // first instruction of a select alternative), not the select itself.
  const alternatives = new Set<number>();
  for (const pc of resting) if (pc < end && code[pc].op === 'select') for (const a of (code[pc] as Extract<Instr, { op: 'select' }>).targets) alternatives.add(a);
  const startsStep = (pc: number): boolean => pc < end && isVisible(code[pc]) && code[pc].op !== 'select' && (resting.has(pc) || alternatives.has(pc));
  const misplaced = (pc: number): string => (pc < end && code[pc].op === 'select' ? 'is at a select: put it on the first step of an alternative' : 'is not at a step the thread takes (put it before an await or other shared-memory step)');
  for (const pc of t.progressPcs ?? []) {
    if (!startsStep(pc)) throw modelError(`progress label '${labelAt(pc)}' in thread '${t.name}' ${misplaced(pc)}`, code[pc]?.src ?? t.src);
  }
  for (const f of t.fairSteps ?? []) {
    if (!startsStep(f.pc)) throw modelError(`fairness label '${f.label}' in thread '${t.name}' ${misplaced(f.pc)}`, code[f.pc]?.src ?? t.src);
  }
}

function checkAddr(program: Program, a: Addr, src: SourcePos, t: Thread | null): void {
  if (a.k === 'loc') {
    const loc = program.locations[a.loc];
    if (!loc) throw modelError(`unknown location #${a.loc}`, src);
    if (a.index) {
      if (a.index.k === 'const' && (a.index.v < 0 || a.index.v >= loc.size)) throw modelError(`index ${a.index.v} is out of bounds for '${loc.name}' of size ${loc.size}`, src);
      checkExprRefs(program, a.index, src, t);
    }
  } else {
    checkExprRefs(program, a.e, src, t);
  }
}

function checkExprRefs(program: Program, e: Expr, src: SourcePos, t: Thread | null): void {
  match(e)
    .with({ k: 'reg' }, (x) => { if (!t || x.r < 0 || x.r >= t.regs.length) throw modelError(`unknown register r${x.r}${t ? ` in thread '${t.name}'` : ''}`, src); })
    .with({ k: 'ghost' }, (x) => {
      if (x.g < 0 || x.g >= program.ghosts.length) throw modelError(`unknown ghost #${x.g}`, src);
      if (x.index) checkExprRefs(program, x.index, src, t);
    })
    .with({ k: 'un' }, (x) => checkExprRefs(program, x.a, src, t))
    .with({ k: 'bin' }, (x) => { checkExprRefs(program, x.a, src, t); checkExprRefs(program, x.b, src, t); })
    .with({ k: 'ite' }, (x) => { checkExprRefs(program, x.c, src, t); checkExprRefs(program, x.a, src, t); checkExprRefs(program, x.b, src, t); })
    .with({ k: 'mem' }, (x) => checkAddr(program, x.addr, src, t))
    .with({ k: 'treg' }, (x) => {
      const th = program.threads[x.thread];
      if (!th || x.r < 0 || x.r >= th.regs.length) throw modelError(`unknown register of thread #${x.thread}`, src);
    })
    .with({ k: 'at' }, (x) => {
      const th = program.threads[x.thread];
      if (!th) throw modelError(`unknown thread #${x.thread}`, src);
      const pc = th.labels[x.label];
      if (pc === undefined) throw modelError(`at(): thread '${th.name}' has no label '${x.label}'`, src);
      if (!restingPcs(th).has(pc)) throw modelError(`at(): label '${x.label}' of thread '${th.name}' is not at a step where the thread can rest, so it can never be observed`, src);
    })
    .with({ k: 'done' }, (x) => { if (!program.threads[x.thread]) throw modelError(`unknown thread #${x.thread}`, src); })
    .with({ k: 'const' }, () => {})
    .exhaustive();
}

/** Definite assignment (as Java's): every read of a register without an initial value must follow a write on every path. */
function checkDefinedBeforeUse(t: Thread): void {
  const code = t.code;
  const end = code.length;
  const nregs = t.regs.length;
  if (nregs === 0) return;
  const inSets: (boolean[] | null)[] = new Array(end + 1).fill(null);
  inSets[0] = t.regs.map((r) => r.init !== null);
  const work: number[] = [0];
  while (work.length) {
    const pc = work.pop()!;
    if (pc >= end) continue;
    const cur = inSets[pc]!;
    const out = cur.slice();
    const d = definedReg(code[pc]);
    if (d !== null) out[d] = true;
    for (const s of successorsOf(code, pc)) {
      const prev = inSets[s];
      if (prev === null) { inSets[s] = out.slice(); work.push(s); continue; }
      let changed = false;
      for (let r = 0; r < nregs; r++) if (prev[r] && !out[r]) { prev[r] = false; changed = true; }
      if (changed) work.push(s);
    }
  }
  for (let pc = 0; pc < end; pc++) {
    const defined = inSets[pc];
    if (!defined) continue; // unreachable
    const ins = code[pc];
    const { before, after, addrs } = readsOf(ins);
    const readBefore = new Set<number>();
    for (const e of before) exprRegs(e, readBefore);
    for (const a of addrs) addrRegs(a, readBefore);
    const d = definedReg(ins);
    const readAfter = new Set<number>();
    for (const e of after) exprRegs(e, readAfter);
    for (const r of readBefore) {
      if (!defined[r]) throw modelError(`register '${t.regs[r].name}' of thread '${t.name}' is read before it is set`, ins.src);
    }
    for (const r of readAfter) {
      if (!defined[r] && r !== d) throw modelError(`register '${t.regs[r].name}' of thread '${t.name}' is read before it is set`, ins.src);
    }
  }
}
