/**
 * Checking a program under a memory model: compile, search, replay every violation into
 * its shortest trace, and return the Result as a value.
 */
import { compileProgram, layoutFor, type CompiledProgram } from './compile.ts';
import { usageError } from './errors.ts';
import { isLiveness, type Program } from './ir.ts';
import { LivenessChecker } from './liveness/check.ts';
import { StateGraph } from './liveness/graph.ts';
import { memoryModelInfo } from './memory/index.ts';
import type { MemoryModel, MemoryModelName } from './memory/model.ts';
import { replay } from './explore/replay.ts';
import { search, type Progress, type SearchOutcome } from './explore/search.ts';
import { stepLabelCount } from './explore/successors.ts';
import { collisionProbability } from './explore/fingerprint.ts';
import { overallVerdict, type PropertyResult, type Result, type SearchOrder } from './result.ts';

export const DEFAULT_BUFFER = 8;
/**
 * ARMv8: promises outstanding at once, over all threads. One is enough for the load-
 * buffering and write-reordering shapes (LB, 2+2W, S, MP with an unordered writer: one
 * thread promises, the others run in order); each more multiplies the states.
 */
export const DEFAULT_PROMISES = 1;

export interface CheckOptions {
  readonly mm: MemoryModelName;
  /** store-buffer capacity (TSO, PSO) or writes kept in memory (ARMv8) (default DEFAULT_BUFFER) */
  readonly buffer?: number;
  /** ARMv8: promises outstanding at once, over all threads (default DEFAULT_PROMISES) */
  readonly promises?: number;
  readonly maxStates?: number;
  readonly timeoutSeconds?: number;
  readonly exact?: boolean;
  /** property ids to check (default: all) */
  readonly properties?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** for the Result's header */
  readonly variant?: string | null;
  readonly params?: Readonly<Record<string, number | string>>;
  readonly onFinal?: (s: Int32Array, id: number) => void;
  /**
   * Liveness only: assume the memory model's own fairness (default true: every buffered
   * store is eventually flushed). false asks what happens without it.
   */
  readonly memoryFairness?: boolean;
  /** the search order (default breadth-first); liveness properties need breadth-first */
  readonly order?: SearchOrder;
  /** depth-first only: shuffle each state's successors from this seed */
  readonly seed?: number;
}

export interface Prepared {
  readonly cp: CompiledProgram;
  readonly mm: MemoryModel;
}

/** Compiles a program for a memory model (exported for tests and tools that drive the search themselves). */
export function prepare(program: Program, mmName: MemoryModelName, buffer = DEFAULT_BUFFER, promises = DEFAULT_PROMISES, liveness = false): Prepared {
  const info = memoryModelInfo(mmName);
  if (!info) throw usageError(`memory model '${mmName}' is not implemented yet`);
  if (!Number.isInteger(buffer) || buffer < 1) throw usageError(`--buffer must be a positive integer, got ${buffer}`);
  if (!Number.isInteger(promises) || promises < 0) throw usageError(`--promises must be a non-negative integer, got ${promises}`);
  const opts = { buffer, promises, exclusives: hasExclusives(program), liveness };
  // The memory model's size depends on the layout before its own area.
  const probe = info.create(layoutFor(program, 0), opts);
  const cp = compileProgram(program, probe.size);
  const mm = info.create(cp.layout, opts);
  mm.bind?.(cp);
  return { cp, mm };
}

/** Whether any thread uses exclusives: only then do memory models keep reservations in the state. */
export function hasExclusives(program: Program): boolean {
  return program.threads.some((t) => t.code.some((i) => i.op === 'loadExclusive' || i.op === 'storeExclusive'));
}

