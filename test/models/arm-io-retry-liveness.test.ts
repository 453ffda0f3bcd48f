/**
 * C3 (protocols.md §3: the guest eventually resumes past the faulting instruction, no
 * unbounded IO_RETRY) on the arm-io-retry model: C-B1's live-state check is a livelock,
 * reported as a lasso under every implemented memory model; the committed code and the
 * accepted patch make progress.
 */
import { describe, expect, it } from 'vitest';
import model from '../../models/arm-io-retry.ts';
import { checkProgram } from '../../checker/check.ts';
import { memoryModelInfo } from '../../checker/memory/index.ts';
import { loopOf } from '../helpers.ts';

const IMPLEMENTED = model.memoryModels.filter((mm) => memoryModelInfo(mm) !== undefined);
const c3 = (variant: string, mm: (typeof IMPLEMENTED)[number]) =>
  checkProgram(model.program(variant, mm), { mm, properties: ['C3'] }).properties.find((p) => p.id === 'C3')!;

describe('arm-io-retry C3 (liveness)', () => {
  for (const mm of IMPLEMENTED) {
    it(`C-B1 under ${mm}: re-emulation finds the live state NONE and sends the access again, forever; the device model performs it each time`, () => {
      const p = c3('C-B1', mm);
      expect(p.verdict).toBe('violated');
      const loop = loopOf(p.trace);
      expect(new Set(loop.map((s) => s.thread))).toEqual(new Set(['vCPU0', 'DM']));
      const actions = loop.map((s) => `${s.thread}: ${s.action}`);
      // within the loop: the answer is taken (state reset to NONE), the live check sees NONE,
      // the same access is published again, and the device model serves it again
      const taken = actions.findIndex((a) => /vCPU0: access 0: IORESP_READY → NONE/.test(a));
      const live = actions.findIndex((a) => /vCPU0: try_fwd_ioserv: look at the live ioreq state .* → NONE\(0\)/.test(a));
      const again = actions.findIndex((a) => /vCPU0: access 0: publish READY/.test(a));
      expect(taken).toBeGreaterThanOrEqual(0);
      expect(live).toBeGreaterThan(taken);
      expect(again).toBeGreaterThan(live);
      expect(actions.some((a) => /DM: emulate the read/.test(a))).toBe(true);
      // the guest never resumes: no step of the loop returns to it
      expect(actions.some((a) => /return to the guest/.test(a))).toBe(false);
      // who is obliged to move in it: the two threads, and the memory model's units they use
      // (TSO: a buffer per thread; PSO: per thread and location; ARMv8: catching up per location)
      expect(p.trace!.violation).toMatch(/the loop is fair: vCPU0, DM(, (the store buffer of (vCPU0|DM)( for [a-z.]+)?|(vCPU0|DM) catching up with the newest write to [a-z_.[\]0-9]+))* move in it/);
    });
  }

  for (const v of ['C-F1', 'C-F2']) {
    it(`${v} makes progress under SC and TSO: every access completes and the guest resumes`, () => {
      for (const mm of IMPLEMENTED) expect(`${mm}:${c3(v, mm).verdict}`).toBe(`${mm}:holds`);
    });
  }
});
