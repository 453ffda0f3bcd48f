/**
 * Scenario C of ../shared/design/protocols.md (§3): a guest vCPU's MMIO access on Arm,
 * forwarded to the device model as an ioreq, and its completion through IO_RETRY.
 *
 * The trap handler forwards the access and returns IO_RETRY without advancing the PC
 * ("finish later"); the vCPU blocks until the device model answers; on the way back to the
 * guest, leave_hypervisor_to_guest loops on check_for_vcpu_work, whose
 * vcpu_ioreq_handle_completion runs wait_for_io and then the MMIO completion, which writes
 * the guest register from Xen's private copy of the request and advances the PC once.
 *
 * Follows:
 *  - xen-project/xen xen/arch/arm/traps.c: do_trap_stage2_abort_guest (the faulting address
 *    from FAR_EL2/HPFAR_EL2, which are per pCPU and not context-switched; the syndrome saved
 *    per vCPU in regs->hsr; IO_RETRY returns without advancing the PC),
 *    leave_hypervisor_to_guest with check_for_pcpu_work (softirqs, hence the scheduler) and
 *    check_for_vcpu_work;
 *  - xen/arch/arm/io.c: try_handle_mmio (in-Xen handlers such as the vGIC distributor
 *    first, then try_fwd_ioserv; IO_HANDLED from it goes through handle_ioserv);
 *  - xen/arch/arm/ioreq.c: try_fwd_ioserv, handle_ioserv, arch_ioreq_complete_mmio;
 *  - xen/common/ioreq.c: ioreq_send, wait_for_io, vcpu_ioreq_handle_completion
 *    (models/xen/ioreq-send.ts, models/xen/vcpu-io.ts);
 *  - the xen-devel thread "hvm/ioreq: Make x86's IOREQ feature common", Aug 2020
 *    (../shared/design/sources/002_1b8d86444c80ca26.txt): the live-state check that
 *    "continuously" returns IO_RETRY (C-B1), calling do_trap_stage2_abort_guest for the
 *    completion with FAR_EL2 no longer the vCPU's ("vGICD: bad read width", C-B2), and the
 *    accepted re-emulation through try_handle_mmio with the private copy (C-F2);
 *  - qemu/qemu hw/xen/xen-hvm-common.c for the device model (models/xen/ioreq-dm.ts).
 *
 * Actors: vCPU0, one thread for the guest and Xen acting for it on pCPU0 (they never run
 * at once); the device model; and, with `v2`, vCPU1, which the scheduler runs on pCPU0
 * while vCPU0 is descheduled and which traps on a vGIC distributor register there, so
 * pCPU0's FAR_EL2/HPFAR_EL2 then hold vCPU1's fault. Guest access i is to address
 * ADDR(i) = 1 + i of the emulated device, register x_i; a write stores WVAL = addr + 100,
 * the device model answers a read with RVAL = addr + 50.
 */
import { defineModel } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostArray, GhostRef, LocArray, ModelBuilder, ThreadBuilder } from '../checker/builder.ts';
import type { BuildContext } from '../checker/model.ts';
import { and, ite, or, type Term } from '../checker/term.ts';
import { crash, crashUnless } from './xen/domain.ts';
import {
  IOREQ_READ, IOREQ_STATE_NAMES, IOREQ_WRITE, STATE_IOREQ_NONE, STATE_IORESP_READY, declareIoreqSlots, slotOf,
  type IoreqSlotRefs, type IoreqSlots,
} from './xen/ioreq-slot.ts';
import { ioreqSend } from './xen/ioreq-send.ts';
import { RVAL, cpuGetIoreqAlternatives, cpuHandleIoreq, declareDmRegs, resetDmRegs } from './xen/ioreq-dm.ts';
import {
  IO_ABORT, IO_HANDLED, IO_RETRY, IO_STATE_NAMES, IO_UNHANDLED, VIO_MMIO_COMPLETION, copyRequest, declareVcpuIo, needsCompletion,
  vcpuIoreqHandleCompletion,
} from './xen/vcpu-io.ts';
import type { SchedHooks } from './xen/wait.ts';
import { blockUntilWoken } from './xen/wait.ts';

