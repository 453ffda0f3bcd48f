/**
 * The public API: what a model file imports from 'xenmc'.
 *
 *   import { defineModel, and, or } from 'xenmc';
 *   export default defineModel({ name, title, variants, properties, build(m, ctx) { ... } });
 *
 * Built-in models use exactly this API, plus the Xen primitives exported below.
 */
export { defineModel } from './model.ts';
export type { BuildContext, ExpectedVerdict, Model, ModelDefinition, ParamSpec, PropertySpec, VariantSpec, VerifySettings } from './model.ts';
export { expectationTable } from './expectations.ts';
export type { ExpectationCell, ExpectationTable } from './expectations.ts';
export { ModelBuilder, ThreadBuilder, Loc, LocArray, LocRef, GhostArray, GhostRef, Reg } from './builder.ts';
export type { InstrOptions, LoadOptions, StoreOptions, RmwOptions, ThreadOptions, LocationOptions } from './builder.ts';
export { Term, term, eq, ne, lt, le, gt, ge, add, sub, mul, mod, not, and, or, ite } from './term.ts';
export type { Operand } from './term.ts';
export { checkProgram, prepare } from './check.ts';
export type { CheckOptions } from './check.ts';
export type * from './ir.ts';
export type { Result, PropertyResult, Trace, TraceStep, MemoryEvent, Verdict, Bounds } from './result.ts';
export type { MemoryModelName } from './memory/model.ts';
export { barrier, barrierKind, BARRIERS } from '../models/xen/barriers.ts';
export type { BarrierName } from '../models/xen/barriers.ts';
export * as xen from '../models/xen/index.ts';
