/**
 * A model as users and the built-in protocols define it: named variants (the fixed code
 * and each bug), parameters, the properties it checks, the verdicts it is expected to
 * get under each memory model, and a `build` function that writes the program with the
 * builder for one variant, memory model and parameter set.
 *
 *   export default defineModel({
 *     name: 'mp', title: 'message passing',
 *     variants: [{ id: 'fenced', title: 'with wmb/rmb' }, { id: 'unfenced', title: 'no barriers' }],
 *     properties: [{ id: 'MP', title: 'the reader sees the data it was signalled' }],
 *     build(m, ctx) { ... },
 *   });
 */
import { ModelBuilder } from './builder.ts';
import { InputError, modelError, usageError } from './errors.ts';
import type { Program } from './ir.ts';
import type { MemoryModelName } from './memory/model.ts';
import type { SearchOrder } from './result.ts';
import { callerPosition } from './source.ts';

export type ExpectedVerdict = 'holds' | 'violated' | 'unstated';

export type ParamSpec =
  | { readonly kind: 'int'; readonly default: number; readonly min: number; readonly max: number; readonly description: string }
  | { readonly kind: 'choice'; readonly default: string; readonly choices: readonly string[]; readonly description: string };

export interface VariantSpec {
  /** the id protocols.md gives it: A-F, A-B5, ... */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}

export interface PropertySpec {
  readonly id: string;
  readonly title: string;
  /**
   * a property only a liveness check decides: defined in `build` with m.eventually,
   * m.leadsTo, m.alwaysEventually or m.progress; a variant that does not define it reports
   * it `unchecked`, never `holds`
   */
  readonly needs?: 'liveness';
}

export type ParamValues = Readonly<Record<string, number | string>>;

export interface BuildContext {
  readonly variant: string;
  readonly mm: MemoryModelName;
  readonly params: ParamValues;
  /** an integer parameter */
  int(name: string): number;
  /** a choice parameter */
  choice(name: string): string;
}

/** Expected verdicts: the model's own statement of what a correct checker must find. */
export type Expectations = (variant: string, mm: MemoryModelName, property: string) => ExpectedVerdict;

/**
 * What `xenmc verify` runs one cell with, where the defaults cannot decide it: a bug that
 * needs a third request to show, or two promises outstanding at once under ARMv8. The
 * reason is printed with the run, so a reader sees why its parameters differ.
 */
export interface VerifySettings {
  readonly params?: Readonly<Record<string, string | number>>;
  readonly promises?: number;
  readonly buffer?: number;
  /**
   * The properties this run decides (built-in ones by their ids, `deadlock` and
   * `runtime-error`). When `verifyWith` gives several runs for one cell, each property is
   * decided by the run that names it, and the rest by the one run that names none (or, if
   * every run names its properties, by a run with the defaults). A run that checks only
   * properties expected violated stops once it has found them all.
   */
  readonly properties?: readonly string[];
  /**
   * Search depth-first (`xenmc check --search dfs`), shuffled from `seed` when one is given:
   * for a violation deep in a space too large to search breadth-first to that depth. The
   * counterexample is then the path the search took, not necessarily a shortest one.
   */
  readonly order?: SearchOrder;
  readonly seed?: number;
  /**
   * The checker cannot decide these properties at any instance that runs in routine time
   * (the reason says what was measured): verify reports them `unchecked` with the reason,
   * rather than run out of memory or report a bound as `incomplete`.
   */
  readonly undecided?: true;
  readonly reason: string;
}

export interface ModelDefinition {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  /** the Xen/QEMU sources (repository and path) the model follows */
  readonly sources?: readonly string[];
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** the first variant is the default (by convention the fixed one) */
  readonly variants: readonly VariantSpec[];
  readonly properties: readonly PropertySpec[];
  /** the memory models the expectations cover (default: all four) */
  readonly memoryModels?: readonly MemoryModelName[];
  readonly expected?: Expectations;
  /** per variant and memory model, settings that `xenmc verify` uses instead of the defaults */
  readonly verifyWith?: (variant: string, mm: MemoryModelName) => VerifySettings | readonly VerifySettings[] | undefined;
  build(m: ModelBuilder, ctx: BuildContext): void;
}

export interface Model extends ModelDefinition {
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly memoryModels: readonly MemoryModelName[];
  readonly expected: Expectations;
  /** where the model was defined (for errors) */
  readonly file: string;
  /** Resolve parameters (defaults, parsing, ranges), or throw a usage error naming the problem. */
  resolveParams(given: Readonly<Record<string, string | number>>): ParamValues;
  /** Build the program of one variant under one memory model. */
  program(variant: string, mm: MemoryModelName, params?: Readonly<Record<string, string | number>>): Program;
}

export const isModel = (x: unknown): x is Model =>
  typeof x === 'object' && x !== null && typeof (x as Model).program === 'function' && typeof (x as Model).name === 'string';