const PROPERTIES = ['C1', 'C2', 'C3', 'C4'];

export const ADDR = (i: number): number => 1 + i;
export const WVAL = (addr: number): number => addr + 100;
/** the vGIC distributor register vCPU1 faults on: emulated inside Xen */
export const VGICD_ADDR = 99;
/** where inject_abt sends the guest: its data-abort vector, not the next instruction */
export const ABORT_VECTOR = 1000;

/** which vCPU pCPU0 runs */
const ON_PCPU0_VCPU0 = 0;
const ON_PCPU0_OTHER = 1;

interface Access { readonly addr: number; readonly dir: number }

function accessesOf(ctx: BuildContext): Access[] {
  const mode = ctx.choice('dir');
  return Array.from({ length: ctx.int('accesses') }, (_, i) => ({
    addr: ADDR(i),
    dir: mode === 'read' ? IOREQ_READ : mode === 'write' ? IOREQ_WRITE : i % 2 === 0 ? IOREQ_WRITE : IOREQ_READ,
  }));
}

const insn = (i: number, a: Access): string => (a.dir === IOREQ_READ ? `ldr x${i}, [${a.addr}]` : `str x${i}, [${a.addr}]`);

export default defineModel({
  name: 'arm-io-retry',
  title: 'Arm MMIO forwarding to a device model and its completion through IO_RETRY (protocols.md §3, scenario C)',
  sources: [
    'xen-project/xen xen/arch/arm/traps.c (do_trap_stage2_abort_guest, leave_hypervisor_to_guest, check_for_vcpu_work)',
    'xen-project/xen xen/arch/arm/io.c (try_handle_mmio)',
    'xen-project/xen xen/arch/arm/ioreq.c (try_fwd_ioserv, handle_ioserv, arch_ioreq_complete_mmio)',
    'xen-project/xen xen/common/ioreq.c (ioreq_send, wait_for_io, vcpu_ioreq_handle_completion)',
    'xen-devel "hvm/ioreq: Make x86\'s IOREQ feature common" (shared/design/sources/002_1b8d86444c80ca26.txt)',
    'qemu/qemu hw/xen/xen-hvm-common.c (cpu_get_ioreq, cpu_handle_ioreq)',
  ],
  params: {
    accesses: { kind: 'int', default: 2, min: 1, max: 3, description: 'MMIO accesses the guest makes, one after another' },
    dir: { kind: 'choice', default: 'read', choices: ['read', 'write', 'mixed'], description: 'reads, writes, or alternating (access i writes when i is even)' },
    v2: { kind: 'int', default: 1, min: 0, max: 1, description: 'whether vCPU1 traps on pCPU0 (a vGIC register) while vCPU0 is descheduled' },
  },
  variants: [
    { id: 'C-F1', title: 'committed code: arch_ioreq_complete_mmio completes from the private copy' },
    { id: 'C-F2', title: 'the patch accepted in the thread: re-emulate through try_handle_mmio; try_fwd_ioserv returns IO_HANDLED on a private IORESP_READY' },
    { id: 'C-B1', title: 're-emulation decides on the live shared ioreq state, which wait_for_io has already reset to NONE' },
    { id: 'C-B2', title: 'the completion re-runs the whole stage-2 abort handler, which decodes FAR_EL2/HPFAR_EL2 again' },
    { id: 'C-B3', title: 'handle_ioserv does not reset the private state (with C-F2)' },
    { id: 'C-B4', title: 'wait_for_io drops its smp_rmb (with C-F1)' },
  ],
  properties: [
    { id: 'C1', title: 'exactly once: each guest MMIO access produces one ioreq, and the device model performs it once' },
    { id: 'C2', title: 'correct result: a read\'s register gets the device model\'s answer to that access, and the PC has advanced exactly once, before the guest resumes' },
    { id: 'C3', title: 'progress: if the device model answers every request, the guest resumes past the faulting instruction (no unbounded IO_RETRY)', needs: 'liveness' },
    { id: 'C4', title: 'no stale response (A2): the data Xen takes at completion is the value the device model stored for the request' },
  ],
  // protocols.md §6, rows "C"; verdicts.tsv gives the same cells (test/models/arm-io-retry.test.ts compares them).
  expected: expectationTable(PROPERTIES, {
    'C-F1': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'C-F2': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'C-B1': { sc: 'V:C1,C3', tso: 'V:C1,C3', pso: 'V:C1,C3', armv8: 'V:C1,C3' },
    'C-B2': { sc: 'V:C2', tso: 'V:C2', pso: 'V:C2', armv8: 'V:C2' },
    'C-B3': { sc: 'V:C1,C2', tso: 'V:C1,C2', pso: 'V:C1,C2', armv8: 'V:C1,C2' },
    'C-B4': { sc: 'H', tso: 'H', pso: 'H', armv8: 'V:C4' },
  }),
  build(m, ctx) {
    const accesses = accessesOf(ctx);
    const A = accesses.length;
    const slots = declareIoreqSlots(m, 1);
    const pending = m.array('evtchn.pending', 1, 0);
    const blocked = m.array('vcpu.blocked_in_xen', 1, 0);
    const g: Ghosts = {
      far: m.ghost('pcpu0.far_hpfar', 0),
      onPcpu0: m.ghost('pcpu0.running', ON_PCPU0_VCPU0, { values: { [ON_PCPU0_VCPU0]: 'vCPU0', [ON_PCPU0_OTHER]: 'another vCPU' } }),
      ioreqs: m.ghostArray('access.ioreqs', A + 1, 0),
      effects: m.ghostArray('access.dm_effects', A + 1, 0),
      resumed: m.ghostArray('guest.resumed', A, 0),
      resumedPc: m.ghostArray('guest.resumed_pc', A, 0),
      resumedReg: m.ghostArray('guest.resumed_x', A, 0),
    };
    const guest = vcpu0(m, ctx, accesses, slotOf(slots, 0), pending, blocked, g);
    deviceModel(m, ctx, slots, pending, blocked, g);
    if (ctx.int('v2') === 1) {
      m.thread('vCPU1', { actor: 'vCPU1 (on pCPU0)' }, (t) => {
        // vCPU1 may never get pCPU0: vCPU0 need not be descheduled at all
        t.label('runnable', { end: true });
        t.atomic(() => {
          t.guard(g.onPcpu0.eq(ON_PCPU0_OTHER));
          t.setGhost(g.far, VGICD_ADDR);
        }, { note: `vCPU1 runs on pCPU0 while vCPU0 is descheduled and faults on a vGIC distributor register: FAR_EL2/HPFAR_EL2 := ${VGICD_ADDR}` });
        // Xen emulates vCPU1's access in the vGIC; nothing of it touches vCPU0's state.
      });
    }

    // C1: per access, at most one ioreq and at most one device-model side effect at any
    // time, and exactly one of each once the guest has resumed past it. Each count is kept
    // by the actor that acts (Xen counts its sends, the device model what it performs), and
    // the two are compared only after the guest resumed, when vCPU0 has executed its sends:
    // so a memory model that lets the device model read a store before Xen executes the
    // steps around it (ARMv8 promises) cannot make the comparison see a half-done count.
    m.invariant('C1', and(...accesses.map((a, i) => and(
      g.ioreqs.at(a.addr).le(1),
      g.effects.at(a.addr).le(1),
      or(g.resumed.at(i).eq(0), and(g.ioreqs.at(a.addr).eq(1), g.effects.at(a.addr).eq(1))),
    )), g.ioreqs.at(0).eq(0), g.effects.at(0).eq(0)));
    // C3 (liveness): on every fair run (the device model, weakly fair, answers every
    // request it is given), vCPU0 gets past every access: it resumes after each and
    // finishes. C-B1's re-emulation that keeps finding the live state NONE and sending the
    // access again is a fair cycle (vCPU0 and the device model both move in it): a livelock.
    m.eventually('C3', m.done(guest));
    // C2: when the guest resumes after access i, the PC is just past it, and a read's
    // register holds the device model's answer to that access.
    m.invariant('C2', and(...accesses.map((a, i) => or(
      g.resumed.at(i).eq(0),
      and(g.resumedPc.at(i).eq(i + 1), a.dir === IOREQ_WRITE ? true : g.resumedReg.at(i).eq(RVAL(a.addr))),
    ))));
  },
});

