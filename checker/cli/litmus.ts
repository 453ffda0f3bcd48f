/** `xenmc litmus`: herd litmus tests, each with herd7's verdict and its final states. */
import type { Command } from '@commander-js/extra-typings';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BUFFER } from '../check.ts';
import { usageError } from '../errors.ts';
import { runLitmusFile, type LitmusOptions, type LitmusOutcome } from '../litmus.ts';
import { litmusJson, renderLitmus, renderLitmusSummary } from '../../reports/litmus.ts';
import {
  EXIT_BAD_INPUT, EXIT_INCOMPLETE, EXIT_OK, memoryModelName, nonNegativeInt, positiveInt, positiveNumber,
  type CommandContext,
} from './common.ts';

/** The .litmus files a path names: itself, or every one below a directory, in name order. */
export function litmusFiles(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw usageError(`no such file or directory: ${p}`);
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = path.join(p, e.name);
    if (e.isDirectory()) out.push(...litmusFiles(child));
    else if (e.name.endsWith('.litmus')) out.push(child);
  }
  return out;
}

export function registerLitmus(program: Command, { io, setExit }: CommandContext): void {
  program
    .command('litmus')
    .description('run herd litmus tests (X86, X86_64, AArch64, Linux-kernel C): herd7\'s Allowed/Forbidden and the final states')
    .argument('<paths...>', 'litmus files, or directories searched for *.litmus')
    .option('--mm <name>', 'memory model: sc | tso | pso | armv8 (default: tso for X86 and X86_64, armv8 for AArch64; C tests need one)')
    .option('--json', 'print one JSON object per line and test')
    .option('--witness', 'for an Allowed test, print the shortest execution that ends in a final state satisfying the proposition')
    .option('--buffer <n>', `store-buffer capacity per thread (tso), per thread and location (pso), or writes in flight beyond one per location (armv8) (default ${DEFAULT_BUFFER})`, positiveInt('--buffer'))
    .option('--promises <n>', 'armv8: promises outstanding at once (default: as many as the test has writes)', nonNegativeInt('--promises'))
    .option('--max-states <n>', 'bound each test (a test cut short is Incomplete)', positiveInt('--max-states'))
    .option('--timeout <seconds>', 'bound each test in time', positiveNumber('--timeout'))
    .option('--exact', 'store whole states instead of 64-bit fingerprints')
    .option('--report <dir>', 'for each Allowed test, write the report of a witness execution (its event graph in DOT and GraphML, an HTML page) into <dir>/<test>')
    .exitOverride()
    .action(async (paths, opts) => {
      const mm = opts.mm === undefined ? undefined : memoryModelName(opts.mm);
      const files = paths.flatMap(litmusFiles);
      if (files.length === 0) throw usageError(`no .litmus files in ${paths.join(', ')}`);
      const options: LitmusOptions = {
        ...(mm !== undefined ? { mm } : {}),
        ...(opts.buffer !== undefined ? { buffer: opts.buffer } : {}),
        ...(opts.promises !== undefined ? { promises: opts.promises } : {}),
        ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
        ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
        ...(opts.exact ? { exact: true } : {}),
        ...(opts.witness || opts.report !== undefined ? { witness: true } : {}),
      };
      const started = performance.now();
      const outcomes: LitmusOutcome[] = [];
      for (const file of files) {
        const o = runLitmusFile(file, options);
        outcomes.push(o);
        if (o.error !== undefined && (o.verdict === 'Unsupported' || o.verdict === 'Error')) io.err(`xenmc: ${o.error}`);
        io.out(opts.json ? JSON.stringify(litmusJson(o)) : renderLitmus(o));
        if (opts.report !== undefined && o.witness && o.verdict === 'Allowed') {
          // loaded only when asked for: Graphviz and the renderers would slow every start-up
          const { writeWitnessReport } = await import('../../reports/folders/witness.ts');
          const { folderName } = await import('../../reports/folders/write.ts');
          const dir = path.join(opts.report, folderName(o.name));
          await writeWitnessReport(dir, { test: o.name, mm: o.mm ?? '', condition: o.condition ?? '', verdict: o.verdict, trace: o.witness });
          (opts.json ? io.err : io.out)(`  report: ${path.join(dir, 'report.html')}`);
        }
      }
      if (!opts.json && outcomes.length > 1) io.out(renderLitmusSummary(outcomes, (performance.now() - started) / 1000));
      const bad = outcomes.some((o) => o.verdict === 'Unsupported' || o.verdict === 'Error');
      const cut = outcomes.some((o) => o.verdict === 'Incomplete');
      setExit(bad ? EXIT_BAD_INPUT : cut ? EXIT_INCOMPLETE : EXIT_OK);
    });
}
