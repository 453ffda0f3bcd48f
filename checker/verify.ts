/**
 * `xenmc verify`: every built-in model × variant × memory model it supports, each run
 * checking all the model's properties, compared cell by cell with the verdicts the model
 * expects (which a test keeps equal to ../shared/design/verdicts.tsv).
 */
import { checkProgram, type CheckOptions } from './check.ts';
import { memoryModelInfo } from './memory/index.ts';
import type { MemoryModelName } from './memory/model.ts';
import type { ExpectedVerdict, Model, VerifySettings } from './model.ts';
import { DEADLOCK_ID, RUNTIME_ERROR_ID } from './compile.ts';
import type { Progress } from './explore/search.ts';
import type { Result, Verdict } from './result.ts';

/** How a cell compares: agree/differ where an expectation exists; otherwise why it was not compared. */
export type Comparison = 'agree' | 'differ' | 'unstated' | 'unchecked' | 'incomplete';

export interface VerifyRow {
  readonly model: string;
  readonly variant: string;
  readonly mm: MemoryModelName;
  readonly property: string;
  readonly expected: ExpectedVerdict;
  readonly verdict: Verdict;
  readonly comparison: Comparison;
  readonly states: number;
  readonly seconds: number;
}

export interface VerifyRun {
  readonly model: Model;
  readonly variant: string;
  readonly mm: MemoryModelName;
  readonly result: Result;
  readonly rows: readonly VerifyRow[];
  /** why this run used the model's own settings (Model.verifyWith) instead of the defaults */
  readonly settings?: string;
  /** verify did not search this run (VerifySettings.undecided); `settings` says why */
  readonly undecided?: true;
}

export interface VerifyOptions extends Omit<CheckOptions, 'mm' | 'properties' | 'variant' | 'params'> {
  readonly models?: readonly string[];
  readonly variants?: readonly string[];
  readonly mms?: readonly MemoryModelName[];
  readonly onRun?: (run: VerifyRun) => void;
  readonly onProgress?: (p: Progress) => void;
}

export function compare(expected: ExpectedVerdict, verdict: Verdict): Comparison {
  if (verdict === 'unchecked') return 'unchecked';
  if (verdict === 'incomplete') return 'incomplete';
  if (expected === 'unstated') return 'unstated';
  return expected === verdict ? 'agree' : 'differ';
}

/** The memory models a model declares that this checker implements. */
export function supportedMemoryModels(model: Model): MemoryModelName[] {
  return model.memoryModels.filter((mm) => memoryModelInfo(mm) !== undefined);
}

/**
 * The runs that decide one cell: the model's settings (Model.verifyWith), split by the
 * properties each names; undefined stands for a run with the defaults. Every property is
 * decided by exactly one run.
 */
export function cellRuns(model: Model, variant: string, mm: MemoryModelName): (VerifySettings | undefined)[] {
  const given = model.verifyWith?.(variant, mm);
  if (given === undefined) return [undefined];
  const list: readonly VerifySettings[] = Array.isArray(given) ? given : [given as VerifySettings];
  const all = [...new Set([...model.properties.map((p) => p.id), DEADLOCK_ID, RUNTIME_ERROR_ID])];
  const named = new Set<string>();
  for (const s of list) {
    for (const id of s.properties ?? []) {
      if (!all.includes(id)) throw new Error(`${model.name}: verify settings for ${variant}/${mm} name unknown property '${id}' (properties: ${all.join(', ')})`);
      if (named.has(id)) throw new Error(`${model.name}: verify settings for ${variant}/${mm} decide '${id}' in two runs`);
      named.add(id);
    }
  }
  const rest = all.filter((id) => !named.has(id));
  const open = list.filter((s) => s.properties === undefined);
  if (open.length > 1) throw new Error(`${model.name}: verify settings for ${variant}/${mm} leave the properties of more than one run unnamed`);
  // A run that names no properties takes the rest; one with exactly the rest's is the same run.
  const runs: (VerifySettings | undefined)[] = list.map((s) => (s.properties === undefined && list.length > 1 ? { ...s, properties: rest } : s));
  if (open.length === 0 && rest.length > 0) runs.push({ properties: rest, reason: 'the default instance, for the properties no other run decides' });
  return runs.filter((s) => s === undefined || s.properties === undefined || s.properties.length > 0);
}

/** A run verify does not search (VerifySettings.undecided): every property unchecked, with the reason. */
function undecided(r: Result, reason: string): Result {
  return { ...r, verdict: 'unchecked', properties: r.properties.map((p) => ({ id: p.id, kind: p.kind, description: p.description, verdict: 'unchecked', reason })) };
}

export function verifyModels(models: readonly Model[], opts: VerifyOptions = {}): VerifyRun[] {
  const runs: VerifyRun[] = [];
  for (const model of models) {
    if (opts.models && !opts.models.includes(model.name)) continue;
    for (const variant of model.variants) {
      if (opts.variants && !opts.variants.includes(variant.id)) continue;
      for (const mm of supportedMemoryModels(model)) {
        if (opts.mms && !opts.mms.includes(mm)) continue;
        for (const settings of cellRuns(model, variant.id, mm)) {
          const params = model.resolveParams(settings?.params ?? {});
          const checked = checkProgram(model.program(variant.id, mm, params), {
            ...opts, mm, variant: variant.id, params,
            ...(settings?.properties ? { properties: settings.properties } : {}),
            ...(settings?.promises !== undefined ? { promises: Math.max(settings.promises, opts.promises ?? 0) } : {}),
            ...(settings?.buffer !== undefined ? { buffer: Math.max(settings.buffer, opts.buffer ?? 0) } : {}),
            ...(settings?.order !== undefined ? { order: settings.order } : {}),
            ...(settings?.seed !== undefined ? { seed: settings.seed } : {}),
            // an undecided cell is not searched: its properties are only listed
            ...(settings?.undecided ? { maxStates: 1 } : {}),
          });
          const result: Result = settings?.undecided ? undecided(checked, settings.reason) : checked;
          const declared = new Set(model.properties.map((p) => p.id));
          const allHold = model.properties.every((p) => model.expected(variant.id, mm, p.id) === 'holds');
          // A violation not found while a bound limited the search (a full store buffer, the
          // promise bound) is no evidence against the expectation: the cell is incomplete.
          const bounded = result.bounds.bufferReached || result.bounds.promisesReached;
          const rows = result.properties.map((p): VerifyRow => {
            // Built-in properties (deadlock, runtime-error) must hold wherever the model expects everything to hold.
            const expected = declared.has(p.id) ? model.expected(variant.id, mm, p.id) : allHold ? 'holds' : 'unstated';
            return {
              model: model.name, variant: variant.id, mm, property: p.id, expected, verdict: p.verdict,
              comparison: bounded && expected === 'violated' && p.verdict === 'holds' ? 'incomplete' : compare(expected, p.verdict),
              states: result.states, seconds: result.seconds,
            };
          });
          const run: VerifyRun = { model, variant: variant.id, mm, result, rows, ...(settings ? { settings: settings.reason } : {}), ...(settings?.undecided ? { undecided: true as const } : {}) };
          runs.push(run);
          opts.onRun?.(run);
        }
      }
    }
  }
  return runs;
}
