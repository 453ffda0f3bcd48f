/**
 * Running a litmus test: parse it (models/litmus), compile it for a memory model, explore
 * every execution, and collect the distinct final states over what the condition and
 * `locations` name, each marked as satisfying the condition's proposition or not.
 *
 * The verdict is herd7's Observation: Allowed when some final state the model allows
 * satisfies the proposition, Forbidden when none does — whatever the quantifier
 * (`~exists P` expects Forbidden, `forall P` expects every final state to satisfy P; the
 * outcome says whether the test's expectation holds too). A test that cannot be run gets
 * no verdict: Unsupported (an instruction, primitive or memory model xenmc lacks), Error
 * (a malformed file, a run-time fault such as an access through a non-address), or
 * Incomplete (a bound cut the search short).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { prepare, DEFAULT_BUFFER } from './check.ts';
import { compileExpr, RUNTIME_ERROR_ID } from './compile.ts';
import { isInputError } from './errors.ts';
import { memoryModelInfo, MEMORY_MODELS } from './memory/index.ts';
import type { MemoryModelName } from './memory/model.ts';
import { replay } from './explore/replay.ts';
import { search } from './explore/search.ts';
import type { Trace } from './result.ts';
import type { Program } from './ir.ts';
import { conditionText, LitmusUnsupportedError, parseLitmus, type Arch, type LitmusTest, type Quantifier } from '../models/litmus/index.ts';
import { NOT_A_LOCATION } from '../models/litmus/code.ts';
import { splitTest } from '../models/litmus/splitter.ts';

export type LitmusVerdict = 'Allowed' | 'Forbidden' | 'Unsupported' | 'Error' | 'Incomplete';

export interface LitmusFinal {
  /** register or location (as the condition names it) → value; addresses by location name */
  readonly values: Readonly<Record<string, number | string>>;
  readonly satisfies: boolean;
}

export interface LitmusOutcome {
  readonly file: string;
  readonly name: string;
  readonly arch: Arch | null;
  readonly mm: MemoryModelName | null;
  readonly verdict: LitmusVerdict;
  readonly quantifier: Quantifier | null;
  /** the condition as herd prints it */
  readonly condition: string | null;
  /** whether the test's own expectation holds (exists: Allowed; ~exists: Forbidden; forall: every final state satisfies it) */
  readonly expectationHolds: boolean | null;
  /** sorted; complete unless the verdict is Incomplete */
  readonly finals: readonly LitmusFinal[];
  readonly states: number;
  readonly seconds: number;
  /** one line, `file:line: message`, for Unsupported and Error (and the bound for Incomplete) */
  readonly error?: string;
  /** with `witness`: the shortest execution ending in a state that satisfies the proposition */
  readonly witness?: Trace;
}

export interface LitmusOptions {
  /** default: the architecture's (X86, X86_64: tso; AArch64: armv8); C tests need one */
  readonly mm?: MemoryModelName;
  readonly buffer?: number;
  /** ARMv8: promises outstanding at once (default: as many as the test has writes, so the bound never limits) */
  readonly promises?: number;
  readonly maxStates?: number;
  readonly timeoutSeconds?: number;
  readonly exact?: boolean;
  readonly witness?: boolean;
}

/** The memory model a test runs under when none is asked for. */
export function defaultMemoryModel(arch: Arch): MemoryModelName | null {
  switch (arch) {
    case 'X86': case 'X86_64': return 'tso';
    case 'AArch64': return 'armv8';
    case 'C': return null;
  }
}

/** The name a test goes by when its header cannot be read. */
const fileName = (file: string): string => path.basename(file).replace(/\.litmus$/, '');

export function runLitmusFile(file: string, opts: LitmusOptions = {}): LitmusOutcome {
  const started = performance.now();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return failed(file, fileName(file), null, opts.mm ?? null, 'Error', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, started);
  }
  let test: LitmusTest;
  try {
    test = parseLitmus(file, text);
  } catch (e) {
    if (!isInputError(e)) throw e;
    let name = fileName(file), arch: Arch | null = null;
    try { ({ name, arch } = splitTest(file, text)); } catch { /* the header itself is malformed */ }
    return failed(file, name, arch, opts.mm ?? (arch ? defaultMemoryModel(arch) : null), e instanceof LitmusUnsupportedError ? 'Unsupported' : 'Error', e.oneLine(), started);
  }
  return runLitmus(test, opts, started);
}

