/** `xenmc check --report DIR`: DIR/<property>/ for each violated property, and DIR/summary.json for the run. */
import * as path from 'node:path';
import type { Model } from '../../checker/model.ts';
import type { Result } from '../../checker/result.ts';
import { subjectOfCheck } from '../subject.ts';
import { checkSummary } from '../summary.ts';
import { traceReportFiles } from './trace.ts';
import { folderName, writeFiles } from './write.ts';

/** `check --report DIR`: DIR/<property>/ per violation, DIR/summary.json for the run. Returns the folders written. */
export async function writeCheckReport(dir: string, r: Result, model?: Model): Promise<string[]> {
  const written: string[] = [];
  const reports = new Map<string, string>();
  for (const p of r.properties) {
    if (!p.trace) continue;
    const folder = folderName(p.id);
    writeFiles(path.join(dir, folder), await traceReportFiles(subjectOfCheck(r, p, model), p.trace));
    reports.set(p.id, folder);
    written.push(path.join(dir, folder));
  }
  writeFiles(dir, [{ name: 'summary.json', content: `${JSON.stringify(checkSummary(r, reports), null, 2)}\n` }]);
  return written;
}
