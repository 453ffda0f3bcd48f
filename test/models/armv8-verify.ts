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
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyModels, type VerifyRun } from '../../checker/verify.ts';
import type { Model } from '../../checker/model.ts';
import { buildEventGraph } from '../../reports/graph.ts';

export function verifyArmv8(model: Model, variant: string): VerifyRun[] {
  return verifyModels([model], { variants: [variant], mms: ['armv8'] });
}

/** `skip`: variants left to `npm run verify`, each with why. */
export function describeArmv8Verify(model: Model, skip: Readonly<Record<string, string>> = {}): void {
  describe(`${model.name} under ARMv8 at verify's instance`, () => {
    // Each test is one synchronous search of up to ~40 s. Vitest's worker answers its RPC
    // only when the event loop turns, so give it a turn between tests: back-to-back
    // searches otherwise trip its 60 s "onTaskUpdate" timeout.
    beforeEach(() => new Promise<void>((resolve) => { setTimeout(resolve, 0); }));
    const variants = model.variants.map((v) => v.id).filter((v) => skip[v] === undefined);
    for (const [variant, why] of Object.entries(skip)) it.skip(`${variant}: ${why}`, () => {});
    it.each(variants)('%s: every cell agrees, and a violation that needs weak memory is explained by its reordering', (variant) => {
      const runs = verifyArmv8(model, variant);
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
    });
  });
}