export function defineModel(def: ModelDefinition): Model {
  const src = callerPosition();
  if (!def.name || !/^[a-z0-9][a-z0-9._-]*$/i.test(def.name)) throw modelError(`model name '${def.name}' must be a simple identifier`, src);
  if (!def.variants || def.variants.length === 0) throw modelError(`model '${def.name}' needs at least one variant`, src);
  const ids = new Set<string>();
  for (const v of def.variants) {
    if (ids.has(v.id)) throw modelError(`variant '${v.id}' is declared twice`, src);
    ids.add(v.id);
  }
  const pids = new Set<string>();
  for (const p of def.properties) {
    if (pids.has(p.id)) throw modelError(`property '${p.id}' is declared twice`, src);
    pids.add(p.id);
  }
  const params = def.params ?? {};
  for (const [name, spec] of Object.entries(params)) {
    if (spec.kind === 'int' && (spec.default < spec.min || spec.default > spec.max)) throw modelError(`parameter '${name}': default ${spec.default} is outside ${spec.min}..${spec.max}`, src);
    if (spec.kind === 'choice' && !spec.choices.includes(spec.default)) throw modelError(`parameter '${name}': default '${spec.default}' is not one of its choices`, src);
  }
  const model: Model = {
    ...def,
    params,
    memoryModels: def.memoryModels ?? ['sc', 'tso', 'pso', 'armv8'],
    expected: def.expected ?? (() => 'unstated'),
    file: src.file,
    resolveParams(given) {
      const out: Record<string, number | string> = {};
      for (const key of Object.keys(given)) {
        if (!(key in params)) {
          const known = Object.keys(params);
          throw usageError(`model '${def.name}' has no parameter '${key}'${known.length ? ` (parameters: ${known.join(', ')})` : ' (it takes none)'}`);
        }
      }
      for (const [name, spec] of Object.entries(params)) {
        const raw = given[name];
        if (raw === undefined) { out[name] = spec.default; continue; }
        if (spec.kind === 'int') {
          const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
          if (!Number.isInteger(n) || n < spec.min || n > spec.max) throw usageError(`parameter '${name}' of model '${def.name}' must be an integer in ${spec.min}..${spec.max}, got '${raw}'`);
          out[name] = n;
        } else {
          const s = String(raw);
          if (!spec.choices.includes(s)) throw usageError(`parameter '${name}' of model '${def.name}' must be one of ${spec.choices.join(', ')}, got '${s}'`);
          out[name] = s;
        }
      }
      return out;
    },
    program(variant, mm, given = {}) {
      const v = def.variants.find((x) => x.id === variant);
      if (!v) throw usageError(`model '${def.name}' has no variant '${variant}' (variants: ${def.variants.map((x) => x.id).join(', ')})`);
      const values = model.resolveParams(given);
      const ctx: BuildContext = {
        variant, mm, params: values,
        int(name) {
          const x = values[name];
          if (typeof x !== 'number') throw modelError(`model '${def.name}' reads integer parameter '${name}', which it does not declare`, callerPosition());
          return x;
        },
        choice(name) {
          const x = values[name];
          if (typeof x !== 'string') throw modelError(`model '${def.name}' reads choice parameter '${name}', which it does not declare`, callerPosition());
          return x;
        },
      };
      const m = new ModelBuilder(def.name);
      for (const p of def.properties) m.descriptions.set(p.id, p.title);
      try {
        def.build(m, ctx);
      } catch (e) {
        if (e instanceof InputError) throw e;
        const pos = callerPositionOf(e);
        throw modelError(`building model '${def.name}' failed: ${e instanceof Error ? e.message : String(e)}`, pos);
      }
      for (const p of def.properties) {
        const defined = m.properties.some((q) => q.id === p.id);
        if (!defined && p.needs === 'liveness') m.unchecked(p.id, 'a liveness property this variant does not define (with m.eventually, m.leadsTo, m.alwaysEventually or m.progress)', p.title);
        else if (!defined) throw modelError(`property '${p.id}' is declared by model '${def.name}' but nothing checks it in variant ${variant} (add an assert, invariant or deadlock property)`, src);
      }
      for (const q of m.properties) {
        if (!pids.has(q.id)) throw modelError(`property '${q.id}' is checked by model '${def.name}' but not declared in its properties list`, q.src);
      }
      // Report properties in the order the model declares them, built-in ones last.
      const order = new Map(def.properties.map((p, i) => [p.id, i]));
      m.properties.sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
      return m.build();
    },
  };
  return model;
}

/** The model-file line a plain Error (not ours) was thrown from, when its stack shows one. */
function callerPositionOf(e: unknown): import('./ir.ts').SourcePos | null {
  if (!(e instanceof Error) || !e.stack) return null;
  const m = /\(?((?:file:\/\/)?[^()\s]+\.(?:ts|js|mts|mjs)):(\d+):(\d+)\)?/.exec(e.stack.split('\n').slice(1).join('\n'));
  if (!m) return null;
  const file = m[1].startsWith('file://') ? new URL(m[1]).pathname : m[1];
  return { file, line: Number(m[2]), column: Number(m[3]) };
}
