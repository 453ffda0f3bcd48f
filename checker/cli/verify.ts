/** `xenmc verify`: every built-in model × variant × supported memory model, against the expected verdicts. */
import type { Command } from '@commander-js/extra-typings';
import { DEFAULT_BUFFER, DEFAULT_PROMISES } from '../check.ts';
import { usageError } from '../errors.ts';
import { supportedMemoryModels, verifyModels } from '../verify.ts';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { verifyJson } from '../../reports/json.ts';
import { renderVerifyRun, renderVerifySummary, summarize } from '../../reports/text.ts';
import * as path from 'node:path';
import {
  collect, EXIT_INCOMPLETE, EXIT_OK, EXIT_VIOLATED, memoryModelName, nonNegativeInt, positiveInt, positiveNumber, progressPrinter,
  type CommandContext,
} from './common.ts';

export function registerVerify(program: Command, { io, setExit }: CommandContext): void {
  program
    .command('verify')
    .description('check every built-in model × variant × supported memory model and compare with the expected verdicts')
    .option('--model <name>', 'only these models (repeatable, or comma-separated)', collect)
    .option('--variant <id>', 'only these variants (repeatable, or comma-separated)', collect)
    .option('--mm <name>', 'only these memory models (repeatable, or comma-separated)', collect)
    .option('--buffer <n>', `store-buffer capacity per thread (tso), per thread and location (pso), or writes in flight beyond one per location (armv8) (default ${DEFAULT_BUFFER})`, positiveInt('--buffer'))
    .option('--promises <n>', `armv8: promises outstanding at once (default ${DEFAULT_PROMISES})`, nonNegativeInt('--promises'))
    .option('--max-states <n>', 'bound each run (cut-short runs are reported incomplete)', positiveInt('--max-states'))
    .option('--timeout <seconds>', 'bound each run in time', positiveNumber('--timeout'))
    .option('--exact', 'store whole states instead of 64-bit fingerprints (always so when a liveness property is checked)')
    .option('--json', 'print one JSON object per line and property')
    .option('--report <dir>', 'write a report folder per violation found, index.html (the verdict matrix), junit.xml and summary.json into <dir>')
    .option('--no-progress', 'do not print progress lines on stderr')
    .exitOverride()
    .action(async (opts) => {
      const names = BUILTIN_MODELS.map((m) => m.name);
      for (const n of opts.model ?? []) if (!names.includes(n)) throw usageError(`unknown model '${n}' (built-in models: ${names.join(', ')})`);
      const mms = opts.mm?.map(memoryModelName);
      const started = performance.now();
      const runs = verifyModels(BUILTIN_MODELS, {
        ...(opts.model ? { models: opts.model } : {}),
        ...(opts.variant ? { variants: opts.variant } : {}),
        ...(mms ? { mms } : {}),
        ...(opts.buffer !== undefined ? { buffer: opts.buffer } : {}),
        ...(opts.promises !== undefined ? { promises: opts.promises } : {}),
        ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
        ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
        ...(opts.exact ? { exact: true } : {}),
        ...(progressPrinter(io, opts.progress) ? { onProgress: progressPrinter(io, opts.progress)! } : {}),
        onRun: (run) => {
          if (opts.json) for (const row of run.rows) io.out(JSON.stringify(verifyJson(row)));
          else io.out(renderVerifyRun(run));
        },
      });
      if (runs.length === 0) throw usageError('verify: the filters select no model × variant × memory model');
      const declared = new Set(BUILTIN_MODELS.filter((m) => !opts.model || opts.model.includes(m.name)).flatMap((m) => m.memoryModels));
      const supported = new Set(BUILTIN_MODELS.flatMap(supportedMemoryModels));
      const notImplemented = [...declared].filter((mm) => !supported.has(mm) && (!mms || mms.includes(mm)));
      if (!opts.json) io.out(renderVerifySummary(runs, notImplemented, (performance.now() - started) / 1000));
      if (opts.report !== undefined) {
        // loaded only when asked for: Graphviz and the renderers would slow every start-up
        const { writeVerifyReport } = await import('../../reports/folders/verify.ts');
        await writeVerifyReport(opts.report, runs);
        (opts.json ? io.err : io.out)(`report: ${path.join(opts.report, 'index.html')} · ${path.join(opts.report, 'junit.xml')} · ${path.join(opts.report, 'summary.json')}`);
      }
      const s = summarize(runs.flatMap((r) => r.rows));
      setExit(s.differ > 0 ? EXIT_VIOLATED : s.incomplete > 0 ? EXIT_INCOMPLETE : EXIT_OK);
    });
}
