/**
 * The xenmc command line. Exit codes: 0 every checked property holds (verify: every
 * compared verdict agrees); 1 a property is violated (verify: a verdict differs from the
 * expected one); 2 bad input (an unknown model, variant, memory model or parameter, a
 * malformed model file), always as one line naming what is wrong and what is supported;
 * 3 incomplete (a state or time bound cut the search short).
 */
import { Command, CommanderError, InvalidArgumentError } from '@commander-js/extra-typings';
import { DEFAULT_BUFFER } from './check.ts';
import { isInputError, usageError } from './errors.ts';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { asInputError, checkModel, findModel } from './run.ts';
import { ALL_MEMORY_MODEL_NAMES, MEMORY_MODELS, memoryModelInfo } from './memory/index.ts';
import type { MemoryModelName } from './memory/model.ts';
import type { Progress } from './explore/search.ts';
import { supportedMemoryModels, verifyModels } from './verify.ts';
import { BUILTIN_MODELS } from '../models/index.ts';
import { checkJson, listJson, verifyJson } from '../reports/json.ts';
import { num, renderCheck, renderList, renderVerifyRun, renderVerifySummary, summarize } from '../reports/text.ts';

export const EXIT_OK = 0;
export const EXIT_VIOLATED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INCOMPLETE = 3;
export const EXIT_INTERNAL = 70;

interface Io {
  out(s: string): void;
  err(s: string): void;
}

const processIo: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

function positiveInt(name: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${raw}'`);
    return Number(raw);
  };
}

function positiveNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds, got '${raw}'`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
}

function parseParams(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of raw) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(p);
    if (!m) throw usageError(`--param takes name=value, got '${p}'`);
    out[m[1]] = m[2];
  }
  return out;
}

function memoryModelName(raw: string): MemoryModelName {
  const implemented = MEMORY_MODELS.map((m) => m.name);
  if ((ALL_MEMORY_MODEL_NAMES as readonly string[]).includes(raw) && memoryModelInfo(raw)) return raw as MemoryModelName;
  const planned = ALL_MEMORY_MODEL_NAMES.filter((n) => !implemented.includes(n));
  if ((ALL_MEMORY_MODEL_NAMES as readonly string[]).includes(raw)) {
    throw usageError(`memory model '${raw}' is not implemented yet (implemented: ${implemented.join(', ')})`);
  }
  throw usageError(`unknown memory model '${raw}' (memory models: ${implemented.join(', ')}${planned.length ? `; planned: ${planned.join(', ')}` : ''})`);
}

function progressPrinter(io: Io, enabled: boolean): ((p: Progress) => void) | undefined {
  if (!enabled) return undefined;
  return (p) => io.err(`progress: depth ${p.depth} · ${num(p.states)} states (${num(Math.round(p.statesPerSecond))}/s) · frontier ${num(p.frontier)} · ${num(p.transitions)} transitions · ${p.seconds.toFixed(1)} s`);
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command()
    .name('xenmc')
    .description('Explicit-state model checker for Xen shared-memory protocols under SC, x86-TSO, PSO and ARMv8')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => {} });

  program
    .command('list')
    .description('list the built-in models (variants, properties, parameters) and the memory models')
    .option('--json', 'print one JSON object')
    .exitOverride()
    .action((opts) => {
      const planned = ALL_MEMORY_MODEL_NAMES.filter((n) => !memoryModelInfo(n));
      io.out(opts.json ? JSON.stringify(listJson(BUILTIN_MODELS, MEMORY_MODELS, planned)) : renderList(BUILTIN_MODELS, MEMORY_MODELS));
    });

  program
    .command('check')
    .description('check one model (built-in name or path to a .ts model file) under one memory model')
    .argument('<model>', 'a built-in model name (see `xenmc list`) or the path of a model file')
    .option('--variant <id>', 'the variant to check (default: the model\'s first, fixed one)')
    .option('--mm <name>', 'memory model: sc | tso', 'sc')
    .option('--property <id>', 'check only these properties (repeatable, or comma-separated)', collect)
    .option('--param <name=value>', 'set a model parameter (repeatable)', collect)
    .option('--buffer <n>', `store-buffer capacity per thread (default ${DEFAULT_BUFFER})`, positiveInt('--buffer'))
    .option('--max-states <n>', 'stop after this many states (the verdict is then incomplete)', positiveInt('--max-states'))
    .option('--timeout <seconds>', 'stop after this long (the verdict is then incomplete)', positiveNumber('--timeout'))
    .option('--exact', 'store whole states instead of 64-bit fingerprints')
    .option('--json', 'print one JSON object')
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
              ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
              ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
              ...(opts.exact ? { exact: true } : {}),
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
      exitCode = result.verdict === 'violated' ? EXIT_VIOLATED : result.verdict === 'incomplete' ? EXIT_INCOMPLETE : EXIT_OK;
    });

  program
    .command('verify')
    .description('check every built-in model × variant × supported memory model and compare with the expected verdicts')
    .option('--model <name>', 'only these models (repeatable, or comma-separated)', collect)
    .option('--variant <id>', 'only these variants (repeatable, or comma-separated)', collect)
    .option('--mm <name>', 'only these memory models (repeatable, or comma-separated)', collect)
    .option('--buffer <n>', `store-buffer capacity per thread (default ${DEFAULT_BUFFER})`, positiveInt('--buffer'))
    .option('--max-states <n>', 'bound each run (cut-short runs are reported incomplete)', positiveInt('--max-states'))
    .option('--timeout <seconds>', 'bound each run in time', positiveNumber('--timeout'))
    .option('--exact', 'store whole states instead of 64-bit fingerprints')
    .option('--json', 'print one JSON object per line and property')
    .option('--no-progress', 'do not print progress lines on stderr')
    .exitOverride()
    .action((opts) => {
      const names = BUILTIN_MODELS.map((m) => m.name);
      for (const n of opts.model ?? []) if (!names.includes(n)) throw usageError(`unknown model '${n}' (built-in models: ${names.join(', ')})`);
      const mms = opts.mm?.map(memoryModelName);
      const started = performance.now();
      const runs = verifyModels(BUILTIN_MODELS, {
        ...(opts.model ? { models: opts.model } : {}),
        ...(opts.variant ? { variants: opts.variant } : {}),
        ...(mms ? { mms } : {}),
        ...(opts.buffer !== undefined ? { buffer: opts.buffer } : {}),
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
      const s = summarize(runs.flatMap((r) => r.rows));
      exitCode = s.differ > 0 ? EXIT_VIOLATED : s.incomplete > 0 ? EXIT_INCOMPLETE : EXIT_OK;
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      io.err(`xenmc: ${e.message.replace(/^error: /, '')}${e.code === 'commander.unknownCommand' ? ' (commands: list, check, verify)' : ''}`);
      return EXIT_BAD_INPUT;
    }
    if (isInputError(e)) {
      io.err(`xenmc: ${e.oneLine()}`);
      return EXIT_BAD_INPUT;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`xenmc: internal error: ${msg.split('\n')[0]}${process.env.XENMC_DEBUG ? `\n${e instanceof Error ? e.stack : ''}` : ' (set XENMC_DEBUG=1 for the stack trace, and please report it)'}`);
    return EXIT_INTERNAL;
  }
}
