/** The memory models by name: the one place the CLI and the explorer look them up. */
import type { MemoryModel, MemoryModelName, MemoryModelOptions, StateLayout } from './model.ts';
import { SequentialConsistency } from './sc.ts';
import { TotalStoreOrder } from './tso.ts';
import { PartialStoreOrder } from './pso.ts';
import { PromisingArm } from './armv8/promising-arm.ts';

export interface MemoryModelInfo {
  readonly name: MemoryModelName;
  readonly title: string;
  /** which reorderings it allows, for `xenmc list` and the README */
  readonly allows: string;
  readonly create: (layout: StateLayout, opts: MemoryModelOptions) => MemoryModel;
  /** whether the --buffer bound applies */
  readonly buffered: boolean;
}

export const MEMORY_MODELS: readonly MemoryModelInfo[] = [
  {
    name: 'sc',
    title: 'sequential consistency',
    allows: 'interleavings only',
    create: (layout, opts) => new SequentialConsistency(layout, opts.exclusives),
    buffered: false,
  },
  {
    name: 'tso',
    title: 'x86-TSO',
    allows: 'W→R reordering through a FIFO store buffer per thread, with store forwarding',
    create: (layout, opts) => new TotalStoreOrder(layout, opts.buffer, opts.exclusives),
    buffered: true,
  },
  {
    name: 'pso',
    title: 'SPARC PSO',
    allows: 'W→R and W→W reordering (different locations) through a FIFO store buffer per thread and location, with store forwarding',
    create: (layout, opts) => new PartialStoreOrder(layout, opts.buffer, opts.exclusives),
    buffered: true,
  },
  {
    name: 'armv8',
    title: 'ARMv8 (aarch64.cat) by Promising-ARM',
    allows: 'R→R, R→W, W→W and W→R reordering unless ordered by dependencies, barriers or acquire/release; other-multi-copy-atomic; coherence kept',
    create: (layout, opts) => new PromisingArm(layout, opts),
    buffered: true,
  },
];

/** All names a model may declare, including those whose implementation has not landed yet. */
export const ALL_MEMORY_MODEL_NAMES: readonly MemoryModelName[] = ['sc', 'tso', 'pso', 'armv8'];

export function memoryModelInfo(name: string): MemoryModelInfo | undefined {
  return MEMORY_MODELS.find((m) => m.name === name);
}
