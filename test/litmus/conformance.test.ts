/**
 * Conformance with herd7 on ../shared/litmus: every test under its memory model gets the
 * verdict herd7 gives it (expected.tsv's herd_verdict), and on x86, where each of herd's
 * executions ends in a final state of its own, as many final states as herd counts. Inclusion:
 * SC's final states ⊆ TSO's ⊆ PSO's for x86 tests, SC's ⊆ ARMv8's for AArch64 tests.
 * Linux-kernel C tests: each one the LKMM forbids stays forbidden under the kernel's
 * x86 and arm64 mappings.
 *
 * PSO has no herd model: it is checked by inclusion (TSO ⊆ PSO) here, and against the
 * SPIN peer's PSO model in test/bench/spin-peer.test.ts. A part whose memory model is not
 * registered is skipped with the reason printed, never passed silently.
 */
import { describe, expect, it, type TestContext } from 'vitest';
import { absent, agreement, countsMatch, expectedRows, KNOWN_GAPS, notIncluded, runRows, type Run } from './conformance.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';

function skipUnless(ctx: TestContext, mm: MemoryModelName): void {
  const why = absent(mm);
  if (why) {
    console.warn(`skipped: ${ctx.task.name}: ${why}`);
    ctx.skip(why);
  }
}

function expectAgreement(runs: readonly Run[], label: string): void {
  const a = agreement(runs);
  console.log(`${label}: agree ${a.agree}/${a.total}`);
  for (const d of a.disagreements) {
    const gap = KNOWN_GAPS[d.row.file];
    expect(gap, `${d.row.file}: xenmc ${d.outcome.verdict}${d.outcome.error ? ` (${d.outcome.error})` : ''}, herd ${d.row.herd}`).toBeDefined();
  }
  for (const r of runs) {
    if (KNOWN_GAPS[r.row.file] !== undefined && r.outcome.verdict === r.row.herd) {
      throw new Error(`${r.row.file} is listed as a known gap but agrees with herd: remove it from KNOWN_GAPS`);
    }
  }
}

describe('x86 (73 tests) against herd7 with x86tso.cat', () => {
  const rows = expectedRows('x86');
  const tso = runRows(rows, 'tso');

  it('every test parses, runs under TSO, and gets herd7\'s verdict: agree 73/73', () => {
    expect(rows).toHaveLength(73);
    expect(tso.filter((r) => r.outcome.verdict === 'Unsupported' || r.outcome.verdict === 'Error').map((r) => r.outcome.error)).toEqual([]);
    expectAgreement(tso, 'x86 under tso');
    expect(agreement(tso).agree).toBe(73);
  });

  it('the final states are herd7\'s: as many satisfying the proposition and as many not as herd counts executions, in every test', () => {
    const off = tso.filter((r) => !countsMatch(r)).map((r) => `${r.row.file}: ${r.outcome.finals.filter((f) => f.satisfies).length}/${r.outcome.finals.filter((f) => !f.satisfies).length}, herd ${r.row.positive}/${r.row.negative}`);
    expect(off).toEqual([]);
  });

  it('the default memory model of X86 and X86_64 tests is TSO', () => {
    const sb = runRows(rows.filter((r) => r.file.endsWith('/SB.litmus')));
    expect(sb.map((r) => [r.row.arch, r.outcome.mm, r.outcome.verdict])).toEqual([['X86', 'tso', 'Allowed'], ['X86_64', 'tso', 'Allowed']]);
  });

  it('SC ⊆ TSO: every final state SC allows, TSO allows', () => {
    const sc = runRows(rows, 'sc');
    expect(notIncluded(sc, tso)).toEqual([]);
    // and TSO is strictly weaker on exactly the store-buffering shapes herd allows
    const weaker = tso.filter((r, i) => r.outcome.finals.length > sc[i].outcome.finals.length).length;
    expect(weaker).toBeGreaterThan(0);
    expect(sc.filter((r) => r.outcome.verdict === 'Allowed').every((r) => r.row.herd === 'Allowed')).toBe(true);
  });

  it('TSO ⊆ PSO: every final state TSO allows, PSO allows', (ctx) => {
    skipUnless(ctx, 'pso');
    expect(notIncluded(tso, runRows(rows, 'pso'))).toEqual([]);
  });
});

/** Runs once, on first use, so a test skipped for a missing memory model costs nothing. */
function lazy<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

