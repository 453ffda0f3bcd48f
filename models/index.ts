/** The built-in models, in the order `xenmc list` and `xenmc verify` show them. */
import type { Model } from '../checker/model.ts';
import ioreq from './ioreq.ts';
import ioreqBuffered from './ioreq-buffered.ts';
import armIoRetry from './arm-io-retry.ts';
import feBeConfig from './fe-be-config.ts';
import ring from './ring.ts';
import virtioRing from './virtio-ring.ts';
import vits from './vits.ts';
import p2mIoreqUnmap from './p2m-ioreq-unmap.ts';

export const BUILTIN_MODELS: readonly Model[] = [ioreq, ioreqBuffered, armIoRetry, feBeConfig, ring, virtioRing, vits, p2mIoreqUnmap];

export function builtinModel(name: string): Model | undefined {
  return BUILTIN_MODELS.find((m) => m.name === name);
}
