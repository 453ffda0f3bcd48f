/**
 * The litmus front end: a herd litmus file (X86, X86_64, AArch64, or Linux-kernel C) in,
 * an IR Program out, with the final condition as a `final` property. As in herd, the
 * parts are separate: the splitter (splitter.ts), the init block (init.ts), the condition
 * (condition.ts), one front end per architecture (arch/x86.ts, arch/aarch64.ts,
 * linux-c.ts) and the assembly into IR (program.ts). Nothing here runs a search.
 *
 * A malformed file throws LitmusSyntaxError, one using something xenmc does not model
 * LitmusUnsupportedError; both name the file and line.
 */
import { readFileSync } from 'node:fs';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { observed, type Arch, type Condition, type MetaEntry } from './ast.ts';
import { TestSymbols, ThreadCode } from './code.ts';
import { parseCondition } from './condition.ts';
import { parseInit } from './init.ts';
import { assemble, type LitmusProgram } from './program.ts';
import { splitTest } from './splitter.ts';
import { threadTable } from './table.ts';
import { canonicalAArch64Register, lowerAArch64Thread } from './arch/aarch64.ts';
import { canonicalX86Register, lowerX86Thread } from './arch/x86.ts';
import { parseLinuxC, type LinuxTest } from './linux-c.ts';
import { InputError } from '../../checker/errors.ts';

export { LitmusSyntaxError, LitmusUnsupportedError } from './errors.ts';
export type { LitmusProgram, ObservedValue } from './program.ts';
export { conditionText, propText, type Arch, type Condition, type Quantifier } from './ast.ts';

export interface LitmusTest {
  readonly file: string;
  readonly name: string;
  readonly arch: Arch;
  readonly doc: string | null;
  readonly meta: readonly MetaEntry[];
  readonly condition: Condition;
  /**
   * The IR program under memory model `mm`. Assembly tests mean the same under every
   * model; C tests map each kernel primitive to what the kernel compiles it to on the
   * target (linux-kernel.ts), so they need the memory model.
   */
  program(mm: MemoryModelName): LitmusProgram;
}

export function parseLitmus(file: string, text: string): LitmusTest {
  const split = splitTest(file, text);
  const condition = parseCondition(split.condition, file);
  const init = parseInit(split.init, file);
  const base = { file, name: split.name, arch: split.arch, doc: split.doc, meta: split.meta, condition };

  if (split.arch === 'C') {
    const linux: LinuxTest = parseLinuxC(split, init, condition);
    return { ...base, program: (mm) => linux.program(mm) };
  }

  const symbols = new TestSymbols(file);
  const columns = threadTable(split.program, file);
  const threads = columns.map((col) => new ThreadCode(symbols, col.index, col.name, col.line));
  const arch = split.arch;
  const canonical = arch === 'AArch64' ? canonicalAArch64Register : canonicalX86Register(arch);
  // Initialised locations first, so they are laid out in the order the test declares them.
  for (const e of init) if (e.target.k === 'loc') symbols.loc(e.target.name, e.line);
  const observedRegs = columns.map(() => new Set<string>());
  for (const r of observed(condition)) {
    if (r.k === 'reg' && observedRegs[r.thread]) observedRegs[r.thread].add(canonical(r.reg, { file, line: condition.line }));
  }
  columns.forEach((col, i) => {
    if (arch === 'AArch64') lowerAArch64Thread(threads[i], col.cells, observedRegs[i]);
    else lowerX86Thread(threads[i], col.cells, arch);
  });
  const program = assemble(split.name, init, condition, symbols, threads, canonical);
  return { ...base, program: () => program };
}

export function readLitmus(file: string): LitmusTest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('file', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseLitmus(file, text);
}