interface Ghosts {
  /**
   * FAR_EL2/HPFAR_EL2 of pCPU0, as one faulting guest physical address. They are system
   * registers, not memory: written by the hardware when something running on pCPU0 traps,
   * read by Xen on pCPU0, never context-switched. Whatever runs on pCPU0 sees them in that
   * CPU's own order, so no memory model reorders them: state outside the memory model,
   * updated with the step that traps. (As a shared location, ARMv8's promises would let
   * vCPU0 publish its next trap's write early and then read vCPU1's as newer, a reordering
   * of one CPU's own system registers that no hardware makes.)
   */
  readonly far: GhostRef;
  /** which vCPU pCPU0 runs: another vCPU may run there only while vCPU0 is descheduled */
  readonly onPcpu0: GhostRef;
  /** per access (by address; 0: a request for anything but the access being executed): ioreqs Xen sent for it, saturating at 2 */
  readonly ioreqs: GhostArray;
  /** per access: how many times the device model performed it, saturating at 2 */
  readonly effects: GhostArray;
  /** the guest resumed after access i, with this PC and this value in x_i */
  readonly resumed: GhostArray;
  readonly resumedPc: GhostArray;
  readonly resumedReg: GhostArray;
}

const bump = (t: ThreadBuilder, g: GhostArray, i: Term | number): void => {
  t.setGhost(g.at(i), ite(g.at(i).ge(2), 2, g.at(i).add(1)));
};

