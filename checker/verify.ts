/**
 * `xenmc verify`: every built-in model × variant × memory model it supports, each run
 * checking all the model's properties, compared cell by cell with the verdicts the model
 * expects (which a test keeps equal to ../shared/design/verdicts.tsv).
 */
import { checkProgram, type CheckOptions } from './check.ts';
import { memoryModelInfo } from './memory/index.ts';
import type { MemoryModelName } from './memory/model.ts';
import type { ExpectedVerdict, Model } from './model.ts';
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

export function verifyModels(models: readonly Model[], opts: VerifyOptions = {}): VerifyRun[] {
  const runs: VerifyRun[] = [];
  for (const model of models) {
    if (opts.models && !opts.models.includes(model.name)) continue;
    for (const variant of model.variants) {
      if (opts.variants && !opts.variants.includes(variant.id)) continue;
      for (const mm of supportedMemoryModels(model)) {
        if (opts.mms && !opts.mms.includes(mm)) continue;
        const settings = model.verifyWith?.(variant.id, mm);
        const params = model.resolveParams(settings?.params ?? {});
        const result = checkProgram(model.program(variant.id, mm, params), {
          ...opts, mm, variant: variant.id, params,
          ...(settings?.promises !== undefined ? { promises: Math.max(settings.promises, opts.promises ?? 0) } : {}),
          ...(settings?.buffer !== undefined ? { buffer: Math.max(settings.buffer, opts.buffer ?? 0) } : {}),
        });
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
        const run: VerifyRun = { model, variant: variant.id, mm, result, rows, ...(settings ? { settings: settings.reason } : {}) };
        runs.push(run);
        opts.onRun?.(run);
      }
    }
  }
  return runs;
}