export function runLitmus(test: LitmusTest, opts: LitmusOptions = {}, started = performance.now()): LitmusOutcome {
  const mm = opts.mm ?? defaultMemoryModel(test.arch);
  const base = { file: test.file, name: test.name, arch: test.arch };
  if (mm === null) {
    return failed(test.file, test.name, test.arch, null, 'Error', `${test.file}: a Linux-kernel C test needs a memory model: --mm ${MEMORY_MODELS.map((m) => m.name).join(' | ')} (the kernel's mapping of each primitive differs per architecture)`, started);
  }
  if (!memoryModelInfo(mm)) {
    return failed(test.file, test.name, test.arch, mm, 'Unsupported', `${test.file}: memory model '${mm}' is not implemented yet (implemented: ${MEMORY_MODELS.map((m) => m.name).join(', ')})`, started);
  }
  let lp;
  try {
    lp = test.program(mm);
  } catch (e) {
    if (!isInputError(e)) throw e;
    return failed(test.file, test.name, test.arch, mm, e instanceof LitmusUnsupportedError ? 'Unsupported' : 'Error', e.oneLine(), started);
  }
  const promises = opts.promises ?? writesIn(lp.program);
  const { cp, mm: model } = prepare(lp.program, mm, opts.buffer ?? DEFAULT_BUFFER, promises);
  const cx = { program: cp.program, layout: cp.layout, regBase: -1 };
  const observers = lp.observed.map((o) => compileExpr(o.expr, cx));
  const condition = cp.properties.find((p) => p.id === lp.conditionId)!;
  const pred = condition.pred!;
  const runtime = cp.properties.find((p) => p.id === RUNTIME_ERROR_ID)!.index;
  const finals = new Map<string, { values: number[]; satisfies: boolean; id: number }>();
  const outcome = search(cp, model, {
    checked: new Set([runtime]),
    ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
    ...(opts.timeoutSeconds !== undefined ? { timeoutMs: opts.timeoutSeconds * 1000 } : {}),
    ...(opts.exact ? { exact: true } : {}),
    onFinal: (s, id) => {
      const values = observers.map((f) => f(s));
      const key = values.join(',');
      if (!finals.has(key)) finals.set(key, { values, satisfies: pred(s) !== 0, id });
    },
  });
  const show = (v: number): number | string => lp.pointsTo(v) ?? v;
  const sorted = [...finals.values()].sort((a, b) => compareTuples(a.values, b.values));
  const shown: LitmusFinal[] = sorted.map((f) => ({ values: Object.fromEntries(lp.observed.map((o, i) => [o.name, show(f.values[i])])), satisfies: f.satisfies }));
  const seconds = (performance.now() - started) / 1000;
  const common = {
    ...base, mm, quantifier: test.condition.quantifier, condition: conditionText(test.condition), finals: shown, states: outcome.states, seconds,
  };

  const fault = outcome.violations[runtime];
  if (fault) {
    const trace = replay(cp, model, outcome, fault);
    const last = trace.steps[trace.steps.length - 1];
    const where = last?.source ?? test.file;
    const message = fault.message.includes(String(NOT_A_LOCATION))
      ? 'an access through an address plus a non-zero offset (litmus addresses are locations, not bytes: x+4 would be another, mixed-size location)'
      : fault.message;
    return { ...common, verdict: 'Error', expectationHolds: null, error: `${where}: run-time error: ${message}` };
  }
  // A store that waited for room in a full buffer: behaviours of deeper buffers were not explored.
  if (outcome.stopReason === 'exhausted' && model.bufferFullHits > 0) {
    const buffer = opts.buffer ?? DEFAULT_BUFFER;
    const seen = sorted.some((f) => f.satisfies) ? '; a final state satisfying the proposition was found' : '';
    return { ...common, verdict: 'Incomplete', expectationHolds: null, error: `${test.file}: the store buffers filled up (--buffer ${buffer}), so deeper buffers were not explored; rerun with a larger --buffer${seen}` };
  }
  // A thread could have promised one more write than the bound allows: not every behaviour was explored.
  if (outcome.stopReason === 'exhausted' && model.promises !== null && model.promises.boundHits > 0) {
    const seen = sorted.some((f) => f.satisfies) ? '; a final state satisfying the proposition was found' : '';
    return { ...common, verdict: 'Incomplete', expectationHolds: null, error: `${test.file}: a thread could have promised more than ${promises} write${promises === 1 ? '' : 's'} at once (--promises ${promises}), so not every execution was explored; rerun with a larger --promises${seen}` };
  }
  if (outcome.stopReason !== 'exhausted') {
    const bound = outcome.stopReason === 'timeout' ? `the time bound (${opts.timeoutSeconds} s)` : `the state bound (${opts.maxStates} states)`;
    const seen = sorted.some((f) => f.satisfies) ? '; a final state satisfying the proposition was already found' : '';
    return { ...common, verdict: 'Incomplete', expectationHolds: null, error: `${test.file}: the search was cut short by ${bound}${seen}` };
  }
  const anySat = sorted.some((f) => f.satisfies);
  const allSat = sorted.every((f) => f.satisfies);
  const q = test.condition.quantifier;
  const expectationHolds = q === 'exists' ? anySat : q === '~exists' ? !anySat : allSat && sorted.length > 0;
  const witnessFinal = sorted.find((f) => f.satisfies);
  let witness: Trace | undefined;
  if (opts.witness && witnessFinal) {
    witness = replay(cp, model, outcome, {
      property: condition.index, at: 'state', stateId: witnessFinal.id, move: -1, length: 0,
      message: `the final state satisfies ${conditionText(test.condition)}`,
    });
  }
  return { ...common, verdict: anySat ? 'Allowed' : 'Forbidden', expectationHolds, ...(witness ? { witness } : {}) };
}

/** Write instructions in the program: promising more at once than a test has writes cannot be needed (without loops). */
function writesIn(p: Program): number {
  let n = 0;
  for (const t of p.threads) for (const i of t.code) if (i.op === 'store' || i.op === 'rmw' || i.op === 'storeExclusive' || (i.op === 'await' && i.access.kind === 'rmw')) n++;
  return n;
}

function failed(file: string, name: string, arch: Arch | null, mm: MemoryModelName | null, verdict: LitmusVerdict, error: string, started: number): LitmusOutcome {
  return {
    file, name, arch, mm, verdict, quantifier: null, condition: null, expectationHolds: null, finals: [], states: 0,
    seconds: (performance.now() - started) / 1000, error,
  };
}

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

