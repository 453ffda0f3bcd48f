/**
 * xenmc against the SPIN peer (../shared/peers/spin): the peer's ioreq model transcribed
 * step for step (bench/peers/spin-ioreq.ts) must explore exactly the transition system
 * SPIN does, so its state counts and edge counts must equal the -DNOREDUCE counts in the
 * peer's README (SPIN prints transitions = edges + 1, the initial state counting as stored).
 *
 * PSO: the peer's wmb is a guard on the store after it, xenmc's a step of its own that
 * orders the buffers (checker/memory/pso.ts), so counts equal the peer's only where there
 * is no wmb (NO_WMB), and the verdicts must equal the peer's everywhere. With xenmc's
 * barrier written into the peer's Promela (bench/peers/ioreq_pso_epochs.pml), SPIN's
 * counts equal xenmc's exactly (bench/peers/ioreq_pso_epochs.results, and checked live
 * below when spin and gcc are installed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import model from '../../bench/peers/spin-ioreq.ts';
import { checkProgram } from '../../checker/check.ts';
import { repoRoot } from '../shared.ts';

const SPIN_NOREDUCE: [mm: 'sc' | 'tso', N: number, K: number, states: number, spinTransitions: number][] = [
  ['sc', 1, 1, 20, 20],
  ['sc', 2, 1, 605, 1231],
  ['sc', 2, 2, 3934, 8978],
  ['sc', 2, 3, 12030, 28962],
  ['sc', 3, 1, 19177, 57313],
  ['tso', 1, 2, 74, 95],
  ['tso', 2, 1, 1580, 3818],
  ['tso', 2, 2, 14218, 41916],
  ['tso', 3, 1, 78190, 281464],
];

const pso = (variant: string, N: number, K: number) => checkProgram(model.program(variant, 'pso', { N, K }), { mm: 'pso', buffer: 2 });

describe('the SPIN peer ioreq model explores the same state space as SPIN', () => {
  for (const [mm, N, K, states, spinTransitions] of SPIN_NOREDUCE) {
    it(`${mm} N=${N} K=${K}: ${states} states, ${spinTransitions - 1} edges, no assertion violated`, () => {
      const r = checkProgram(model.program('peer', mm, { N, K }), { mm, buffer: 5 });
      expect(r.states).toBe(states);
      expect(r.transitions).toBe(spinTransitions - 1);
      expect(r.verdict).toBe('holds');
      expect(r.bounds.bufferReached).toBe(false);
    });
  }
});

describe('PSO against the SPIN peer (ioreq_pso.pml, FIFOs of depth 2 per writer and location)', () => {
  it('without any wmb (NO_WMB) the semantics coincide: N=1 K=2 has the peer\'s 127 states', () => {
    const r = pso('NO_WMB', 1, 2);
    expect(r.states).toBe(127);
    expect(r.verdict).toBe('holds');
  });

  // the peer README's verdict table, PSO rows (N=2 K=2 unless noted)
  const VERDICTS: [variant: string, N: number, verdict: 'holds' | 'violated'][] = [
    ['peer', 2, 'holds'],
    ['NO_WMB', 2, 'violated'],
    ['NO_WMB_XEN', 2, 'violated'],
    ['NO_WMB_DM', 2, 'holds'],
    ['NO_WMB', 1, 'holds'],
    ['peer', 1, 'holds'],
  ];
  for (const [variant, N, verdict] of VERDICTS) {
    it(`${variant} N=${N} K=2: ${verdict}, as SPIN finds`, () => {
      const r = pso(variant, N, 2);
      expect(r.verdict).toBe(verdict);
      expect(r.bounds.bufferReached).toBe(false);
      if (verdict === 'violated') {
        // the DM read a stale payload of a slot whose READY reached memory before it, scanning after another vCPU's notify
        const t = r.properties.find((p) => p.id === 'assert')!.trace!;
        expect(t.violation).toMatch(/^D[234]: stale (addr|dir|write data)$/);
        expect(t.steps.some((s) => s.kind === 'memory' && /mem\[\d\] := 1 leaves xen\d's store buffer/.test(s.action))).toBe(true);
      }
    });
  }

  // SPIN 6.5.2 -DNOREDUCE on bench/peers/ioreq_pso_epochs.pml (bench/peers/ioreq_pso_epochs.results)
  const EPOCHS: [variant: string, N: number, states: number, spinTransitions: number][] = [
    ['peer', 1, 142, 287],
    ['peer', 2, 56631, 265433],
    ['NO_WMB', 1, 127, 248],
    ['NO_WMB_XEN', 1, 132, 257],
    ['NO_WMB_DM', 1, 137, 278],
    ['NO_WMB_DM', 2, 53833, 253838],
  ];
  for (const [variant, N, states, spinTransitions] of EPOCHS) {
    it(`${variant} N=${N} K=2: ${states} states and ${spinTransitions - 1} edges, as SPIN counts with xenmc's store barrier`, () => {
      const r = pso(variant, N, 2);
      expect(r.states).toBe(states);
      expect(r.transitions).toBe(spinTransitions - 1);
    });
  }

  const haveSpin = spawnSync('sh', ['-c', 'command -v spin && command -v gcc'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!haveSpin)('live: SPIN on ioreq_pso_epochs.pml gives xenmc\'s counts (N=1 K=2, each switch)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xenmc-spin-'));
    const pml = path.join(repoRoot, 'bench', 'peers', 'ioreq_pso_epochs.pml');
    for (const [variant, flag] of [['peer', ''], ['NO_WMB_XEN', '-DNO_WMB_XEN'], ['NO_WMB_DM', '-DNO_WMB_DM']] as const) {
      const run = spawnSync('sh', ['-c', `spin -a -DN=1 -DK=2 ${flag} ${pml} >/dev/null && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan -m100000 -w20`], { cwd: dir, encoding: 'utf8' });
      const states = Number(/(\d+) states, stored/.exec(run.stdout)?.[1]);
      const transitions = Number(/(\d+) transitions \(= stored\+matched\)/.exec(run.stdout)?.[1]);
      const r = pso(variant, 1, 2);
      expect([variant, r.states, r.transitions + 1]).toEqual([variant, states, transitions]);
    }
  });
});
