/**
 * virtio-ring under ARMv8 at the instance `xenmc verify` runs it with (two buffers through a
 * one-entry queue; armv8-verify.ts says what is checked). Its own file so that it runs in
 * parallel with armv8-verify.test.ts: seven searches of 10–23 s each.
 */
import virtioRing from '../../models/virtio-ring.ts';
import { describeArmv8Verify } from './armv8-verify.ts';

describeArmv8Verify(virtioRing);