describe('AArch64 (168 tests) against herd7 with aarch64.cat', () => {
  const rows = expectedRows('aarch64');
  const sc = runRows(rows, 'sc');
  const armv8 = lazy(() => runRows(rows, 'armv8'));

  it('every test parses and runs under SC', () => {
    expect(rows).toHaveLength(168);
    expect(sc.filter((r) => r.outcome.verdict !== 'Allowed' && r.outcome.verdict !== 'Forbidden').map((r) => r.outcome.error)).toEqual([]);
  });

  it('SC allows nothing aarch64.cat forbids: no test herd7 finds Forbidden is Allowed under SC', () => {
    expect(sc.filter((r) => r.outcome.verdict === 'Allowed' && r.row.herd === 'Forbidden').map((r) => r.row.file)).toEqual([]);
  });

  it('every test under ARMv8 gets herd7\'s verdict: agree 168/168', (ctx) => {
    skipUnless(ctx, 'armv8');
    expect(armv8().every((r) => r.outcome.mm === 'armv8')).toBe(true);
    expectAgreement(armv8(), 'aarch64 under armv8');
    expect(agreement(armv8()).agree).toBe(168);
  });

  it('the default memory model of AArch64 tests is ARMv8', (ctx) => {
    skipUnless(ctx, 'armv8');
    expect(runRows(rows.slice(0, 1))[0].outcome.mm).toBe('armv8');
  });

  it('SC ⊆ ARMv8: every final state SC allows, ARMv8 allows', (ctx) => {
    skipUnless(ctx, 'armv8');
    expect(notIncluded(sc, armv8())).toEqual([]);
  });
});

describe('Linux-kernel C (79 tests) under the kernel\'s x86 and arm64 mappings', () => {
  const rows = expectedRows('linux');
  const tso = runRows(rows, 'tso');

  it('every test parses except the one with an RCU grace period, which is Unsupported with the reason', () => {
    const unsupported = tso.filter((r) => r.outcome.verdict !== 'Allowed' && r.outcome.verdict !== 'Forbidden');
    expect(unsupported.map((r) => [r.row.file, r.outcome.verdict])).toEqual([['herdtools7-catalogue-linux/C-RomanPenyaev-list-rcu-rr.litmus', 'Unsupported']]);
    expect(unsupported[0].outcome.error).toMatch(/C-RomanPenyaev-list-rcu-rr\.litmus:15: unsupported primitive 'synchronize_rcu': an RCU grace period/);
  });

  it('TSO: every supported test the LKMM forbids is Forbidden (48 of 48)', () => {
    const forbidden = tso.filter((r) => r.row.herd === 'Forbidden' && r.outcome.verdict !== 'Unsupported');
    expect(forbidden).toHaveLength(48);
    expect(forbidden.filter((r) => r.outcome.verdict !== 'Forbidden').map((r) => r.row.file)).toEqual([]);
  });

  it('TSO: of the 30 the LKMM allows, x86 allows exactly the store-buffering shapes', () => {
    const allowed = tso.filter((r) => r.row.herd === 'Allowed');
    const yes = allowed.filter((r) => r.outcome.verdict === 'Allowed').map((r) => r.row.file.split('/')[1]);
    console.log(`linux under tso: of ${allowed.length} LKMM-Allowed tests, ${yes.length} Allowed, ${allowed.length - yes.length} Forbidden`);
    expect(allowed).toHaveLength(30);
    expect(yes).toEqual([
      'C-SB+o-o+o-o.litmus', 'C-SB-OMCA+o-o-rmb-o+o-o-rmb-o.litmus', 'R+poonceonces.litmus', 'SB+poonceonces.litmus', 'SB+rfionceonce-poonceonces.litmus',
    ]);
  });

  it('SC: every supported test the LKMM forbids is Forbidden', () => {
    const sc = runRows(rows, 'sc');
    expect(sc.filter((r) => r.row.herd === 'Forbidden' && r.outcome.verdict === 'Allowed').map((r) => r.row.file)).toEqual([]);
    expect(notIncluded(sc, tso)).toEqual([]);
  });

  it('ARMv8: every supported test the LKMM forbids is Forbidden', (ctx) => {
    skipUnless(ctx, 'armv8');
    const armv8 = runRows(rows, 'armv8');
    expect(armv8.filter((r) => r.row.herd === 'Forbidden' && r.outcome.verdict !== 'Forbidden' && r.outcome.verdict !== 'Unsupported').map((r) => `${r.row.file}: ${r.outcome.verdict}`)).toEqual([]);
    const allowed = armv8.filter((r) => r.row.herd === 'Allowed');
    console.log(`linux under armv8: of ${allowed.length} LKMM-Allowed tests, ${allowed.filter((r) => r.outcome.verdict === 'Allowed').length} Allowed`);
  });
});
