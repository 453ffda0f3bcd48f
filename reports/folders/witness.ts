/**
 * A litmus witness: the execution reaching an allowed outcome, replayed like a
 * counterexample, gets the same report folder (its event graph in events.dot and
 * events.graphml, and report.html showing it). This is what `xenmc litmus ... --report DIR`
 * calls, once per allowed test.
 */
import * as path from 'node:path';
import type { Trace } from '../../checker/result.ts';
import type { Subject } from '../subject.ts';
import { traceReportFiles } from './trace.ts';
import { writeFiles } from './write.ts';

/** One witness execution of a litmus test's allowed outcome. */
export interface Witness {
  /** the litmus test's name */
  readonly test: string;
  readonly mm: string;
  /** the outcome the witness reaches, as the test's condition states it (e.g. `exists (1:r0=1 /\ 1:r1=0)`) */
  readonly condition: string;
  /** herd's word for the outcome: Allowed, Forbidden, … */
  readonly verdict: string;
  /** the execution, replayed from the explorer like a counterexample */
  readonly trace: Trace;
  readonly run?: Subject['run'];
}

/**
 * For `xenmc litmus ... --report DIR`: writes the witness's report folder into `dir` (the
 * same files as a counterexample's: events.dot and events.graphml carry its event graph,
 * report.html shows it) and returns the files written.
 */
export async function writeWitnessReport(dir: string, w: Witness): Promise<string[]> {
  const subject: Subject = {
    kind: 'witness', model: w.test, variant: null, mm: w.mm, params: {},
    property: { id: w.test, description: w.condition, verdict: w.verdict },
    ...(w.run ? { run: w.run } : {}),
  };
  const files = await traceReportFiles(subject, w.trace);
  writeFiles(dir, files);
  return files.map((f) => path.join(dir, f.name));
}
