/**
 * Xen's driver for a host (physical) ITS, xen-project/xen xen/arch/arm/gic-v3-its.c:
 *
 *  - its_send_command: under the host ITS's cmd_lock, read GITS_CWRITER, copy the command
 *    into the queue, `dsb(ishst)` (or a cache clean on a non-coherent ITS) so that the
 *    command, and every table write before it, is visible to the ITS, then write the new
 *    GITS_CWRITER;
 *  - gicv3_its_wait_commands: poll GITS_CREADR until the ITS has caught up.
 *
 * Xen's wait polls for the whole queue to drain (CREADR == CWRITER, each poll under
 * cmd_lock). The model returns as soon as CREADR has passed the command waited for, which
 * the drained condition implies: every behaviour of the real wait is one of the model's
 * (it may only return later), so safety verdicts carry over; how long the real wait can
 * be kept waiting by other CPUs' commands is a liveness matter.
 */
import type { Loc, ModelBuilder, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { Operand } from '../../checker/term.ts';
import { barrier } from './barriers.ts';
import type { ItsQueue } from './its.ts';
import { SPINLOCK_NAMES, spinLock, spinUnlock } from './spinlock.ts';

export interface HostIts {
  readonly queue: ItsQueue;
  /** hw_its->cmd_lock */
  readonly cmdLock: Loc;
}

export function declareHostIts(m: ModelBuilder, queue: ItsQueue): HostIts {
  return { queue, cmdLock: m.shared(`${queue.name}.cmd_lock`, 0, { values: SPINLOCK_NAMES }) };
}

export interface SendRegs {
  /** receives the queue position the command was written to */
  readonly pos: Reg;
  /** scratch for the lock */
  readonly lockOld: Reg;
}

/** its_send_command(hw_its, cmd); `regs.pos` holds the command's position afterwards. */
export function itsSendCommand(t: ThreadBuilder, mm: MemoryModelName, its: HostIts, cmd: Operand, text: string, regs: SendRegs): void {
  const { queue } = its;
  spinLock(t, mm, its.cmdLock, regs.lockOld, 'hw_its->cmd_lock');
  t.load(regs.pos, queue.cwriter, { note: `its_send_command(${text}): readq_relaxed(GITS_CWRITER)` });
  t.store(queue.cmds.at(regs.pos), cmd, { note: `its_send_command: copy ${text} into the host queue` });
  barrier(t, mm, 'dsb_st', { note: 'its_send_command: dsb(ishst) before the doorbell' });
  t.store(queue.cwriter, regs.pos.add(1), { note: `its_send_command: writeq_relaxed(GITS_CWRITER) — doorbell for ${text}` });
  spinUnlock(t, mm, its.cmdLock, 'hw_its->cmd_lock');
}

/** Wait until the host ITS's CREADR has moved past the command at `pos`. */
export function itsWaitPast(t: ThreadBuilder, its: HostIts, pos: Operand, r: Reg, text: string): void {
  t.await(r, its.queue.creadr, r.gt(pos), { note: `gicv3_its_wait_commands: poll GITS_CREADR until it passes ${text}` });
  t.assign(r, 0);
}
