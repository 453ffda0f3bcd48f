/**
 * Reading counterexamples in model tests: the trace of a property, the final state by name,
 * the steps of one thread, and the memory events (herd's R/W/F with rf and visibility), so
 * a test can say "the req_prod store was still buffered when BE read req_prod".
 */
import { expect } from 'vitest';
import type { Instr, Program } from '../../checker/ir.ts';
import type { MemoryEvent, Result, Trace, TraceStep } from '../../checker/result.ts';

export function traceOf(r: Result, id: string): Trace {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no property ${id} (have ${r.properties.map((x) => x.id).join(', ')})`);
  if (!p.trace) throw new Error(`property ${id} is ${p.verdict}, with no trace`);
  return p.trace;
}

export function verdictOf(r: Result, id: string): string {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no property ${id}`);
  return p.verdict;
}

/** The final state, name → text (`FE.pc` → `@fe.spin`, `fe2be.req_prod` → `2`). */
export function finalOf(t: Trace): Record<string, string> {
  return Object.fromEntries(t.final.map((e) => [e.name, e.text]));
}

/** Index (0-based) of the first step of `thread` whose action matches `re`, after `from`; -1 if none. */
export function stepIndex(t: Trace, thread: string, re: RegExp, from = -1): number {
  return t.steps.findIndex((s, i) => i > from && s.thread === thread && s.kind === 'thread' && re.test(s.action));
}

/** Like stepIndex, but the step must exist. */
export function step(t: Trace, thread: string, re: RegExp, from = -1): { index: number; step: TraceStep } {
  const index = stepIndex(t, thread, re, from);
  expect(index, `no step of ${thread} matching ${re} after step ${from + 1}:\n${t.steps.map((s) => `${s.index} ${s.thread} ${s.action}`).join('\n')}`).toBeGreaterThanOrEqual(0);
  return { index, step: t.steps[index] };
}

/** The memory events of thread `thread` on `location` of kind R or W, in trace order. */
export function eventsOf(t: Trace, thread: string, kind: 'R' | 'W', location: string): MemoryEvent[] {
  return t.events.filter((e) => e.thread === thread && e.kind === kind && e.location === location);
}

/** The step (1-based) at which write event `w` became visible to other threads. */
export function visibleAt(w: MemoryEvent): number {
  if (w.visibleAt === undefined || w.visibleAt === null) throw new Error(`write ${w.id} never became visible`);
  return w.visibleAt;
}

/**
 * A thread's shared-memory instructions as short strings (`R fe2be.req_prod`, `W devcfg`,
 * `RMW cfg_evtchn.pending`, `F st`, `AWAIT be2fe.rsp_prod`), for tests that pin what a
 * variant changes in the code.
 */
export function accessesOf(p: Program, thread: string): string[] {
  const th = p.threads.find((x) => x.name === thread);
  if (!th) throw new Error(`no thread ${thread}`);
  const loc = (i: Instr): string => {
    const a = i.op === 'load' || i.op === 'store' || i.op === 'rmw' ? i.addr : i.op === 'await' ? i.access.addr : null;
    return a && a.k === 'loc' ? p.locations[a.loc].name : '?';
  };
  return th.code.flatMap((i): string[] => {
    switch (i.op) {
      case 'load': return [`R ${loc(i)}`];
      case 'store': return [`W ${loc(i)}`];
      case 'rmw': return [`RMW ${loc(i)}`];
      case 'await': return [`AWAIT ${loc(i)}`];
      case 'fence': return [`F ${i.kind}`];
      default: return [];
    }
  });
}

/**
 * Two stores of `writer` that became visible out of program order, as PSO (and Arm) allow
 * without a store barrier: the reader saw the later store (`second`) and then read the
 * location of the earlier one (one of `first`) while that store was not yet visible. The
 * reader's stale read is its last read of a `first` location in the trace.
 */
export function expectStoresReordered(t: Trace, o: { writer: string; first: readonly string[]; second: string; reader: string }): void {
  // a location is named as a scalar ('sring.req_prod') or an array, whose cells read 'sring.ring[0]'
  const named = (loc: string): boolean => o.first.some((f) => loc === f || loc.startsWith(`${f}[`));
  const reads = t.events.filter((e) => e.thread === o.reader && e.kind === 'R' && named(e.location));
  if (reads.length === 0) throw new Error(`${o.reader} never read ${o.first.join(' or ')}`);
  const lastWrite = (r: MemoryEvent): MemoryEvent | undefined =>
    t.events.filter((e) => e.thread === o.writer && e.kind === 'W' && e.location === r.location && e.step < r.step).at(-1);
  // the last such read made while the writer's latest store there was not yet visible
  // (or never became visible within the trace: still buffered at its end)
  const stale = reads.filter((r) => { const w = lastWrite(r); return w !== undefined && (w.visibleAt ?? Number.POSITIVE_INFINITY) > r.step; }).at(-1);
  if (!stale) throw new Error(`${o.reader} never read ${o.first.join(' or ')} while ${o.writer}'s store there was still invisible`);
  const early = lastWrite(stale)!;
  expect(stale.rf).not.toBe(early.id);
  const late = t.events.find((e) => e.thread === o.writer && e.kind === 'W' && e.location === o.second && e.step > early.step && visibleAt(e) < stale.step);
  expect(late, `${o.writer}'s later store to ${o.second} was not visible before step ${stale.step}`).toBeDefined();
  // and the reader acted on it
  expect(t.events.some((e) => e.thread === o.reader && e.kind === 'R' && e.location === o.second && e.rf === late!.id && e.step <= stale.step)).toBe(true);
}
