/**
 * The Informal Trace Format (Apalache ADR-015), which Apalache and Quint read and write:
 * a trace is `vars` and `states`, each state a JSON object giving every variable an ITF
 * value; `loop` marks the state a lasso returns to. reports/schemas/itf.schema.json is
 * the format written down as a JSON schema, and the tests hold this output to it.
 *
 * xenmc's state becomes five variables, all maps so that any name a model uses is a
 * valid key: `pc` (thread → where it is), `regs` (thread → register → value), `mem`
 * (location element → value), `ghost` (ghost element → value) and `memoryModel` (the
 * memory model's own state, e.g. each store buffer, as text). Integers are written as
 * {"#bigint": "…"}, which every ITF reader accepts. Each state's #meta says which step
 * reached it. Traces from producers that do not label state components get one `state`
 * variable (name → text) instead.
 */
import type { StateEntry, TraceStep } from '../checker/result.ts';
import type { MaybeLasso } from './graph.ts';

export type ItfValue =
  | boolean | string | number | ItfValue[]
  | { readonly '#bigint': string }
  | { readonly '#tup': ItfValue[] }
  | { readonly '#set': ItfValue[] }
  | { readonly '#map': [ItfValue, ItfValue][] }
  | { readonly '#unserializable': string }
  | { readonly [field: string]: ItfValue };

export interface ItfState {
  readonly '#meta': { readonly index: number; readonly step?: Omit<TraceStep, 'changes' | 'events'> };
  readonly [variable: string]: ItfValue | ItfState['#meta'];
}

export interface ItfTrace {
  readonly '#meta': Readonly<Record<string, unknown>>;
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
  readonly loop?: number;
}

/** What the trace is about, for its #meta. */
export interface ItfContext {
  readonly model: string;
  readonly variant?: string | null;
  readonly mm: string;
  readonly source?: string;
}

const int = (n: number): ItfValue => ({ '#bigint': String(n) });
const map = (pairs: [string, ItfValue][]): ItfValue => ({ '#map': pairs });

const VAR_TYPES: Readonly<Record<string, string>> = {
  pc: 'Str -> Str', regs: 'Str -> (Str -> Int)', mem: 'Str -> Int', ghost: 'Str -> Int', memoryModel: 'Str -> Str', state: 'Str -> Str',
};

function variables(entries: readonly StateEntry[]): Record<string, ItfValue> {
  if (entries.some((e) => e.component === undefined)) return { state: map(entries.map((e) => [e.name, e.text])) };
  const of = (c: StateEntry['component']): StateEntry[] => entries.filter((e) => e.component === c);
  const vars: Record<string, ItfValue> = {};
  const pcs = of('pc');
  if (pcs.length > 0) vars.pc = map(pcs.map((e) => [e.thread ?? e.name, e.text]));
  const regs = of('register');
  if (regs.length > 0) {
    const threads = [...new Set(regs.map((e) => e.thread ?? ''))];
    vars.regs = map(threads.map((t) => [t, map(regs.filter((e) => (e.thread ?? '') === t)
      .map((e) => [e.name.startsWith(`${t}.`) ? e.name.slice(t.length + 1) : e.name, int(e.value ?? 0)]))]));
  }
  const mem = of('memory');
  if (mem.length > 0) vars.mem = map(mem.map((e) => [e.name, int(e.value ?? 0)]));
  const ghost = of('ghost');
  if (ghost.length > 0) vars.ghost = map(ghost.map((e) => [e.name.replace(/^ghost /, ''), int(e.value ?? 0)]));
  const model = of('memory-model');
  if (model.length > 0) vars.memoryModel = map(model.map((e) => [e.name, e.text]));
  return vars;
}

/** The states of a trace: the initial one, then the state after each step. */
function statesOf(trace: MaybeLasso): StateEntry[][] {
  const out: StateEntry[][] = [[...trace.initial]];
  let cur = new Map(trace.initial.map((e) => [e.name, e]));
  for (const s of trace.steps) {
    const next = new Map(cur);
    for (const c of s.changes) {
      const was = cur.get(c.name);
      if (!was) continue;
      next.set(c.name, { ...was, text: c.after, value: valueAfter(trace, s.index, c.name, was.value) });
    }
    cur = next;
    out.push([...cur.values()]);
  }
  return out;
}

/**
 * The number behind a change: recorded with it by xenmc's replay; for a producer that
 * records texts only, read off the text (`READY(1)`, `42`), else kept from before.
 */
function valueAfter(trace: MaybeLasso, step: number, name: string, before: number | null): number | null {
  const change = trace.steps[step - 1].changes.find((c) => c.name === name)!;
  if (change.value !== undefined) return change.value;
  if (before === null) return null;
  const named = /\((-?\d+)\)$/.exec(change.after) ?? /^(-?\d+)$/.exec(change.after);
  return named ? Number(named[1]) : before;
}

export function traceToItf(trace: MaybeLasso, cx: ItfContext): ItfTrace {
  // A lasso's last step returns to the state after step `loop` (Trace.loop), which ITF says
  // with `loop` alone: its last state is followed by the state at `loop`. So the state after
  // the last step, a copy of that one, is not listed again.
  const all = statesOf(trace);
  const states = trace.loop !== undefined && trace.loop < all.length - 1 ? all.slice(0, -1) : all;
  const vars = Object.keys(variables(states[0]));
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: cx.source ?? cx.model,
      description: `xenmc: ${trace.property} violated in ${cx.model}${cx.variant ? ` ${cx.variant}` : ''} under ${cx.mm}: ${trace.violation}`,
      varTypes: Object.fromEntries(vars.map((v) => [v, VAR_TYPES[v]])),
      model: cx.model, variant: cx.variant ?? null, mm: cx.mm, property: trace.property, violation: trace.violation,
    },
    vars,
    states: states.map((entries, index): ItfState => {
      const step = index > 0 ? trace.steps[index - 1] : undefined;
      return {
        '#meta': { index, ...(step ? { step: { index: step.index, thread: step.thread, actor: step.actor, kind: step.kind, action: step.action, source: step.source } } : {}) },
        ...variables(entries),
      };
    }),
    ...(trace.loop !== undefined ? { loop: trace.loop } : {}),
  };
}
