/** Small helpers shared by the test suites. */
import { ModelBuilder, type Reg } from '../checker/builder.ts';
import { checkProgram, type CheckOptions } from '../checker/check.ts';
import type { Program } from '../checker/ir.ts';
import type { MemoryModelName } from '../checker/memory/model.ts';
import type { PropertyResult, Result, Trace, TraceStep } from '../checker/result.ts';

export function program(name: string, build: (m: ModelBuilder) => void): Program {
  const m = new ModelBuilder(name);
  build(m);
  return m.build();
}

export function run(p: Program, mm: MemoryModelName, opts: Partial<CheckOptions> = {}): Result {
  return checkProgram(p, { mm, ...opts });
}

/**
 * LB (a=x; y=1 ∥ b=y; x=1) with the invariant `LB`: not both loads read 1. SC and TSO keep
 * it (R→W is never reordered there); under ARMv8 a promise breaks it.
 */
export function lbProgram(): Program {
  return program('LB', (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg, b!: Reg;
    const p0 = m.thread('P0', (t) => { a = t.reg('a', 0); t.load(a, x); t.store(y, 1); });
    const p1 = m.thread('P1', (t) => { b = t.reg('b', 0); t.load(b, y); t.store(x, 1); });
    m.invariant('LB', m.done(p0).and(m.done(p1)).and(m.regOf(a).eq(1)).and(m.regOf(b).eq(1)).not());
  });
}

export function prop(r: Result, id: string): PropertyResult {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no property ${id} in result (have ${r.properties.map((x) => x.id).join(', ')})`);
  return p;
}

/** The line number in this test file of the call on the line after the marker comment `// @line NAME`. */
export function lineOf(source: string, marker: string): number {
  const lines = source.split('\n');
  const i = lines.findIndex((l) => l.includes(`@line ${marker}`));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i + 2;
}

/**
 * Every state component's text after step k of a trace (0: the initial state), in the order
 * of `initial`, from the steps' changes. Names can repeat (a register called `pc` beside the
 * thread's pc), so a change applies to the first component of that name showing its `before`.
 */
export function stateAfter(t: Trace, k: number): string[] {
  const names = t.initial.map((e) => e.name);
  const texts = t.initial.map((e) => e.text);
  for (const s of t.steps.slice(0, k)) {
    for (const c of s.changes) {
      let i = names.findIndex((n, j) => n === c.name && texts[j] === c.before);
      if (i < 0) i = names.indexOf(c.name);
      texts[i] = c.after;
    }
  }
  return texts;
}

/**
 * The loop of a lasso counterexample, after checking that it is one: `loop` is set, the
 * loop has at least one step, and the last step comes back to the state after step `loop`
 * (so the steps after it can really repeat forever).
 */
export function loopOf(t: Trace | undefined): TraceStep[] {
  if (!t) throw new Error('no trace');
  if (t.loop === undefined) throw new Error(`the trace of ${t.property} is not a lasso (no loop)`);
  if (t.loop < 0 || t.loop >= t.steps.length) throw new Error(`loop ${t.loop} outside 0..${t.steps.length - 1}`);
  const start = stateAfter(t, t.loop);
  const end = stateAfter(t, t.steps.length);
  const differ = start.flatMap((v, i) => (end[i] === v ? [] : [`${t.initial[i].name}: ${v} vs ${end[i]}`]));
  if (differ.length > 0) throw new Error(`the loop does not close: ${differ.join('; ')}`);
  if (t.final.some((e, i) => e.text !== start[i])) throw new Error('the final state is not the loop\'s first state');
  return t.steps.slice(t.loop);
}

/** "thread: action" of each step, for asserting a loop's content. */
export const stepsText = (steps: readonly TraceStep[]): string[] => steps.map((s) => `${s.thread}${s.kind === 'memory' ? ' (memory)' : ''}: ${s.action}`);
