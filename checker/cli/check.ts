/** `xenmc check`: one model, one variant, one memory model. */
import type { Command } from '@commander-js/extra-typings';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { DEFAULT_BUFFER, DEFAULT_PROMISES } from '../check.ts';
import { asInputError, checkModel, findModel } from '../run.ts';
import { checkJson } from '../../reports/json.ts';
import { renderCheck } from '../../reports/text.ts';
import * as path from 'node:path';
import {
  collect, EXIT_INCOMPLETE, EXIT_OK, EXIT_VIOLATED, memoryModelName, nonNegativeInt, parseParams, positiveInt, positiveNumber, progressPrinter, searchOrder,
  type CommandContext,
} from './common.ts';

export function registerCheck(program: Command, { io, setExit }: CommandContext): void {
  program
    .command('check')
    .description('check one model (built-in name or path to a .ts model file) under one memory model')
    .argument('<model>', 'a built-in model name (see `xenmc list`) or the path of a model file')
    .option('--variant <id>', 'the variant to check (default: the model\'s first, fixed one)')
    .option('--mm <name>', 'memory model: sc | tso | pso | armv8', 'sc')
    .option('--property <id>', 'check only these properties (repeatable, or comma-separated)', collect)
    .option('--param <name=value>', 'set a model parameter (repeatable)', collect)
    .option('--buffer <n>', `store-buffer capacity per thread (tso), per thread and location (pso), or writes in flight beyond one per location (armv8) (default ${DEFAULT_BUFFER})`, positiveInt('--buffer'))
    .option('--promises <n>', `armv8: promises outstanding at once, over all threads (default ${DEFAULT_PROMISES}; 0 leaves out load buffering)`, nonNegativeInt('--promises'))
    .option('--max-states <n>', 'stop after this many states (the verdict is then incomplete)', positiveInt('--max-states'))
    .option('--timeout <seconds>', 'stop after this long (the verdict is then incomplete)', positiveNumber('--timeout'))
    .option('--search <order>', 'bfs: breadth-first, every counterexample a shortest one (default); dfs: depth-first, as SPIN, for violations deep in spaces too large for bfs to reach them (the counterexample is the path taken; liveness properties are left unchecked)', searchOrder)
    .option('--seed <n>', 'with --search dfs: shuffle each state\'s successors from this seed (another seed explores another part first)', nonNegativeInt('--seed'))
    .option('--exact', 'store whole states instead of 64-bit fingerprints (always so when a liveness property is checked)')
    .option('--json', 'print one JSON object')
    .option('--report <dir>', 'write a report folder per violation into <dir> (HTML, ITF, DOT, GraphML, Mermaid, summary.json)')
    .option('--no-progress', 'do not print progress lines on stderr')
    .exitOverride()
    .action(async (modelArg, opts) => {
      const progress = progressPrinter(io, opts.progress);
      const outcome = await pipe(
        findModel(modelArg),
        TE.chainEitherK((model) => pipe(
          E.Do,
          E.bind('mm', () => E.tryCatch(() => memoryModelName(opts.mm), asInputError)),
          E.bind('params', () => E.tryCatch(() => parseParams(opts.param ?? []), asInputError)),
          E.chain(({ mm, params }) => checkModel(model, {
            mm, params,
            ...(opts.variant !== undefined ? { variant: opts.variant } : {}),
            options: {
              ...(opts.buffer !== undefined ? { buffer: opts.buffer } : {}),
              ...(opts.promises !== undefined ? { promises: opts.promises } : {}),
              ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
              ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
              ...(opts.exact ? { exact: true } : {}),
              ...(opts.search !== undefined ? { order: opts.search } : {}),
              ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
              ...(opts.property ? { properties: opts.property } : {}),
              ...(progress ? { onProgress: progress } : {}),
            },
          })),
          E.map((result) => ({ model, result })),
        )),
      )();
      if (E.isLeft(outcome)) throw outcome.left;
      const { model, result } = outcome.right;
      io.out(opts.json ? JSON.stringify(checkJson(result)) : renderCheck(result, model));
      if (opts.report !== undefined) {
        // loaded only when asked for: Graphviz and the renderers would slow every start-up
        const { writeCheckReport } = await import('../../reports/folders/check.ts');
        const folders = await writeCheckReport(opts.report, result, model);
        const say = opts.json ? io.err : io.out;
        for (const f of folders) say(`report: ${path.join(f, 'report.html')}`);
        say(`summary: ${path.join(opts.report, 'summary.json')}`);
      }
      setExit(result.verdict === 'violated' ? EXIT_VIOLATED : result.verdict === 'incomplete' ? EXIT_INCOMPLETE : EXIT_OK);
    });
}
