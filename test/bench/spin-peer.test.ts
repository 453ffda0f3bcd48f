/**
 * xenmc against the SPIN peer (../shared/peers/spin): the peer's ioreq model transcribed
 * step for step (bench/peers/spin-ioreq.ts) must explore exactly the transition system
 * SPIN does, so its state counts and edge counts must equal the -DNOREDUCE counts in the
 * peer's README (SPIN prints transitions = edges + 1, the initial state counting as stored).
 */
import { describe, expect, it } from 'vitest';
import model from '../../bench/peers/spin-ioreq.ts';
import { checkProgram } from '../../checker/check.ts';

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
