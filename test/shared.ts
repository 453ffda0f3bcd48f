/**
 * The project's shared reference material (../shared beside the repository: the design
 * documents, verdicts.tsv, the litmus corpus, the SPIN peer). Tests that compare against it
 * fail with a clear message when it is missing rather than passing vacuously.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function sharedPath(...parts: string[]): string {
  const root = process.env.XENMC_SHARED ?? path.resolve(repo, '..', 'shared');
  const p = path.join(root, ...parts);
  if (!existsSync(p)) throw new Error(`${p} is missing: the tests need the shared/ folder beside the repository (or XENMC_SHARED pointing at it)`);
  return p;
}

export interface VerdictRow {
  readonly model: string;
  readonly variant: string;
  readonly mm: 'sc' | 'tso' | 'pso' | 'armv8';
  readonly property: string;
  readonly expected: 'holds' | 'violated' | 'unstated';
  readonly needs: string;
  readonly basis: string;
}

/** ../shared/design/verdicts.tsv, parsed. */
export function verdictsTsv(): VerdictRow[] {
  const [header, ...lines] = readFileSync(sharedPath('design', 'verdicts.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  return lines.map((l) => {
    const f = l.split('\t');
    const get = (c: string): string => f[cols.indexOf(c)] ?? '';
    return { model: get('model'), variant: get('variant'), mm: get('mm') as VerdictRow['mm'], property: get('property'), expected: get('expected') as VerdictRow['expected'], needs: get('needs'), basis: get('basis') };
  });
}

export const repoRoot = repo;
