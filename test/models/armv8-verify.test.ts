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
import { buildEventGraph } from '../../reports/graph.ts';
import { describeArmv8Verify, verifyArmv8 } from './armv8-verify.ts';

describeArmv8Verify(ioreqBuffered);
describeArmv8Verify(ring);
describeArmv8Verify(feBeConfig);
describeArmv8Verify(vits, { 'D-B5': '3.3 M states, over 2 minutes' });

describe('vits D-B3 under ARMv8: found depth-first, the MP shape protocols.md describes', () => {
  it('vCPU0 promises dirty ahead of hcfg, vCPU1\'s INV takes the dirty bit, the ITS loads the old hcfg, vCPU0\'s own INV is dropped', async () => {
    const [dfs, rest] = await verifyArmv8(vits, 'D-B3');
    expect(dfs.settings).toMatch(/searched depth-first/);
    expect(dfs.result.bounds).toMatchObject({ order: 'depth-first', seed: 10, promises: 1 });
    expect(dfs.result.params.vcpus).toBe(2);
    expect(rest.result.params.vcpus).toBe(1);
    const t = dfs.result.properties.find((p) => p.id === 'D1')!.trace!;
    expect(t.order).toBe('depth-first');
    const find = (thread: string, re: RegExp, from = 0): number =>
      t.steps.findIndex((s, i) => i >= from && s.thread === thread && re.test(s.action));
    const promised = find('G0', /promises lazy\.dirty := 1/);
    const stolen = find('G1', /test_and_clear_bit\(0, dirty\).*lazy\.dirty: 1 → 0/, promised);
    const hcfgWritten = find('G0', /propagate to hcfg\[0\].*hcfg := enabled/, stolen);
    const fulfilled = find('G0', /set_bit\(0, dirty\).*fulfils its promise/, hcfgWritten);
    const oldLoaded = find('ITS', /load hcfg → disabled/, stolen);
    const dropped = find('G0', /test_and_clear_bit\(0, dirty\).*lazy\.dirty: 0 → 0/, fulfilled);
    for (const i of [promised, stolen, hcfgWritten, fulfilled, oldLoaded, dropped]) expect(i).toBeGreaterThanOrEqual(0);
    // dirty was visible (promised) before vCPU0 executed its hcfg store: W→W, as MP without smp_wmb
    expect(promised).toBeLessThan(hcfgWritten);
    expect(t.steps.at(-1)!.action).toMatch(/poll GITS_CREADR .* until it passes the SYNC/);
    const end = Object.fromEntries(t.final.map((e) => [e.name, e.text]));
    expect(end['ghost G.last_written[0]']).toBe('enabled(2)');
    expect(end['ITS.cache[0]']).toBe('disabled(1)');
    // the explanation names the reordering: the ITS's stale read of hcfg
    const said = buildEventGraph(t).explanation.sentences.join(' ');
    expect(said).toMatch(/read of hcfg .* took a stale value/);
  });
});
