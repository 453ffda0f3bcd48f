/**
 * The per-vCPU ioreq slot of the shared page (xen-project/xen
 * xen/include/public/hvm/ioreq.h, `ioreq_t`): its state machine values and the fields a
 * model tracks. The payload (addr, size, count, dir, type, ...) is reduced to the fields
 * the properties need: `addr` tags the request, `dir` says read or write, `data` carries
 * the write data or the read result.
 */
import type { LocArray, LocRef, ModelBuilder } from '../../checker/builder.ts';
import type { Operand } from '../../checker/term.ts';

export const STATE_IOREQ_NONE = 0;
export const STATE_IOREQ_READY = 1;
export const STATE_IOREQ_INPROCESS = 2;
export const STATE_IORESP_READY = 3;

export const IOREQ_STATE_NAMES: Readonly<Record<number, string>> = {
  [STATE_IOREQ_NONE]: 'NONE',
  [STATE_IOREQ_READY]: 'READY',
  [STATE_IOREQ_INPROCESS]: 'INPROCESS',
  [STATE_IORESP_READY]: 'IORESP_READY',
};

export const IOREQ_READ = 0;
export const IOREQ_WRITE = 1;
export const IOREQ_DIR_NAMES: Readonly<Record<number, string>> = { [IOREQ_READ]: 'READ', [IOREQ_WRITE]: 'WRITE' };

export interface IoreqSlots {
  readonly state: LocArray;
  readonly addr: LocArray;
  readonly dir: LocArray;
  readonly data: LocArray;
}

/** One ioreq slot per vCPU in the shared page, all fields zero (state NONE). */
export function declareIoreqSlots(m: ModelBuilder, vcpus: number): IoreqSlots {
  return {
    state: m.array('slot.state', vcpus, 0, { values: IOREQ_STATE_NAMES }),
    addr: m.array('slot.addr', vcpus, 0),
    dir: m.array('slot.dir', vcpus, 0, { values: IOREQ_DIR_NAMES }),
    data: m.array('slot.data', vcpus, 0),
  };
}

/** The fields of one vCPU's slot. */
export interface IoreqSlotRefs {
  readonly state: LocRef;
  readonly addr: LocRef;
  readonly dir: LocRef;
  readonly data: LocRef;
}

/** vCPU `v`'s slot (`v` a constant or a term, e.g. the device model's port register). */
export function slotOf(slots: IoreqSlots, v: Operand): IoreqSlotRefs {
  return { state: slots.state.at(v), addr: slots.addr.at(v), dir: slots.dir.at(v), data: slots.data.at(v) };
}
