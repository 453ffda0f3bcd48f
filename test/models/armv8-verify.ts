/**
 * Shared by armv8-verify.test.ts and armv8-verify-virtio.test.ts (split so that the two run
 * in parallel): every variant of a model under ARMv8 at the instance `xenmc verify` runs it
 * with (Model.verifyWith); each cell agrees with the expected verdict, and each violation's
 * counterexample shows what ARMv8 did. Where the bug holds under SC, the counterexample must
 * not be explained as an interleaving: its event graph has a po ∪ rf ∪ co ∪ fr cycle with
 * the reordering named on it (a stale read, a store promised or made visible out of order),
 * or, where the violation comes before the promising thread has executed the instructions
 * its promise overtook, the explanation names that promise.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { VerifyRow } from '../../checker/verify.ts';
import type { Model } from '../../checker/model.ts';
import type { Result } from '../../checker/result.ts';
import { buildEventGraph } from '../../reports/graph.ts';

/** What a cell's test looks at of each run verify made for it. */
export interface CellRun {
  readonly rows: readonly VerifyRow[];
  readonly result: Result;
  readonly settings: string | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const cells = new Map<string, Promise<CellRun[]>>();

/**
 * The runs verify makes for one cell, in a child process (armv8-verify-child.ts): a cell is
 * a synchronous search of up to minutes, which in vitest's worker would hold its event loop
 * past its 60 s RPC timeout; awaited, the worker stays responsive. Once per test file: a
 * shape test reuses its cell's runs.
 */
export function verifyArmv8(model: Model, variant: string): Promise<CellRun[]> {
  const key = `${model.name}/${variant}`;
  let runs = cells.get(key);
  if (runs === undefined) {
    runs = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(here, 'armv8-verify-child.ts'), model.name, variant], { maxBuffer: 1 << 28 })
      .then(({ stdout }) => JSON.parse(stdout) as CellRun[]);
    cells.set(key, runs);
  }
  return runs;
}

/** Every cell agrees, every property is decided once, and each violation that needs weak memory is explained by it. */
export function expectCellVerified(model: Model, variant: string, runs: readonly CellRun[]): void {
  const rows = runs.flatMap((r) => r.rows);
  expect(rows.filter((r) => r.comparison === 'differ' || r.comparison === 'incomplete' || r.comparison === 'unchecked')
    .map((r) => `${r.property}: expected ${r.expected}, got ${r.verdict}`)).toEqual([]);
  // every property of the model is decided, by exactly one run
  expect(rows.map((r) => r.property).sort()).toEqual([...model.properties.map((p) => p.id), 'deadlock', 'runtime-error'].sort());
  for (const run of runs) {
    for (const p of run.result.properties.filter((q) => q.verdict === 'violated')) {
      expect(p.trace, `${p.id} has a counterexample`).toBeDefined();
      expect(p.trace!.steps.length).toBeGreaterThan(0);
      if (model.expected(variant, 'sc', p.id) !== 'holds' || model.expected(variant, 'armv8', p.id) !== 'violated') continue;
      const { explanation } = buildEventGraph(p.trace!);
      const said = explanation.sentences.join(' ');
      expect(said, `${variant} ${p.id}: the violation is no interleaving`).not.toMatch(/^Sequentially consistent/);
      if (explanation.kind === 'cycle') {
        // the cycle's reordering is named: a stale read, a promise, a store made visible late
        expect(explanation.relaxed.length, `${variant} ${p.id}: a relaxed edge on the cycle`).toBeGreaterThan(0);
        expect(said).toMatch(/reordering/);
      } else {
        // the cycle would run through instructions not yet executed: the promise is named
        expect(p.trace!.events.some((e) => e.unexecuted)).toBe(true);
        expect(said).toMatch(/promised its store .* had not executed it/);
      }
    }
  }
}

/** `long`: variants whose cell takes minutes, each with what it takes (a longer time limit). */
export function describeArmv8Verify(model: Model, long: Readonly<Record<string, string>> = {}): void {
  describe(`${model.name} under ARMv8 at verify's instance`, () => {
    const variants = model.variants.map((v) => v.id).filter((v) => long[v] === undefined);
    it.each(variants)('%s: every cell agrees, and a violation that needs weak memory is explained by its reordering', async (variant) => {
      expectCellVerified(model, variant, await verifyArmv8(model, variant));
    });
    for (const [variant, takes] of Object.entries(long)) {
      it(`${variant} (${takes}): every cell agrees, and a violation that needs weak memory is explained by its reordering`, async () => {
        expectCellVerified(model, variant, await verifyArmv8(model, variant));
      }, 15 * 60_000);
    }
  });
}