/** The guest's vCPU0 and Xen acting for it on pCPU0. */
function vcpu0(
  m: ModelBuilder, ctx: BuildContext, accesses: readonly Access[], slot: IoreqSlotRefs,
  pending: LocArray, blocked: LocArray, g: Ghosts,
): ThreadBuilder {
  const { variant, mm } = ctx;
  return m.thread('vCPU0', { actor: 'vCPU0 (guest / Xen)' }, (t) => {
    const pc = t.reg('pc', 0);
    const x = accesses.map((a, i) => t.reg(`x${i}`, a.dir === IOREQ_WRITE ? WVAL(a.addr) : 0));
    const gpa = t.reg('gpa', 0);
    const rc = t.reg('rc', IO_UNHANDLED, { values: IO_STATE_NAMES });
    const res = t.reg('res', 0);
    const s = t.reg('state', 0, { values: IOREQ_STATE_NAMES });
    const prev = t.reg('prev_state', 0, { values: IOREQ_STATE_NAMES });
    const data = t.reg('data', 0);
    const flag = t.reg('flag', 0);
    const io = declareVcpuIo(t);
    const sched: SchedHooks = {
      descheduled: () => t.setGhost(g.onPcpu0, ON_PCPU0_OTHER),
      resumed: () => t.setGhost(g.onPcpu0, ON_PCPU0_VCPU0),
    };
    const checkXen = crashUnless(t, 'domain_crash');

    accesses.forEach((a, i) => {
      const resume = `resume.${i}`;
      const leave = `leave_hypervisor_to_guest.${i}`;

      /** try_fwd_ioserv (xen/arch/arm/ioreq.c); leaves rc */
      const tryFwdIoserv = (phase: string): void => {
        const done = `try_fwd_ioserv.${i}.${phase}.done`;
        let state: Term = io.state;
        if (variant === 'C-B1') {
          // the bug: the check looks at the live ioreq shared with the device model
          t.load(s, slot.state, { note: 'try_fwd_ioserv: look at the live ioreq state (get_ioreq)' });
          state = s;
        }
        if (variant === 'C-F2' || variant === 'C-B1' || variant === 'C-B2' || variant === 'C-B3') {
          // "try_fwd_ioserv returns IO_HANDLED on state == STATE_IORESP_READY"
          t.if(state.eq(STATE_IORESP_READY), () => { t.assign(rc, IO_HANDLED); t.goto(done); });
        }
        t.if(state.ne(STATE_IOREQ_NONE), () => { t.assign(rc, IO_ABORT); t.goto(done); }); // "wrong state"
        // p = { READY, addr = gpa, dir, data = the register for a write }; one ioreq server claims the range
        copyRequest(t, io, gpa, a.dir, a.dir === IOREQ_WRITE ? x[i] : 0); // vio->req = p
        ioreqSend(t, mm, {
          slot, blocked: blocked.at(0), pending: pending.at(0), state: s, flag,
          label: `access ${i}`, addr: gpa, dir: a.dir, data: a.dir === IOREQ_WRITE ? x[i] : 0,
          checkIdle: checkXen,
          onPublish: () => bump(t, g.ioreqs, ite(gpa.eq(a.addr), a.addr, 0)),
        });
        t.assign(io.pending, 1); // sv->pending = true; ioreq_send returns IO_RETRY
        t.assign(s, 0);
        t.assign(rc, IO_RETRY);
        t.if(needsCompletion(io), () => t.assign(io.completion, VIO_MMIO_COMPLETION), () => t.assign(rc, IO_HANDLED));
        t.label(done);
      };

      /** handle_ioserv (xen/arch/arm/ioreq.c): the response from the private copy into the guest register */
      const handleIoserv = (): void => {
        // r = v->io.req.data; "We are done with the IO": v->io.req.state = NONE
        if (variant !== 'C-B3') t.assign(io.state, STATE_IOREQ_NONE);
        if (a.dir === IOREQ_READ) t.assign(x[i], io.data); // mask and sign-extend: the model's values fit
        t.assign(rc, IO_HANDLED);
      };

      /** try_handle_mmio (xen/arch/arm/io.c) at `gpa`; leaves rc */
      const tryHandleMmio = (phase: string): void => {
        const done = `try_handle_mmio.${i}.${phase}.done`;
        t.if(gpa.eq(VGICD_ADDR), () => {
          // find_mmio_handler: the vGIC distributor, emulated in Xen, with vCPU0's own syndrome
          t.skip({ note: 'try_handle_mmio: the vGIC distributor handler decodes vCPU0\'s access at this address: "vGICD: bad read width"' });
          t.assign(rc, IO_ABORT);
          t.goto(done);
        });
        tryFwdIoserv(phase);
        t.if(rc.eq(IO_HANDLED), () => handleIoserv());
        t.label(done);
      };

      /** do_trap_stage2_abort_guest: decode the fault from pCPU0's FAR_EL2/HPFAR_EL2 and emulate */
      const doTrapStage2AbortGuest = (phase: 'trap' | 'completion'): void => {
        const done = `do_trap_stage2_abort_guest.${i}.${phase}.done`;
        t.skip({ note: 'do_trap_stage2_abort_guest: the faulting address from FAR_EL2/HPFAR_EL2' });
        t.assign(gpa, g.far);
        tryHandleMmio(phase);
        t.if(rc.eq(IO_HANDLED), () => { t.assign(pc, pc.add(1)); t.goto(done); }); // advance_pc
        t.if(rc.eq(IO_ABORT), () => { t.assign(pc, ABORT_VECTOR); t.goto(done); }); // inject_abt
        if (phase === 'trap') t.goto(leave); // IO_RETRY: "finish later", the PC not advanced
        else crash(t, 'ASSERT_UNREACHABLE: IO_RETRY while completing');
        t.label(done);
        if (phase === 'trap') t.goto(resume);
      };

      // --- the guest executes access i: a stage-2 data abort on pCPU0 --------------------------
      t.skip({ note: `guest: ${insn(i, a)} faults (stage-2 data abort): FAR_EL2/HPFAR_EL2 := ${a.addr}` });
      t.setGhost(g.far, a.addr);
      doTrapStage2AbortGuest('trap');

      // --- leave_hypervisor_to_guest: do { check_for_pcpu_work } while ( check_for_vcpu_work ) ---
      t.label(leave);
      // check_for_pcpu_work: softirqs; schedule() deschedules vCPU0 while _VPF_blocked_in_xen is set
      t.load(flag, blocked.at(0), { note: 'check_for_pcpu_work: SCHEDULE_SOFTIRQ: is vCPU0 blocked in Xen?' });
      t.if(flag.ne(0), () => blockUntilWoken(t, blocked.at(0), flag, `descheduled.${i}`, 'schedule: vCPU0 descheduled until woken', sched));
      t.assign(flag, 0);
      // check_for_vcpu_work: vcpu_ioreq_handle_completion
      vcpuIoreqHandleCompletion(t, mm, {
        slot, blocked: blocked.at(0), state: s, prev, data, flag, io, res,
        label: `access ${i}`, labelSuffix: String(i),
        noRmb: variant === 'C-B4',
        checkTransition: checkXen,
        sched,
        // C4 is A2: it concerns reads (a write's data is Xen's own; its check is vacuous)
        onData: () => t.assert(a.dir === IOREQ_READ ? data.eq(RVAL(a.addr)) : true, 'C4', `Xen took data for access ${i} that is not the device model's answer ${RVAL(a.addr)}`),
        mmioCompletion: () => mmioCompletion(),
      });
      t.assign(s, 0); t.assign(prev, 0); t.assign(data, 0); t.assign(flag, 0);
      t.if(res.eq(0), () => t.goto(leave));
      t.goto(resume);

      /** the MMIO completion of each variant; leaves res */
      function mmioCompletion(): void {
        if (variant === 'C-F1' || variant === 'C-B4') {
          // arch_ioreq_complete_mmio
          t.if(io.state.ne(STATE_IORESP_READY), () => crash(t, 'arch_ioreq_complete_mmio: ASSERT_UNREACHABLE'));
          handleIoserv();
          t.assign(pc, pc.add(1)); // finalize_instr_emulation; advance_pc
          t.assign(res, 1);
        } else if (variant === 'C-B2') {
          // handle_mmio calls do_trap_stage2_abort_guest, which reads pCPU0's fault registers again
          t.assign(res, 1);
          doTrapStage2AbortGuest('completion');
        } else {
          // handle_mmio: try_handle_mmio at the address of the private copy
          t.assign(gpa, io.addr);
          tryHandleMmio('completion');
          t.if(rc.eq(IO_HANDLED), () => { t.assign(pc, pc.add(1)); t.assign(res, 1); }, () => t.assign(res, 0));
        }
      }

      // --- back to the guest ----------------------------------------------------------------
      t.label(resume);
      t.skip({ note: 'leave_hypervisor_to_guest: return to the guest' });
      t.setGhost(g.resumed.at(i), 1);
      t.setGhost(g.resumedPc.at(i), pc);
      t.setGhost(g.resumedReg.at(i), x[i]);
      t.assign(gpa, 0); t.assign(rc, IO_UNHANDLED); t.assign(res, 0);
      // an injected abort: the guest runs its data-abort handler, which the model does not follow
      t.if(pc.eq(ABORT_VECTOR), () => t.finish());
    });
  });
}
/** The device model (QEMU): serves vCPU0's slot forever; each request it performs is a side effect on the device. */
function deviceModel(m: ModelBuilder, ctx: BuildContext, slots: IoreqSlots, pending: LocArray, blocked: LocArray, g: Ghosts): ThreadBuilder {
  const { mm } = ctx;
  const A = ctx.int('accesses');
  return m.thread('DM', { actor: 'device model' }, (t) => {
    const r = declareDmRegs(t);
    t.label('idle', { end: true });
    t.select(...cpuGetIoreqAlternatives(t, mm, r, { slots, pending, vcpus: 1, idleLabel: 'idle' }));
    cpuHandleIoreq(t, mm, r, {
      slots, blocked,
      onEmulate: () => bump(t, g.effects, ite(and(r.addr.ge(1), r.addr.le(A)), r.addr, 0)),
      checkInService: crashUnless(t, 'destroy_hvm_domain'),
    });
    resetDmRegs(t, r);
    t.goto('idle');
  });
}

