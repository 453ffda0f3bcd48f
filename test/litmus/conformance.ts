/**
 * The litmus conformance suite's machinery, shared by the vitest suite
 * (conformance.test.ts) and `npm run conformance` (run-conformance.ts): the corpus in
 * ../shared/litmus with herd7's verdicts, each test run under a memory model, agreement
 * counted per folder, and the inclusion of one model's final states in another's.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runLitmusFile, type LitmusOutcome } from '../../checker/litmus.ts';
import { memoryModelInfo } from '../../checker/memory/index.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { sharedPath } from '../shared.ts';

export type Folder = 'x86' | 'aarch64' | 'linux';

export interface ExpectedRow {
  /** relative to the folder, as expected.tsv writes it */
  readonly file: string;
  readonly path: string;
  readonly herd: 'Allowed' | 'Forbidden';
  /** herd's Observation counts: executions whose final state does and does not satisfy the proposition */
  readonly positive: number;
  readonly negative: number;
  readonly quantifier: string;
  readonly arch: string;
}

export function expectedRows(folder: Folder): ExpectedRow[] {
  const dir = sharedPath('litmus', folder);
  const [header, ...lines] = readFileSync(path.join(dir, 'expected.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  return lines.map((l) => {
    const f = l.split('\t');
    const get = (c: string): string => f[cols.indexOf(c)] ?? '';
    return {
      file: get('file'), path: path.join(dir, get('file')), herd: get('herd_verdict') as ExpectedRow['herd'],
      positive: Number(get('positive')), negative: Number(get('negative')), quantifier: get('condition'), arch: get('arch'),
    };
  });
}

export interface Run {
  readonly row: ExpectedRow;
  readonly outcome: LitmusOutcome;
}

export function runRows(rows: readonly ExpectedRow[], mm?: MemoryModelName): Run[] {
  return rows.map((row) => ({ row, outcome: runLitmusFile(row.path, mm ? { mm } : {}) }));
}

/**
 * Tests whose disagreement with herd is known and explained. Each entry needs its reason;
 * a disagreement not listed here fails the suite, and so does an entry that agrees.
 */
export const KNOWN_GAPS: Readonly<Record<string, string>> = {};

export interface Agreement {
  readonly agree: number;
  readonly total: number;
  readonly disagreements: readonly Run[];
}

export function agreement(runs: readonly Run[]): Agreement {
  const disagreements = runs.filter((r) => r.outcome.verdict !== r.row.herd);
  return { agree: runs.length - disagreements.length, total: runs.length, disagreements };
}

/**
 * Whether xenmc's distinct final states, satisfying and not, are as many as herd's
 * Observation counts. herd counts executions, so the two agree only where each execution
 * ends in a final state of its own over what the condition observes: so on the x86 corpus
 * (all 73), not in general (herd's CAS, for one, has two dependency readings per execution).
 */
export function countsMatch(r: Run): boolean {
  const pos = r.outcome.finals.filter((f) => f.satisfies).length;
  return pos === r.row.positive && r.outcome.finals.length - pos === r.row.negative;
}

const finalKey = (values: Readonly<Record<string, number | string>>): string => JSON.stringify(Object.entries(values).sort());

/** For each test, the final states of `small` that `big` lacks: empty everywhere when small ⊆ big. */
export function notIncluded(small: readonly Run[], big: readonly Run[]): { file: string; missing: string[] }[] {
  const out: { file: string; missing: string[] }[] = [];
  small.forEach((s, i) => {
    const b = big[i];
    if (s.outcome.verdict === 'Unsupported' || s.outcome.verdict === 'Error') return;
    const have = new Set(b.outcome.finals.map((f) => finalKey(f.values)));
    const missing = s.outcome.finals.map((f) => finalKey(f.values)).filter((k) => !have.has(k));
    if (missing.length > 0) out.push({ file: s.row.file, missing });
  });
  return out;
}

/** Null when `mm` is registered, else why it cannot run yet. */
export function absent(mm: MemoryModelName): string | null {
  return memoryModelInfo(mm) ? null : `memory model '${mm}' is not registered yet (checker/memory/index.ts); it comes with the PSO/ARMv8 work`;
}
