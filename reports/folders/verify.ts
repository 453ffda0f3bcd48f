/**
 * `xenmc verify --report DIR`: a folder per violation found, expected or not
 * (model-variant-mm-property), index.html with the verdict matrix, junit.xml, summary.json.
 */
import * as path from 'node:path';
import type { VerifyRun } from '../../checker/verify.ts';
import { verifyIndexHtml } from '../html/verify-index.ts';
import { verifyJunit } from '../junit.ts';
import { subjectOfCheck } from '../subject.ts';
import { cellKey, verifySummary } from '../summary.ts';
import { traceReportFiles } from './trace.ts';
import { folderName, writeFiles } from './write.ts';

/** `verify --report DIR`: a folder per violation found, index.html, junit.xml, summary.json. */
export async function writeVerifyReport(dir: string, runs: readonly VerifyRun[]): Promise<void> {
  const reports = new Map<string, string>();
  for (const run of runs) {
    for (const p of run.result.properties) {
      if (!p.trace) continue;
      const folder = folderName(run.model.name, run.variant, run.mm, p.id);
      writeFiles(path.join(dir, folder), await traceReportFiles(subjectOfCheck(run.result, p, run.model), p.trace));
      reports.set(cellKey({ model: run.model.name, variant: run.variant, mm: run.mm, property: p.id }), folder);
    }
  }
  writeFiles(dir, [
    { name: 'index.html', content: verifyIndexHtml(runs, reports) },
    { name: 'junit.xml', content: verifyJunit(runs, reports) },
    { name: 'summary.json', content: `${JSON.stringify(verifySummary(runs, reports), null, 2)}\n` },
  ]);
}
