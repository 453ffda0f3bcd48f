/**
 * The typed edge between user input and the engine: naming a model, a variant, a memory
 * model and parameters either yields a Result or an InputError, as a value (fp-ts
 * Either/TaskEither). Errors that are not the user's input (bugs in xenmc) are not turned
 * into values: they propagate, and the CLI reports them as internal errors.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { checkProgram, type CheckOptions } from './check.ts';
import { isInputError, type InputError } from './errors.ts';
import { loadModel } from './load-model.ts';
import type { MemoryModelName } from './memory/model.ts';
import type { Model, ParamValues } from './model.ts';
import type { Result } from './result.ts';

/** Maps a thrown InputError to a value; anything else is a bug and is rethrown. */
export function asInputError(e: unknown): InputError {
  if (isInputError(e)) return e;
  throw e;
}

export interface CheckRequest {
  readonly variant?: string;
  readonly mm: MemoryModelName;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly options?: Omit<CheckOptions, 'mm' | 'variant' | 'params'>;
}

/** Resolve the variant and parameters of `model`, build its program and check it. */
export function checkModel(model: Model, req: CheckRequest): E.Either<InputError, Result> {
  return pipe(
    E.tryCatch(() => {
      const variant = req.variant ?? model.variants[0].id;
      const params: ParamValues = model.resolveParams(req.params ?? {});
      return { variant, params, program: model.program(variant, req.mm, params) };
    }, asInputError),
    E.chain(({ variant, params, program }) =>
      E.tryCatch(() => checkProgram(program, { ...req.options, mm: req.mm, variant, params }), asInputError)),
  );
}

/** Load a model by built-in name or file path. */
export const findModel = (arg: string): TE.TaskEither<InputError, Model> => TE.tryCatch(() => loadModel(arg), asInputError);
