/**
 * How verify splits one cell into runs (Model.verifyWith): each property decided by the run
 * that names it, the rest by the one run that names none (or by the defaults), a mistake in
 * the settings a model error, and an undecided run listed, not searched.
 */
import { describe, expect, it } from 'vitest';
import { cellRuns, verifyModels } from '../../checker/verify.ts';
import type { Model, VerifySettings } from '../../checker/model.ts';
import { renderVerifyRun, renderVerifySummary } from '../../reports/text.ts';
import ring from '../../models/ring.ts';

const ALL = ['B2', 'B3', 'deadlock', 'runtime-error'];
const withSettings = (given: VerifySettings | readonly VerifySettings[] | undefined): Model => ({ ...ring, verifyWith: () => given });

describe('cellRuns', () => {
  it('no settings: one run with the defaults; one setting: one run deciding everything', () => {
    expect(cellRuns(withSettings(undefined), 'R-F', 'sc')).toEqual([undefined]);
    const one = { params: { requests: 1 }, reason: 'small' };
    expect(cellRuns(withSettings(one), 'R-F', 'sc')).toEqual([one]);
  });

  it('a run naming its properties, and one naming none that takes the rest', () => {
    const runs = cellRuns(withSettings([
      { params: { requests: 2 }, reason: 'ring' },
      { params: { requests: 1 }, promises: 0, properties: ['B3'], reason: 'B3 alone' },
    ]), 'R-F', 'armv8');
    expect(runs.map((r) => r?.properties)).toEqual([['B2', 'deadlock', 'runtime-error'], ['B3']]);
    expect(runs.flatMap((r) => r?.properties ?? []).sort()).toEqual([...ALL].sort());
  });

  it('when every run names its properties, the defaults decide the rest', () => {
    const runs = cellRuns(withSettings([{ params: { requests: 1 }, properties: ['B2'], reason: 'B2' }]), 'R-F', 'sc');
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ properties: ['B3', 'deadlock', 'runtime-error'] });
    expect(runs[1]?.params).toBeUndefined();
  });

  it('an unknown property, a property named twice, or two runs naming none are model errors', () => {
    expect(() => cellRuns(withSettings([{ properties: ['B9'], reason: 'x' }]), 'R-F', 'sc')).toThrow(/unknown property 'B9'/);
    expect(() => cellRuns(withSettings([{ properties: ['B2'], reason: 'x' }, { properties: ['B2'], reason: 'y' }]), 'R-F', 'sc')).toThrow(/'B2' in two runs/);
    expect(() => cellRuns(withSettings([{ reason: 'x' }, { reason: 'y' }]), 'R-F', 'sc')).toThrow(/more than one run/);
  });
});

describe('verify with split and undecided runs', () => {
  it('reports each property once, from the run that decides it, with that run\'s instance', () => {
    const model = withSettings([
      { params: { requests: 1 }, properties: ['B2'], reason: 'one request for B2' },
      { params: { requests: 2 }, reason: 'two requests for the rest' },
    ]);
    const runs = verifyModels([model], { variants: ['R-B1'], mms: ['tso'] });
    expect(runs.map((r) => r.rows.map((row) => row.property))).toEqual([['B2'], ['B3', 'deadlock', 'runtime-error']]);
    expect(runs.map((r) => r.result.params.requests)).toEqual([1, 2]);
    // R-B1's lost wakeup needs the second request: found by the run that decides B3
    expect(runs[1].rows.find((r) => r.property === 'B3')).toMatchObject({ verdict: 'violated', comparison: 'agree' });
    expect(renderVerifyRun(runs[0])).toMatch(/with requests=1 size=2: one request for B2/);
  });

  it('an undecided run is not searched: its properties are unchecked with the reason, in the run line and the summary', () => {
    const runs = verifyModels([withSettings({ undecided: true, reason: 'too big here' })], { variants: ['R-B1'], mms: ['tso'] });
    expect(runs).toHaveLength(1);
    expect(runs[0].undecided).toBe(true);
    expect(runs[0].result.properties.every((p) => p.verdict === 'unchecked' && p.reason === 'too big here')).toBe(true);
    expect(runs[0].rows.every((r) => r.comparison === 'unchecked')).toBe(true);
    expect(renderVerifyRun(runs[0])).toMatch(/not searched\n\s+undecided: too big here/);
    expect(renderVerifySummary(runs, [], 0)).toMatch(/UNDECIDED ring R-B1 tso B3 \(expected violated\): too big here/);
  });
});
