/**
 * A vCPU's I/O state in Xen, `struct vcpu_io` (v->io; xen-project/xen xen/include/xen/sched.h)
 * and the common completion path around it (xen/common/ioreq.c, xen/include/xen/ioreq.h):
 *
 *  - `req`: Xen's private copy of the request in flight (state, addr, dir, data). The send
 *    path copies the request there with state READY; wait_for_io copies the device model's
 *    data into it when the request needs completion; vcpu_ioreq_handle_completion then sets
 *    its state to IORESP_READY (or NONE), and the arch completion consumes it.
 *  - `completion`: what to run once the device model has answered (VIO_mmio_completion on
 *    Arm for every forwarded MMIO access).
 *  - `io_state`: what an Arm MMIO handler returns (xen/arch/arm/include/asm/mmio.h).
 *
 * Only the vCPU itself touches v->io (get_ioreq asserts v == current or v not runnable),
 * so a model keeps it in registers of the thread that acts for the vCPU: no other actor can
 * observe it, and no memory model reorders it.
 */
import type { Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { ite, type Term } from '../../checker/term.ts';
import {
  IOREQ_DIR_NAMES, IOREQ_STATE_NAMES, STATE_IOREQ_NONE, STATE_IOREQ_READY, STATE_IORESP_READY,
} from './ioreq-slot.ts';
import { waitForIo, type WaitForIoOptions } from './ioreq-send.ts';

/** enum io_state (Arm) */
export const IO_ABORT = 0;
export const IO_HANDLED = 1;
export const IO_UNHANDLED = 2;
export const IO_RETRY = 3;
export const IO_STATE_NAMES: Readonly<Record<number, string>> = {
  [IO_ABORT]: 'IO_ABORT', [IO_HANDLED]: 'IO_HANDLED', [IO_UNHANDLED]: 'IO_UNHANDLED', [IO_RETRY]: 'IO_RETRY',
};

/** enum vio_completion (the ones Arm uses) */
export const VIO_NO_COMPLETION = 0;
export const VIO_MMIO_COMPLETION = 1;
export const VIO_COMPLETION_NAMES: Readonly<Record<number, string>> = {
  [VIO_NO_COMPLETION]: 'VIO_no_completion', [VIO_MMIO_COMPLETION]: 'VIO_mmio_completion',
};

/** v->io: the private copy of the request, the completion to run, and sv->pending of the server's vCPU entry. */
export interface VcpuIo {
  readonly state: Reg;
  readonly addr: Reg;
  readonly dir: Reg;
  readonly data: Reg;
  readonly completion: Reg;
  /** sv->pending: a request of this vCPU is with the device model */
  readonly pending: Reg;
}

export function declareVcpuIo(t: ThreadBuilder): VcpuIo {
  return {
    state: t.reg('io.req.state', STATE_IOREQ_NONE, { values: IOREQ_STATE_NAMES }),
    addr: t.reg('io.req.addr', 0),
    dir: t.reg('io.req.dir', 0, { values: IOREQ_DIR_NAMES }),
    data: t.reg('io.req.data', 0),
    completion: t.reg('io.completion', VIO_NO_COMPLETION, { values: VIO_COMPLETION_NAMES }),
    pending: t.reg('sv.pending', 0),
  };
}

/**
 * ioreq_needs_completion for the MMIO requests (IOREQ_TYPE_COPY, data not a pointer) the
 * models forward: the request is still READY in the private copy.
 */
export const needsCompletion = (io: VcpuIo): Term => io.state.eq(STATE_IOREQ_READY);

/** `vio->req = p`: the private copy of a request about to be sent. */
export function copyRequest(t: ThreadBuilder, io: VcpuIo, addr: Term | number, dir: number, data: Term | number): void {
  t.assign(io.state, STATE_IOREQ_READY);
  t.assign(io.addr, addr);
  t.assign(io.dir, dir);
  t.assign(io.data, data);
}

export interface HandleCompletionOptions extends Omit<WaitForIoOptions, 'data'> {
  readonly io: VcpuIo;
  /** the register wait_for_io takes the response into */
  readonly data: Reg;
  /** checks on the data taken, before it is copied into the private request (local code) */
  readonly onData?: () => void;
  /** the arch's MMIO completion (arch_ioreq_complete_mmio, or a variant): must leave `res` set */
  readonly mmioCompletion: () => void;
  /** the result: whether the vCPU may return to the guest */
  readonly res: Reg;
}

/**
 * vcpu_ioreq_handle_completion: while a request is pending, wait_for_io (which copies the
 * data into the private request when it needs completion and clears sv->pending); then
 * the private state becomes IORESP_READY (or NONE), the completion kind is consumed and
 * the completion runs.
 */
export function vcpuIoreqHandleCompletion(t: ThreadBuilder, mm: MemoryModelName, o: HandleCompletionOptions): void {
  const io = o.io;
  t.if(io.pending.ne(0), () => {
    waitForIo(t, mm, o);
    o.onData?.();
    t.if(needsCompletion(io), () => t.assign(io.data, o.data));
    t.assign(io.pending, 0);
  });
  t.assign(io.state, ite(needsCompletion(io), STATE_IORESP_READY, STATE_IOREQ_NONE));
  // completion = vio->completion; vio->completion = VIO_no_completion; switch ( completion )
  t.if(io.completion.eq(VIO_MMIO_COMPLETION), () => {
    t.assign(io.completion, VIO_NO_COMPLETION);
    o.mmioCompletion();
  }, () => {
    t.assign(o.res, 1);
  });
}
