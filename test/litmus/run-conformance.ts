/**
 * `npm run conformance`: the litmus corpus in ../shared/litmus against herd7's verdicts,
 * under every memory model that is registered, with `agree N/M` per folder, the inclusion
 * checks, the Linux-kernel tests under each mapping, and per-test states and time
 * (`--verbose` lists every test). Exit 1 on any disagreement or failed inclusion.
 */
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { absent, agreement, countsMatch, expectedRows, KNOWN_GAPS, notIncluded, runRows, type Folder, type Run } from './conformance.ts';

const verbose = process.argv.includes('--verbose');
let failures = 0;
const out = (s: string): void => { process.stdout.write(`${s}\n`); };
const secs = (runs: readonly Run[]): string => runs.reduce((n, r) => n + r.outcome.seconds, 0).toFixed(2);
const states = (runs: readonly Run[]): number => runs.reduce((n, r) => n + r.outcome.states, 0);

function run(folder: Folder, mm: MemoryModelName): Run[] | null {
  const why = absent(mm);
  if (why) { out(`${folder} under ${mm}: skipped: ${why}`); return null; }
  const runs = runRows(expectedRows(folder), mm);
  if (verbose) {
    for (const r of runs) {
      out(`  ${r.row.file.padEnd(70)} ${r.outcome.verdict.padEnd(11)} herd ${r.row.herd.padEnd(9)} ${String(r.outcome.states).padStart(7)} states ${r.outcome.seconds.toFixed(3)} s${r.outcome.error ? `  ${r.outcome.error}` : ''}`);
    }
  }
  return runs;
}

function verdicts(folder: Folder, mm: MemoryModelName): Run[] | null {
  const runs = run(folder, mm);
  if (!runs) return null;
  const a = agreement(runs);
  const max = runs.reduce((m, r) => (r.outcome.states > m.outcome.states ? r : m), runs[0]);
  out(`${folder} under ${mm}: agree ${a.agree}/${a.total} · final states as many as herd's executions ${runs.filter(countsMatch).length}/${runs.length} · ${states(runs)} states (largest: ${max.row.file}, ${max.outcome.states}) · ${secs(runs)} s`);
  for (const d of a.disagreements) {
    const gap = KNOWN_GAPS[d.row.file];
    out(`  ${gap ? 'known gap' : 'DISAGREES'}: ${d.row.file}: xenmc ${d.outcome.verdict}, herd ${d.row.herd}${d.outcome.error ? ` (${d.outcome.error})` : ''}${gap ? ` — ${gap}` : ''}`);
    if (!gap) failures++;
  }
  return runs;
}

function included(label: string, small: Run[] | null, big: Run[] | null): void {
  if (!small || !big) return;
  const bad = notIncluded(small, big);
  out(`${label}: ${small.length - bad.length}/${small.length} tests`);
  for (const b of bad) { out(`  NOT INCLUDED: ${b.file}: ${b.missing.join(' ')}`); failures++; }
}

function linux(mm: MemoryModelName): Run[] | null {
  const runs = run('linux', mm);
  if (!runs) return null;
  const supported = runs.filter((r) => r.outcome.verdict === 'Allowed' || r.outcome.verdict === 'Forbidden');
  const forbidden = supported.filter((r) => r.row.herd === 'Forbidden');
  const kept = forbidden.filter((r) => r.outcome.verdict === 'Forbidden');
  const allowed = supported.filter((r) => r.row.herd === 'Allowed');
  out(`linux under ${mm}: ${supported.length}/${runs.length} supported · LKMM-Forbidden kept Forbidden ${kept.length}/${forbidden.length} · LKMM-Allowed: ${allowed.filter((r) => r.outcome.verdict === 'Allowed').length} Allowed, ${allowed.filter((r) => r.outcome.verdict === 'Forbidden').length} Forbidden · ${secs(runs)} s`);
  for (const r of runs.filter((x) => x.outcome.verdict !== 'Allowed' && x.outcome.verdict !== 'Forbidden')) out(`  ${r.outcome.verdict}: ${r.outcome.error}`);
  for (const r of forbidden.filter((x) => x.outcome.verdict !== 'Forbidden')) { out(`  LKMM forbids, ${mm} allows: ${r.row.file}`); failures++; }
  return runs;
}

const started = performance.now();
const x86tso = verdicts('x86', 'tso');
const x86sc = run('x86', 'sc');
// herd has no PSO model: PSO is checked by inclusion here (and against the SPIN peer's PSO
// model in test/bench/spin-peer.test.ts); it allows more than x86-TSO exactly on the
// shapes that reorder stores to different locations.
const x86pso = run('x86', 'pso');
if (x86pso && x86tso) {
  const more = x86pso.filter((r, i) => r.outcome.verdict === 'Allowed' && x86tso[i].outcome.verdict === 'Forbidden').map((r) => r.row.file.split('/')[1]);
  out(`x86 under pso: ${x86pso.filter((r) => r.outcome.verdict === 'Allowed').length} Allowed (tso: ${x86tso.filter((r) => r.outcome.verdict === 'Allowed').length}); allowed under PSO only: ${more.join(', ')} · ${secs(x86pso)} s`);
}
included('x86: SC ⊆ TSO', x86sc, x86tso);
included('x86: TSO ⊆ PSO', x86tso, x86pso);
const armv8 = verdicts('aarch64', 'armv8');
const a64sc = run('aarch64', 'sc');
if (a64sc) {
  const bad = a64sc.filter((r) => r.outcome.verdict === 'Allowed' && r.row.herd === 'Forbidden');
  out(`aarch64 under sc: ${a64sc.length - bad.length}/${a64sc.length} tests allow nothing herd forbids`);
  for (const b of bad) { out(`  SC allows what aarch64.cat forbids: ${b.row.file}`); failures++; }
}
included('aarch64: SC ⊆ ARMv8', a64sc, armv8);
linux('tso');
linux('armv8');
linux('sc');
out(`${failures === 0 ? 'conformance: ok' : `conformance: ${failures} failure(s)`} · ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = failures === 0 ? 0 : 1;
