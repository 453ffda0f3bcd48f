/**
 * Properties that protocols.md states both ways (A4, B3, B5: "eventually ..." and "never a
 * deadlock with ..."), checked in their liveness form alone: the safety form removed, each
 * must still get the verdict verdicts.tsv gives, found as a run that stops or a lasso.
 * This is what keeps the two forms honest with each other.
 */
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../checker/check.ts';
import type { Program } from '../../checker/ir.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Model } from '../../checker/model.ts';
import feBeConfig from '../../models/fe-be-config.ts';
import ioreq from '../../models/ioreq.ts';
import ring from '../../models/ring.ts';

/** The program with property `id`'s safety form (its deadlocks) removed. */
function livenessOnly(p: Program, id: string): Program {
  return {
    ...p,
    properties: p.properties.map((q) => (q.id === id && (q.kind === 'leadsTo' || q.kind === 'eventually' || q.kind === 'alwaysEventually') ? { ...q, deadlock: null } : q)),
  };
}

const CASES: readonly [Model, string, readonly string[]][] = [
  [ioreq, 'A4', ['A-F', 'A-B5', 'A-B6']],
  [feBeConfig, 'B3', ['B-F', 'B-B1', 'B-B2']],
  [feBeConfig, 'B5', ['B-F', 'B-B1']],
  [ring, 'B3', ['R-F', 'R-B1', 'R-B2', 'R-B3']],
];

describe('liveness forms on their own get the table\'s verdicts', () => {
  for (const [model, id, variants] of CASES) {
    for (const variant of variants) {
      for (const mm of ['sc', 'tso'] as MemoryModelName[]) {
        const expected = model.expected(variant, mm, id);
        if (expected === 'unstated') continue;
        it(`${model.name} ${variant} ${mm}: ${id} ${expected}`, () => {
          const p = livenessOnly(model.program(variant, mm), id);
          const kind = p.properties.find((q) => q.id === id)!.kind;
          expect(kind).toBe('leadsTo');
          const r = checkProgram(p, { mm, properties: [id] });
          const got = r.properties.find((q) => q.id === id)!;
          expect(got.verdict).toBe(expected);
          if (got.verdict === 'violated') expect(got.trace!.violation).toMatch(/its goal never follows/);
        });
      }
    }
  }
});
