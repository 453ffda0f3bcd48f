/**
 * What CI consumes: `check --report` and `verify --report` folders, JUnit XML (one
 * testcase per cell, a failure only where a verdict differs, carrying the property and the
 * start of the trace), summary.json; the witness folder a litmus command writes; and the
 * CLI text that folds routine flushes while --json keeps every step.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { main } from '../../checker/cli.ts';
import type { VerifyRun } from '../../checker/verify.ts';
import { verifyModels } from '../../checker/verify.ts';
import ioreq from '../../models/ioreq.ts';
import { TRACE_REPORT_FILES } from '../../reports/folders/trace.ts';
import { writeWitnessReport } from '../../reports/folders/witness.ts';
import { dotErrors } from '../../reports/graphviz.ts';
import { verifyJunit } from '../../reports/junit.ts';
import { renderTrace } from '../../reports/text.ts';
import { bareWitness, ioreqTrace } from './fixtures.ts';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(argv, { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'xenmc-report-'));
const json = (...p: string[]) => JSON.parse(readFileSync(path.join(...p), 'utf8'));

describe('xenmc check --report', () => {
  it('writes a folder per violated property with every file, and summary.json for the run', async () => {
    const dir = tmp();
    const r = await cli('check', 'ioreq', '--variant', 'A-B5', '--mm', 'tso', '--no-progress', '--report', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`report: ${path.join(dir, 'A4', 'report.html')}`);
    expect(readdirSync(dir).sort()).toEqual(['A4', 'summary.json']);
    expect(readdirSync(path.join(dir, 'A4')).sort()).toEqual([...TRACE_REPORT_FILES].sort());
    const run = json(dir, 'summary.json');
    expect(run).toMatchObject({ model: 'ioreq', variant: 'A-B5', mm: 'tso', verdict: 'violated' });
    expect(run.properties.find((p: { id: string }) => p.id === 'A4')).toMatchObject({ verdict: 'violated', report: 'A4', steps: 32 });
    expect(run.properties.find((p: { id: string }) => p.id === 'A1').report).toBeUndefined();
    const one = json(dir, 'A4', 'summary.json');
    expect(one).toMatchObject({ kind: 'counterexample', property: 'A4', verdict: 'violated', steps: 32, explanation: { kind: 'cycle' } });
    expect(one.explanation.cycle).toContain('fr');
  });

  it('writes only summary.json when every property holds; with --json the paths go to stderr', async () => {
    const dir = tmp();
    const r = await cli('check', 'ioreq', '--json', '--no-progress', '--report', dir);
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.out)).not.toThrow();
    expect(r.err).toContain('summary.json');
    expect(readdirSync(dir)).toEqual(['summary.json']);
    expect(json(dir, 'summary.json').verdict).toBe('holds');
  });
});

describe('xenmc verify --report', () => {
  it('writes a folder per violation, index.html with the matrix, junit.xml with a testcase per cell, and summary.json', async () => {
    const dir = tmp();
    const r = await cli('verify', '--variant', 'A-B5,A-B6', '--mm', 'sc,tso', '--no-progress', '--report', dir);
    expect(r.code).toBe(0);
    const folders = readdirSync(dir).filter((f) => !f.includes('.')).sort();
    expect(folders).toEqual(['ioreq-A-B5-tso-A4', 'ioreq-A-B6-sc-A4', 'ioreq-A-B6-tso-A4']);
    for (const f of folders) expect(existsSync(path.join(dir, f, 'report.html'))).toBe(true);
    const index = readFileSync(path.join(dir, 'index.html'), 'utf8');
    for (const f of folders) expect(index).toContain(`href="${f}/report.html"`);
    const summary = json(dir, 'summary.json');
    expect(summary.totals).toMatchObject({ runs: 4, differ: 0 });
    expect(summary.cells).toHaveLength(4 * 6);
    expect(summary.cells.filter((c: { report?: string }) => c.report).map((c: { report: string }) => c.report).sort()).toEqual(folders);
    const xml = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '24', failures: '0' });
    const cases = [doc.testsuites.testsuite.testcase].flat();
    expect(cases).toHaveLength(24);
    expect(cases.find((c: { classname: string; name: string }) => c.classname === 'xenmc.ioreq.A-B5.tso' && c.name === 'A4')['system-out']).toMatch(/violated as expected; report: ioreq-A-B5-tso-A4/);
  });
});

describe('JUnit failures', () => {
  /** The real A-B5 runs, with A4 claimed to hold under TSO: that cell now differs. */
  function withWrongExpectation(): VerifyRun[] {
    return verifyModels([ioreq], { variants: ['A-B5'], mms: ['sc', 'tso'] }).map((run) => ({
      ...run,
      rows: run.rows.map((row) => (run.mm === 'tso' && row.property === 'A4' ? { ...row, expected: 'holds' as const, comparison: 'differ' as const } : row)),
    }));
  }

  it('a differing verdict is the one failure, carrying the property and the first lines of the trace', () => {
    const xml = verifyJunit(withWrongExpectation(), new Map([['ioreq/A-B5/tso/A4', 'ioreq-A-B5-tso-A4']]));
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites.failures).toBe('1');
    const failed = [doc.testsuites.testsuite.testcase].flat().filter((c: { failure?: unknown }) => c.failure);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ classname: 'xenmc.ioreq.A-B5.tso', name: 'A4' });
    expect(failed[0].failure.message).toBe('A4: expected holds, got violated');
    const text: string = failed[0].failure['#text'];
    expect(text).toMatch(/^A4: no lost wakeup/);
    expect(text).toContain('counterexample, 32 steps');
    expect(text).toMatch(/1 {2}Xen \(vCPU0\)\s+request 0: ioreq_send/);
    expect(text).toContain('report: ioreq-A-B5-tso-A4');
  });

  it('an expected violation that does not happen fails without a trace, saying how many states were searched', () => {
    const runs = verifyModels([ioreq], { variants: ['A-F'], mms: ['sc'] }).map((run) => ({
      ...run, rows: run.rows.map((row) => (row.property === 'A1' ? { ...row, expected: 'violated' as const, comparison: 'differ' as const } : row)),
    }));
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(verifyJunit(runs, new Map()));
    const failed = [doc.testsuites.testsuite.testcase].flat().find((c: { failure?: unknown }) => c.failure);
    expect(failed.failure['#text']).toMatch(/no counterexample: the search of [\d,]+ states found none/);
  });
});

