/**
 * Every built-in model under ARMv8 at the instance `xenmc verify` runs it with
 * (Model.verifyWith): each cell agrees with the expected verdict, and each violation's
 * counterexample shows what ARMv8 did. Where the bug holds under SC, the counterexample must
 * not be explained as an interleaving: its event graph has a po ∪ rf ∪ co ∪ fr cycle with
 * the reordering named on it (a stale read, a store promised or made visible out of order),
 * or, where the violation comes before the promising thread has executed the instructions
 * its promise overtook, the explanation names that promise.
 *
 * The ioreq, arm-io-retry and p2m-ioreq-unmap test files cover ARMv8 themselves. Left out
 * here, with why: vits D-B5 (3.3 M states, 2.5 minutes: longer than one test may take; run
 * by `npm run verify`) and vits D-B3, which verify reports undecided (checked below).
 */
import { describe, expect, it } from 'vitest';
import { verifyModels, type VerifyRun } from '../../checker/verify.ts';
import type { Model } from '../../checker/model.ts';
import { buildEventGraph } from '../../reports/graph.ts';
import feBeConfig from '../../models/fe-be-config.ts';
import ioreqBuffered from '../../models/ioreq-buffered.ts';
import ring from '../../models/ring.ts';
import virtioRing from '../../models/virtio-ring.ts';
import vits from '../../models/vits.ts';

const SLOW = new Set(['vits/D-B5']);

function verifyArmv8(model: Model, variant: string): VerifyRun[] {
  return verifyModels([model], { variants: [variant], mms: ['armv8'] });
}

describe.each([ioreqBuffered, ring, virtioRing, feBeConfig, vits])('$name under ARMv8 at verify\'s instance', (model) => {
  const variants = model.variants.map((v) => v.id).filter((v) => !SLOW.has(`${model.name}/${v}`) && !(model.name === 'vits' && v === 'D-B3'));
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

describe('verify under ARMv8: cells no routine run decides', () => {
  it('vits D-B3 is reported undecided, every property unchecked, with the measured reason, and not searched', () => {
    const runs = verifyArmv8(vits, 'D-B3');
    expect(runs).toHaveLength(1);
    expect(runs[0].undecided).toBe(true);
    expect(runs[0].settings).toMatch(/beyond 9 M states/);
    expect(runs[0].result.states).toBeLessThan(100); // stopped at its first states
    expect(new Set(runs[0].rows.map((r) => r.comparison))).toEqual(new Set(['unchecked']));
    expect(runs[0].rows.find((r) => r.property === 'D1')?.expected).toBe('violated');
  });
});
