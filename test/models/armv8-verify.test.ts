/**
 * ioreq-buffered, ring, fe-be-config and vits under ARMv8 at the instance `xenmc verify` runs
 * each variant with (armv8-verify.ts says what is checked); virtio-ring is in
 * armv8-verify-virtio.test.ts. The ioreq, arm-io-retry and p2m-ioreq-unmap test files cover
 * ARMv8 themselves.
 */
import { describe, expect, it } from 'vitest';
import feBeConfig from '../../models/fe-be-config.ts';
import ioreqBuffered from '../../models/ioreq-buffered.ts';
import ring from '../../models/ring.ts';
import vits from '../../models/vits.ts';
import { describeArmv8Verify, verifyArmv8 } from './armv8-verify.ts';

describeArmv8Verify(ioreqBuffered);
describeArmv8Verify(ring);
describeArmv8Verify(feBeConfig);
describeArmv8Verify(vits, {
  'D-B3': 'verify reports it undecided (below)',
  'D-B5': '3.3 M states, over 2 minutes: longer than one test may take; `npm run verify` runs it',
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