describe('litmus witnesses', () => {
  it('writeWitnessReport writes the event graph of a witness, as for a counterexample', async () => {
    const dir = tmp();
    const files = await writeWitnessReport(dir, { test: 'MP', mm: 'armv8', condition: 'exists (1:r0=1 /\\ 1:r1=0)', verdict: 'Allowed', trace: bareWitness() });
    expect(files.map((f) => path.basename(f)).sort()).toEqual([...TRACE_REPORT_FILES].sort());
    const dot = readFileSync(path.join(dir, 'events.dot'), 'utf8');
    expect(await dotErrors(dot)).toEqual([]);
    expect(dot).toContain('b: W[y]=1');
    expect(json(dir, 'summary.json')).toMatchObject({ kind: 'witness', property: 'MP', verdict: 'Allowed', explanation: { kind: 'cycle' } });
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('Witness · MP · armv8');
  });
});

describe('CLI trace text', () => {
  const t = ioreqTrace();
  const text = renderTrace(t);

  it('folds consecutive routine flushes into one line and stars the steps the explanation rests on', () => {
    expect(text).toMatch(/\n {2}6–9 {2}Xen \(vCPU0\): store buffer +⋯ routine: slot\.addr := 1, slot\.dir := READ\(0\), slot\.data := 0, slot\.state := NONE\(0\) become visible\n/);
    expect(text).toMatch(/\n \* 18 {2}Xen \(vCPU0\) +request 0: wait_on_xen_event_channel: re-read the state — load slot\.state → READY\(1\) \(reordered before its buffered store vcpu\.blocked_in_xen := 1 of step 17, not yet visible\)/);
    expect(text).toMatch(/\n \* 32 {2}Xen \(vCPU0\): store buffer +vcpu\.blocked_in_xen := 1 leaves Xen0's store buffer and becomes visible \(stored at step 17\)/);
    expect(text).toMatch(/\n {2}why: Not sequentially consistent/);
    expect(text).toContain('W→R reordering');
  });

  it('removes nothing from the JSON trace', async () => {
    const r = await cli('check', 'ioreq', '--variant', 'A-B5', '--mm', 'tso', '--json');
    const a4 = JSON.parse(r.out).properties.find((p: { id: string }) => p.id === 'A4');
    expect(a4.trace.steps).toHaveLength(32);
    expect(a4.trace.steps.filter((s: { kind: string }) => s.kind === 'memory')).toHaveLength(t.steps.filter((s) => s.kind === 'memory').length);
    expect(a4.trace.events.some((e: { deps?: unknown }) => e.deps)).toBe(true);
    expect(a4.trace.violatingReads).toHaveLength(2);
  });
});

describe('degenerate traces', () => {
  it('a property false in the initial state: no steps, no events, still a whole report', async () => {
    const { program, prop, run } = await import('../helpers.ts');
    const p = program('born-bad', (m) => {
      const x = m.shared('x', 1);
      m.thread('P0', (t) => { t.store(x, 2); });
      m.invariant('ZERO', m.mem(x).eq(0));
    });
    const trace = prop(run(p, 'sc'), 'ZERO').trace!;
    expect(trace.steps).toHaveLength(0);
    const dir = tmp();
    const files = await writeWitnessReport(dir, { test: 'born-bad', mm: 'sc', condition: 'x = 0', verdict: 'violated', trace });
    expect(files).toHaveLength(TRACE_REPORT_FILES.length);
    expect(await dotErrors(readFileSync(path.join(dir, 'events.dot'), 'utf8'))).toEqual([]);
    expect(await dotErrors(readFileSync(path.join(dir, 'states.dot'), 'utf8'))).toEqual([]);
    expect(renderTrace(trace)).toContain('end: invariant');
  });
});

describe('xenmc litmus --report', () => {
  it('writes the witness of an Allowed test: its event graph shows the SB cycle', async () => {
    const { sharedPath } = await import('../shared.ts');
    const dir = tmp();
    const r = await cli('litmus', sharedPath('litmus', 'x86', 'herdtools7-catalogue-x86', 'SB.litmus'), '--report', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`report: ${path.join(dir, 'SB', 'report.html')}`);
    expect(readdirSync(path.join(dir, 'SB')).sort()).toEqual([...TRACE_REPORT_FILES].sort());
    const dot = readFileSync(path.join(dir, 'SB', 'events.dot'), 'utf8');
    expect(await dotErrors(dot)).toEqual([]);
    expect(json(dir, 'SB', 'summary.json')).toMatchObject({ kind: 'witness', verdict: 'Allowed', explanation: { kind: 'cycle', cycle: expect.arrayContaining(['po', 'fr']) } });
  });
});