export function checkProgram(program: Program, opts: CheckOptions): Result {
  const info = memoryModelInfo(opts.mm);
  const buffer = opts.buffer ?? DEFAULT_BUFFER;
  const promises = opts.promises ?? DEFAULT_PROMISES;
  // Liveness needs the state graph, and memory models their liveness steps (prepare).
  const wanted = opts.properties && opts.properties.length > 0 ? new Set(opts.properties) : null;
  const order: SearchOrder = opts.order ?? 'breadth-first';
  if (opts.seed !== undefined && order !== 'depth-first') throw usageError('--seed shuffles the depth-first order: give --search dfs with it');
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw usageError(`--seed must be an integer, got ${opts.seed}`);
  // Liveness needs the whole state graph in breadth-first order; a depth-first run leaves
  // liveness properties unchecked, and refuses them when they are asked for by name.
  const depthFirst = order === 'depth-first';
  if (depthFirst && wanted !== null) {
    const named = program.properties.find((p) => isLiveness(p) && wanted.has(p.id));
    if (named) throw usageError(`property '${named.id}' is a liveness property, which needs the whole state graph: check it with the default breadth-first search, not --search dfs`);
  }
  const liveness = !depthFirst && program.properties.some((p) => isLiveness(p) && (wanted === null || wanted.has(p.id)));
  const prepared = prepare(program, opts.mm, buffer, promises, liveness);
  const mm = prepared.mm;
  let cp = prepared.cp;
  let checked: Set<number> | undefined;
  if (opts.properties && opts.properties.length > 0) {
    checked = new Set();
    for (const id of opts.properties) {
      const p = cp.properties.find((q) => q.id === id);
      if (!p) throw usageError(`unknown property '${id}' (properties: ${cp.properties.map((q) => q.id).join(', ')})`);
      checked.add(p.index);
    }
  }
  // Liveness needs the state graph, so every state is kept whole (exact mode) and every
  // edge with its label (StateGraph); failing assertions observe rather than end runs.
  const exact = opts.exact === true || liveness;
  let graph: StateGraph | null = null;
  if (liveness) {
    cp = { ...cp, assertions: 'observe' };
    graph = new StateGraph(cp.threads.length, stepLabelCount(cp, mm));
  }
  const outcome: SearchOutcome = search(cp, mm, {
    ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
    ...(opts.timeoutSeconds !== undefined ? { timeoutMs: opts.timeoutSeconds * 1000 } : {}),
    ...(exact ? { exact: true } : {}),
    ...(graph ? { edges: graph } : {}),
    ...(checked ? { checked } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
    ...(opts.onFinal ? { onFinal: opts.onFinal } : {}),
    order,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  const complete = outcome.stopReason === 'exhausted' || outcome.stopReason === 'all-violated';
  let live: LivenessChecker | null = null;
  /** the liveness analysis after the search counts in the run's time */
  let livenessSeconds = 0;
  const properties: PropertyResult[] = [];
  for (const p of cp.properties) {
    if (checked && !checked.has(p.index)) continue;
    if (p.kind === 'final') continue; // decided by the caller from the final states (litmus)
    const base = { id: p.id, kind: p.kind === 'builtin-deadlock' ? 'deadlock' : p.kind, description: p.description };
    if (p.kind === 'unchecked') {
      properties.push({ ...base, verdict: 'unchecked', ...(p.reason ? { reason: p.reason } : {}) });
      continue;
    }
    const v = outcome.violations[p.index];
    if (v) properties.push({ ...base, verdict: 'violated', trace: replay(cp, mm, outcome, v, checked) });
    // depth-first, a liveness property is violated only where its safety form is (a deadlock it names)
    else if (depthFirst && p.liveness) {
      properties.push({ ...base, verdict: 'unchecked', reason: 'a liveness property: the depth-first search does not keep the state graph it needs (check it breadth-first, the default)' });
    }
    else if (p.liveness && graph && outcome.exactSet) {
      const t0 = performance.now();
      live ??= new LivenessChecker(cp, mm, outcome.exactSet, graph, outcome, outcome.stopReason === 'exhausted', {
        ...(opts.memoryFairness !== undefined ? { memoryFairness: opts.memoryFairness } : {}),
      });
      properties.push({ ...base, ...live.check(p) });
      livenessSeconds += (performance.now() - t0) / 1000;
    } else properties.push({ ...base, verdict: complete ? 'holds' : 'incomplete' });
  }
  return {
    model: program.name,
    variant: opts.variant ?? null,
    mm: opts.mm,
    params: opts.params ?? {},
    verdict: overallVerdict(properties),
    properties,
    states: outcome.states,
    transitions: outcome.transitions,
    depth: outcome.depth,
    seconds: outcome.seconds + livenessSeconds,
    complete,
    stopReason: outcome.stopReason,
    bounds: {
      maxStates: opts.maxStates ?? null,
      timeoutSeconds: opts.timeoutSeconds ?? null,
      buffer: info?.buffered ? buffer : null,
      bufferReached: mm.bufferFullHits > 0,
      promises: mm.promises !== null ? promises : null,
      promisesReached: mm.promises !== null && mm.promises.boundHits > 0,
      mode: exact ? 'exact' : 'fingerprint',
      order,
      seed: opts.seed ?? null,
      collisionProbability: exact ? null : collisionProbability(outcome.states, outcome.transitions),
    },
  };
}
