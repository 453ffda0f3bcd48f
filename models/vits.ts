/**
 * Scenario D of ../shared/design/protocols.md (§4): the Arm virtual ITS command queue and
 * the LPI configuration table, in the three designs of the xen-devel thread
 * "Xen/arm: Virtual ITS command queue handling" (May 2015,
 * ../shared/design/sources/003_bf5edb0d431ac532.txt), and a guest driving a physical ITS
 * with no Xen in between.
 *
 * Follows:
 *  - xen-project/xen xen/arch/arm/vgic-v3-its.c (D-now, committed): vgic_v3_its_mmio_write
 *    (GITS_CWRITER under vcmd_lock), vgic_its_handle_cmds (each command executed
 *    synchronously, then write_u64_atomic(its->creadr)), its_handle_inv / its_handle_invall
 *    / its_handle_mapti (update_lpi_property re-reads the guest's property table into the
 *    pending_irq), "We handle ITS commands synchronously, so we ignore SYNC", and the
 *    lockless GITS_CREADR read (read_u64_atomic);
 *  - xen-project/xen xen/arch/arm/gic-v3-its.c (its_send_command: dsb(ishst) before
 *    GITS_CWRITER; gicv3_its_wait_commands) and xen/arch/arm/gic-v3-lpi.c (host LPIs are
 *    enabled when Xen allocates them), both through models/xen/gic-v3-its.ts and its.ts;
 *  - Linux drivers/irqchip/irq-gic-v3-its.c (the guest): lpi_write_config writes the
 *    configuration byte and issues dsb(ishst); its_send_single_command builds commands
 *    under its->lock, its_flush_cmd (dsb(ishst)), its_post_commands (GITS_CWRITER), then
 *    its_wait_for_range_completion polls GITS_CREADR;
 *  - Julien Grall's proposal (D-eager) and Ian Campbell's (D-lazy) from the thread, as
 *    protocols.md D.2 writes them down.
 *
 * Actors: one thread per guest vCPU, running the guest driver and, when it traps, Xen's
 * handler on that vCPU (an MMIO trap is synchronous: the vCPU runs Xen's code and then
 * its next guest instruction), and the physical ITS as an asynchronous agent
 * (models/xen/its.ts). The device raising the LPI is not a thread: D1 speaks of the
 * configuration a delivery would use at each moment, so the invariant reads that
 * configuration directly (the ITS's cache, or the pending_irq in D-now).
 *
 * vCPU0 configures the LPIs. The other vCPUs issue `INV n; SYNC` for the same LPI without
 * writing its configuration, as a guest may at any time (an INV with no table change
 * before it is architecturally harmless): that is what lets one vCPU's INV consume the
 * dirty bit that another's trap set (D-B2, D-B3). Each LPI has one writer, so "the last
 * value G wrote" is that vCPU's last write in program order.
 *
 * Modelling notes:
 *  - The guest takes its own its->lock around queueing and the CWRITER write (Linux does),
 *    but writes the table outside it (lpi_write_config runs under the irq descriptor's
 *    lock): a table-write trap on one vCPU can run while another vCPU's commands are
 *    handled, which D-B2 needs. Xen's vcmd_lock is modelled too; with a guest that locks,
 *    the guest's lock already serialises the CWRITER traps. Without both, D-lazy would
 *    have a race of its own (a SYNC overtaking a pINV that another vCPU has claimed the
 *    dirty bit for but not yet sent): keep vcmd_lock around the whole command loop.
 *  - D-lazy's INVALL takes the dirty bitmap with one exchange. Ian's "insert INVALL iff
 *    there are bits set, and clear the bitmap" done as a test and a separate clear would
 *    lose a bit set in between.
 *  - What MAPTI does in the trapping designs is not in the thread; protocols.md's D-B6
 *    names the fix ("MAPTI reloads the configuration"), which the correct designs do:
 *    read the table entry under its_lock and propagate it as a trapped write would.
 *  - In D-B1 nothing orders the queue writes before CWRITER either, so under PSO and
 *    ARMv8 the ITS may also find a slot that does not hold a command yet; the ITS model
 *    stalls on that (see models/xen/its.ts), which is a hang rather than a D1 violation.
 */
import { defineModel, type BuildContext, type VerifySettings } from '../checker/model.ts';
import { expectationTable } from '../checker/expectations.ts';
import type { GhostArray, GhostRef, Loc, LocArray, ModelBuilder, Reg, ThreadBuilder } from '../checker/builder.ts';
import { and, or, type Term } from '../checker/term.ts';
import { barrier } from './xen/barriers.ts';
import { fullyOrdered, setBit, testAndClearBit } from './xen/bitops.ts';
import { declareHostIts, itsSendCommand, itsWaitPast, type HostIts } from './xen/gic-v3-its.ts';
import {
  GITS_CMD_INV, GITS_CMD_INVALL, GITS_CMD_MAPTI, GITS_CMD_SYNC, LPI_CFG_DISABLED, LPI_CFG_ENABLED, LPI_CFG_NAMES,
  LPI_CFG_ZEROED, declareItsQueue, itsAgent, itsCmd, itsCmdFor, itsCmdLpi, itsCmdNames, itsCmdOp,
  itsCmdText, type ItsCommand, type ItsQueue,
} from './xen/its.ts';
import { SPINLOCK_NAMES, spinLock, spinUnlock } from './xen/spinlock.ts';

const PROPERTIES = ['D1', 'D2', 'D3'];

/** Who handles the guest's commands and table writes. */
type Design = 'now' | 'eager' | 'lazy' | 'direct';

const DESIGN: Readonly<Record<string, Design>> = {
  'D-F1': 'now', 'D-F2': 'lazy', 'D-B1': 'direct', 'D-B2': 'lazy', 'D-B3': 'lazy', 'D-B4': 'lazy', 'D-B5': 'eager', 'D-B6': 'eager',
};

// ---------------------------------------------------------------------------------------
// What the guest does

interface TableWrite { readonly lpi: number; readonly value: number }

/** One trip through the command queue: queue, write CWRITER, wait for CREADR to pass the SYNC. */
interface Batch {
  /** commands queued before the table writes, inside the same critical section (Ian's A and B) */
  readonly before: readonly ItsCommand[];
  readonly writes: readonly TableWrite[];
  /** queued after the writes; the last is the SYNC the vCPU waits for */
  readonly cmds: readonly ItsCommand[];
}

interface Workload {
  readonly lpis: number;
  /** per LPI: mapped by the guest (MAPTI) before the run starts */
  readonly mapped: readonly boolean[];
  readonly gcfg: readonly number[];
  /** the host configuration and the ITS's cache: what Xen set at mapping, or its allocation default */
  readonly host: readonly number[];
  /** D-now's pending_irq property copy (zeroed until MAPTI initialises it) */
  readonly pirq: readonly number[];
  readonly configurer: readonly Batch[];
  readonly other: Batch;
}

const flip = (v: number): number => (v === LPI_CFG_ENABLED ? LPI_CFG_DISABLED : LPI_CFG_ENABLED);
const INV = (lpi: number): ItsCommand => ({ op: GITS_CMD_INV, lpi });
const SYNC: ItsCommand = { op: GITS_CMD_SYNC };
const MAPTI = (lpi: number): ItsCommand => ({ op: GITS_CMD_MAPTI, lpi });

/** The workload protocols.md describes for each variant. */
const VARIANT_WORKLOAD: Readonly<Record<string, string>> = { 'D-B5': 'batch', 'D-B6': 'map' };

/**
 * The guest's script, for `lpis` LPIs (L below):
 * reconfigure: LPIs 0..L-1 are mapped and disabled; vCPU0 enables them (then, in later
 *   rounds, toggles them), each time followed by their INVs and a SYNC.
 * map: LPIs 0..L-1 are not mapped yet; the guest table is zeroed, and the host LPIs Xen
 *   allocated for them are enabled (gic-v3-lpi.c). vCPU0 writes their configuration
 *   (disabled, with a priority, as Linux does at allocation), then queues MAPTI, INV for
 *   each, and SYNC (protocols.md D-B6).
 * batch: Ian Campbell's example from the thread: commands queued, then the
 *   configuration of several LPIs changed, then their INVs in the other order, then SYNC.
 *   Command A is MAPTI L: LPI L is mapped only when the queue is processed; LPIs 0..L-1
 *   are mapped and get enabled, LPI L gets configured (disabled).
 * The other vCPUs issue INV 0 and SYNC.
 */
function workload(name: string, L: number, rounds: number, invall: boolean): Workload {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const invs = (lpis: readonly number[]): ItsCommand[] => lpis.map(INV).reverse();
  const other: Batch = { before: [], writes: [], cmds: [INV(0), SYNC] };
  const shape = ((): Omit<Workload, 'configurer'> & { first: Batch } => {
    switch (name) {
      case 'reconfigure':
        return {
          lpis: L, mapped: range(L).map(() => true), gcfg: range(L).map(() => LPI_CFG_DISABLED),
          host: range(L).map(() => LPI_CFG_DISABLED), pirq: range(L).map(() => LPI_CFG_DISABLED),
          first: { before: [], writes: range(L).map((lpi) => ({ lpi, value: LPI_CFG_ENABLED })), cmds: [...invs(range(L)), SYNC] },
          other,
        };
      case 'map':
        return {
          lpis: L, mapped: range(L).map(() => false), gcfg: range(L).map(() => LPI_CFG_ZEROED),
          host: range(L).map(() => LPI_CFG_ENABLED), pirq: range(L).map(() => LPI_CFG_ZEROED),
          first: {
            before: [], writes: range(L).map((lpi) => ({ lpi, value: LPI_CFG_DISABLED })),
            cmds: [...range(L).map(MAPTI), ...range(L).map(INV), SYNC],
          },
          other,
        };
      case 'batch':
        return {
          lpis: L + 1, mapped: [...range(L).map(() => true), false],
          gcfg: [...range(L).map(() => LPI_CFG_DISABLED), LPI_CFG_ZEROED],
          host: [...range(L).map(() => LPI_CFG_DISABLED), LPI_CFG_ENABLED],
          pirq: [...range(L).map(() => LPI_CFG_DISABLED), LPI_CFG_ZEROED],
          first: {
            before: [MAPTI(L)],
            writes: [...range(L).map((lpi) => ({ lpi, value: LPI_CFG_ENABLED })), { lpi: L, value: LPI_CFG_DISABLED }],
            cmds: [...invs(range(L + 1)), SYNC],
          },
          other,
        };
      default:
        throw new Error(`unknown workload '${name}'`);
    }
  })();
  const later = (r: number): Batch => ({
    before: [],
    writes: shape.first.writes.map((w) => ({ lpi: w.lpi, value: r % 2 === 0 ? w.value : flip(w.value) })),
    cmds: [...invs(shape.first.writes.map((w) => w.lpi)), SYNC],
  });
  const batches = [shape.first, ...range(rounds - 1).map((i) => later(i + 1))];
  const withInvall = (b: Batch): Batch => {
    if (!invall) return b;
    const cmds: ItsCommand[] = [];
    for (const c of b.cmds) {
      if (c.op !== GITS_CMD_INV) cmds.push(c);
      else if (!cmds.some((x) => x.op === GITS_CMD_INVALL)) cmds.push({ op: GITS_CMD_INVALL });
    }
    return { ...b, cmds };
  };
  const { first: _first, ...rest } = shape;
  return { ...rest, configurer: batches.map(withInvall), other: withInvall(shape.other) };
}

/** LPIs whose last write in this batch is covered by an INV of it, or an INVALL, queued after it. */
function promisedBy(b: Batch): number[] {
  const covered = (n: number): boolean => b.cmds.some((c) => c.op === GITS_CMD_INVALL || (c.op === GITS_CMD_INV && c.lpi === n));
  return [...new Set(b.writes.map((w) => w.lpi))].filter(covered);
}

// ---------------------------------------------------------------------------------------
// The model

/**
 * What `xenmc verify` runs under ARMv8. With two vCPUs, ARMv8 with a promise outstanding is
 * beyond 9 M states for D-F2 (unfinished after 5 minutes), and D-B2 ran out of 23 GB
 * (measured with `xenmc check vits --mm armv8`), so each variant runs the smallest
 * instance that shows its bug: one vCPU where the bug is vCPU0's own, two where another
 * vCPU's INV is the point (D-B2 without promises, D-B3 depth-first).
 */
const ONE_VCPU = { vcpus: 1 } as const;
const ARMV8_RUNS: Readonly<Record<string, VerifySettings | readonly VerifySettings[]>> = {
  'D-F2': { params: ONE_VCPU, reason: 'one vCPU (with two, beyond 9 M states under ARMv8)' },
  'D-B1': { params: ONE_VCPU, promises: 2, reason: 'one vCPU, two promises: CWRITER and the INV both visible before the configuration write (with one, the ITS can only stall on an empty command)' },
  'D-B2': { promises: 0, reason: 'an interleaving bug (violated under SC): two vCPUs, without promises (with one, beyond 23 GB)' },
  // Breadth-first, the violation is out of reach: 62 M states to depth 50 in 1,300 s (8 GB)
  // without it, the frontier still growing by 6.5 M states a level. Depth-first order
  // reaches it (a 93–100-step path); shuffled from seed 10, after 0.5 M states (of seeds
  // 1–16, six found it within 40–60 s, after 0.5–3.1 M states; the others were stopped).
  'D-B3': [
    {
      properties: ['D1'], order: 'depth-first', seed: 10,
      reason: 'two vCPUs and one promise (dirty visible before hcfg), searched depth-first: breadth-first does not reach it within 62 M states',
    },
    { params: ONE_VCPU, reason: 'the properties verdicts.tsv leaves unstated, at one vCPU (two, breadth-first: beyond 62 M states)' },
  ],
  'D-B4': { params: ONE_VCPU, reason: 'one vCPU: its own SYNC is passed without pSYNC' },
  'D-B5': { params: ONE_VCPU, reason: 'one vCPU (with two, beyond 9 M states under ARMv8)' },
  'D-B6': { params: ONE_VCPU, reason: 'one vCPU: its own write to the unmapped LPI is dropped' },
};

export default defineModel({
  name: 'vits',
  title: 'virtual ITS command queue and LPI configuration (protocols.md §4, scenario D)',
  sources: [
    'xen-devel "Xen/arm: Virtual ITS command queue handling" (shared/design/sources/003_bf5edb0d431ac532.txt)',
    'xen-project/xen xen/arch/arm/vgic-v3-its.c (vgic_v3_its_mmio_write, vgic_its_handle_cmds, its_handle_inv, its_handle_mapti)',
    'xen-project/xen xen/arch/arm/gic-v3-its.c (its_send_command, gicv3_its_wait_commands)',
    'xen-project/xen xen/arch/arm/gic-v3-lpi.c (host LPIs enabled at allocation)',
    'Linux drivers/irqchip/irq-gic-v3-its.c (lpi_write_config, its_send_single_command, its_wait_for_range_completion)',
  ],
  params: {
    lpis: { kind: 'int', default: 1, min: 1, max: 3, description: 'LPIs vCPU0 configures (batch adds the one its MAPTI maps)' },
    vcpus: { kind: 'int', default: 2, min: 1, max: 3, description: 'guest vCPUs: vCPU0 writes the configuration, the others issue INV + SYNC for the same LPI' },
    rounds: { kind: 'int', default: 1, min: 1, max: 3, description: 'how many times vCPU0 (re)writes the configuration, each time followed by INV and SYNC' },
    workload: {
      kind: 'choice', default: 'variant', choices: ['variant', 'reconfigure', 'map', 'batch'],
      description: 'variant: the one protocols.md gives the variant (map for D-B6, batch for D-B5, reconfigure otherwise); reconfigure: a mapped LPI is enabled; map: configure, then MAPTI; batch: Ian Campbell\'s reordering example',
    },
    inv: { kind: 'choice', default: 'inv', choices: ['inv', 'invall'], description: 'invalidate with INV of each LPI, or with one INVALL' },
  },
  variants: [
    { id: 'D-F1', title: 'D-now (committed vgic-v3-its.c): commands executed synchronously in the CWRITER trap, SYNC ignored' },
    { id: 'D-F2', title: 'D-lazy done right: hcfg written, barrier, then dirty; INV sent iff test_and_clear(dirty); SYNC → pSYNC and wait' },
    { id: 'D-B1', title: 'no Xen: the guest drives a physical ITS and omits the DSB before CWRITER' },
    { id: 'D-B2', title: 'D-lazy sets dirty[n] before writing hcfg' },
    { id: 'D-B3', title: 'D-lazy writes hcfg, then dirty, with no barrier between' },
    { id: 'D-B4', title: 'D-lazy advances vCREADR over a guest SYNC without pSYNC and wait' },
    { id: 'D-B5', title: 'D-eager: table writes trapped and sent as pINV at once, so INVs overtake earlier commands (Ian\'s example)' },
    { id: 'D-B6', title: 'D-eager ignores a table write to a not-yet-mapped LPI, and MAPTI does not reload the configuration' },
  ],
  properties: [
    { id: 'D1', title: 'SYNC semantics: once G sees CREADR past the SYNC that follows its INV, the effective configuration is the last value G wrote before the INV, until G writes again' },
    { id: 'D2', title: 'the effective configuration eventually equals the last value written after any INV, even without a SYNC (on every fair run it keeps coming back to it, and a run that stops ends there)', needs: 'liveness' },
    { id: 'D3', title: 'CREADR never passes a command whose effect G may rely on before it has taken effect (a SYNC: the physical ITS completed a SYNC for it)' },
  ],
  // protocols.md §6, rows "D vITS"; verdicts.tsv gives the same cells (test/models/vits.test.ts compares them).
  verifyWith: (variant, mm) => (mm === 'armv8' ? ARMV8_RUNS[variant] : undefined),
  expected: expectationTable(PROPERTIES, {
    'D-F1': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'D-F2': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'D-B1': { sc: 'H', tso: 'H', pso: 'V:D1', armv8: 'V:D1' },
    'D-B2': { sc: 'V:D1', tso: 'V:D1', pso: 'V:D1', armv8: 'V:D1' },
    'D-B3': { sc: 'H', tso: 'H', pso: 'V:D1', armv8: 'V:D1' },
    'D-B4': { sc: 'V:D1', tso: 'V:D1', pso: 'V:D1', armv8: 'V:D1' },
    'D-B5': { sc: 'H', tso: 'H', pso: 'H', armv8: 'H' },
    'D-B6': { sc: 'V:D1', tso: 'V:D1', pso: 'V:D1', armv8: 'V:D1' },
  }),
  build(m, ctx) {
    const design = DESIGN[ctx.variant];
    const wname = ctx.choice('workload') === 'variant' ? VARIANT_WORKLOAD[ctx.variant] ?? 'reconfigure' : ctx.choice('workload');
    const w = workload(wname, ctx.int('lpis'), ctx.int('rounds'), ctx.choice('inv') === 'invall');
    const vcpus = ctx.int('vcpus');
    const batches = (v: number): readonly Batch[] => (v === 0 ? w.configurer : [w.other]);
    const guestCmds = Array.from({ length: vcpus }, (_, v) => batches(v)).flat().reduce((n, b) => n + b.before.length + b.cmds.length, 0);
    const writes = w.configurer.reduce((n, b) => n + b.writes.length, 0);

    const s = declareState(m, design, w, guestCmds, guestCmds + writes);
    const its = design === 'now' ? null : itsAgent(m, {
      thread: 'ITS', actor: 'physical ITS', queue: s.host?.queue ?? s.queue, table: s.hcfg ?? s.gcfg, lpis: w.lpis,
      initialCache: w.host, ...(s.hostRetired ? { retired: s.hostRetired } : design === 'direct' ? { retired: s.effect } : {}),
    });
    for (let v = 0; v < vcpus; v++) vcpu(m, ctx, design, s, v, batches(v));

    // D1: a promise made when G saw CREADR pass its SYNC must hold until G writes again.
    const effective = (n: number): Term => (its ? m.regOf(its.cache[n]) : m.mem(s.pirq!.at(n)));
    m.invariant('D1', and(...Array.from({ length: w.lpis }, (_, n) =>
      or(s.promised.at(n).eq(0), effective(n).eq(s.last[n])))));
    // D2 (liveness): in every workload here each configuration write is followed by an INV
    // (or an INVALL) covering it, so "after any INV" covers every write, and D2 says that
    // the effective configuration of every LPI keeps coming back to the last value G wrote:
    // □◇(effective == last) on every fair run (a run that stops must stop there). A design
    // that loses a write for good (D-B6's dropped write to an unmapped LPI) violates it.
    m.alwaysEventually('D2', and(...Array.from({ length: w.lpis }, (_, n) => effective(n).eq(s.last[n]))));
    // D3: every command CREADR has passed has taken effect; for a SYNC in the trapping
    // designs that means the physical ITS retired a SYNC Xen sent for it.
    const creadr = m.mem(s.queue.creadr);
    m.invariant('D3', and(...Array.from({ length: guestCmds }, (_, k) => or(
      creadr.le(k),
      s.effect.at(k).eq(1),
      ...(s.hostRetired ? Array.from({ length: s.host!.queue.size }, (_, p) =>
        and(s.syncSentAt!.at(k).eq(p + 1), s.hostRetired!.at(p).eq(1))) : []),
    ))));
  },
});

// ---------------------------------------------------------------------------------------
// State

interface State {
  readonly lpis: number;
  /** the guest's LPI configuration table (guest memory; in D-B1 the table the ITS reads) */
  readonly gcfg: LocArray;
  /** the guest's command queue: guest memory, with CWRITER/CREADR as Xen's shadow its->cwriter/creadr (or the physical registers in D-B1) */
  readonly queue: ItsQueue;
  /** Linux its->lock and its->cmd_write */
  readonly guestLock: Loc;
  readonly cmdWrite: Loc;
  /** Xen's vITS: vcmd_lock, and whether each vLPI is mapped (its ITT / pend_lpi_tree) */
  readonly vcmdLock: Loc | null;
  readonly mapped: LocArray | null;
  /** D-now: the pending_irq's copy of the configuration (lpi_priority, GIC_IRQ_GUEST_ENABLED) */
  readonly pirq: LocArray | null;
  /** D-eager / D-lazy: the host configuration table and the host ITS */
  readonly hcfg: LocArray | null;
  readonly host: HostIts | null;
  /** D-lazy: Ian's dirty bitmap, bit n for LPI n */
  readonly dirty: Loc | null;
  /** ghosts: the last value G wrote per LPI, and whether a SYNC promised it */
  readonly last: readonly GhostRef[];
  readonly promised: GhostArray;
  /** ghost per guest queue position: the command has taken effect (D3) */
  readonly effect: GhostArray;
  /** ghosts for D3 in the trapping designs: host position + 1 of the pSYNC sent for a guest SYNC; host positions retired */
  readonly syncSentAt: GhostArray | null;
  readonly hostRetired: GhostArray | null;
}

function declareState(m: ModelBuilder, design: Design, w: Workload, guestCmds: number, hostCmds: number): State {
  const trapping = design === 'eager' || design === 'lazy';
  const virtual = design !== 'direct';
  const host = trapping ? declareHostIts(m, declareItsQueue(m, 'pits', hostCmds, w.lpis)) : null;
  return {
    lpis: w.lpis,
    gcfg: m.array('gcfg', w.lpis, w.gcfg, { values: LPI_CFG_NAMES }),
    queue: declareItsQueue(m, virtual ? 'vits' : 'its', guestCmds, w.lpis),
    guestLock: m.shared('guest.its_lock', 0, { values: SPINLOCK_NAMES }),
    cmdWrite: m.shared('guest.cmd_write', 0),
    vcmdLock: virtual ? m.shared('vits.vcmd_lock', 0, { values: SPINLOCK_NAMES }) : null,
    mapped: virtual ? m.array('vits.mapped', w.lpis, w.mapped.map(Number)) : null,
    pirq: design === 'now' ? m.array('pirq.cfg', w.lpis, w.pirq, { values: LPI_CFG_NAMES }) : null,
    hcfg: trapping ? m.array('hcfg', w.lpis, w.host, { values: LPI_CFG_NAMES }) : null,
    host,
    dirty: design === 'lazy' ? m.shared('lazy.dirty', 0) : null,
    // the table's initial contents count as the last values written
    last: w.gcfg.map((v, n) => m.ghost(`G.last_written[${n}]`, v, { values: LPI_CFG_NAMES })),
    promised: m.ghostArray('G.promised', w.lpis, 0),
    effect: m.ghostArray('cmd.taken_effect', guestCmds, 0),
    syncSentAt: trapping ? m.ghostArray('cmd.psync_at', guestCmds, 0) : null,
    hostRetired: trapping ? m.ghostArray('pits.retired', hostCmds, 0) : null,
  };
}

// ---------------------------------------------------------------------------------------
// A vCPU: the guest driver, and Xen's trap handlers running on it

interface Regs {
  readonly w: Reg;
  readonly r: Reg;
  readonly lockOld: Reg;
  /** Xen's handler */
  readonly creadr: Reg;
  readonly cwriter: Reg;
  readonly cmd: Reg;
  readonly cfg: Reg;
  readonly isMapped: Reg;
  readonly bit: Reg;
  readonly pos: Reg;
}

function vcpu(m: ModelBuilder, ctx: BuildContext, design: Design, s: State, v: number, batches: readonly Batch[]): ThreadBuilder {
  return m.thread(`G${v}`, { actor: `vCPU${v} (guest, and Xen's traps on it)` }, (t) => {
    const regs: Regs = {
      w: t.reg('cmd_write', 0), r: t.reg('creadr_seen', 0), lockOld: t.reg('lock_old', 0),
      creadr: t.reg('its.creadr', 0), cwriter: t.reg('its.cwriter', 0),
      cmd: t.reg('command', 0, { values: itsCmdNames(s.lpis) }), cfg: t.reg('property', 0, { values: LPI_CFG_NAMES }),
      isMapped: t.reg('mapped', 0), bit: t.reg('was_dirty', 0), pos: t.reg('host_pos', 0),
    };
    for (const b of batches) {
      const inside = b.before.length > 0;
      if (!inside) for (const x of b.writes) tableWrite(t, ctx, design, s, regs, x);
      guestLock(t, s.guestLock, regs.lockOld);
      t.load(regs.w, s.cmdWrite, { note: 'its_send_single_command: take its->cmd_write' });
      let k = 0;
      const queueCmd = (c: ItsCommand): void => {
        t.store(s.queue.cmds.at(regs.w.add(k)), itsCmd(c), { note: `queue ${itsCmdText(c)}` });
        k++;
      };
      b.before.forEach(queueCmd);
      if (inside) for (const x of b.writes) tableWrite(t, ctx, design, s, regs, x);
      b.cmds.forEach(queueCmd);
      const end = regs.w.add(k);
      const syncAt = k - 1;
      t.store(s.cmdWrite, end, { note: 'advance its->cmd_write' });
      if (ctx.variant !== 'D-B1') barrier(t, ctx.mm, 'dsb_st', { note: 'its_flush_cmd: dsb(ishst) before the doorbell' });
      if (design === 'direct') t.store(s.queue.cwriter, end, { note: 'its_post_commands: writel_relaxed(GITS_CWRITER)' });
      else handleCwriterWrite(t, ctx, design, s, regs, end);
      guestUnlock(t, s.guestLock);
      t.await(regs.r, s.queue.creadr, regs.r.gt(regs.w.add(syncAt)), {
        note: design === 'direct'
          ? 'its_wait_for_range_completion: poll GITS_CREADR until it passes the SYNC'
          : 'its_wait_for_range_completion: poll GITS_CREADR (trapped: read_u64_atomic(its->creadr)) until it passes the SYNC',
      });
      for (const n of promisedBy(b)) t.setGhost(s.promised.at(n), 1);
      t.assign(regs.r, 0);
      t.assign(regs.w, 0);
    }
  });
}

/** Linux raw_spin_lock(&its->lock): an acquire, no more (it must not order the table write before it). */
function guestLock(t: ThreadBuilder, lock: Loc, old: Reg): void {
  t.awaitRmw('xchg', old, lock, 1, old.eq(0), { order: 'acquire', note: 'raw_spin_lock(&its->lock)' });
  t.assign(old, 0);
}

function guestUnlock(t: ThreadBuilder, lock: Loc): void {
  t.store(lock, 0, { order: 'release', note: 'raw_spin_unlock(&its->lock)' });
}

/** G writes LPI n's configuration byte: a plain store (D-now, D-B1), or a store that traps into Xen. */
function tableWrite(t: ThreadBuilder, ctx: BuildContext, design: Design, s: State, regs: Regs, x: TableWrite): void {
  const { mm } = ctx;
  const value = LPI_CFG_NAMES[x.value];
  if (design === 'now' || design === 'direct') {
    t.store(s.gcfg.at(x.lpi), x.value, { note: `lpi_write_config: LPI ${x.lpi} := ${value}` });
    t.setGhost(s.last[x.lpi], x.value);
    t.setGhost(s.promised.at(x.lpi), 0);
  } else {
    // The property table is write-protected in stage 2: the store traps and Xen emulates it.
    t.atomic(() => {
      t.setGhost(s.last[x.lpi], x.value);
      t.setGhost(s.promised.at(x.lpi), 0);
      t.store(s.gcfg.at(x.lpi), x.value);
      t.load(regs.isMapped, s.mapped!.at(x.lpi));
    }, { note: `lpi_write_config: LPI ${x.lpi} := ${value} traps; Xen emulates the store and, under its_lock, looks up whether vLPI ${x.lpi} is mapped` });
    t.if(regs.isMapped.eq(1), () => propagate(t, ctx, design, s, regs, x.lpi, x.value));
    t.assign(regs.isMapped, 0);
  }
  if (ctx.variant !== 'D-B1') barrier(t, mm, 'dsb_st', { note: 'lpi_write_config: dsb(ishst)' });
}

/**
 * Bring a guest configuration value to the host (the trapping designs): on a trapped
 * table write to a mapped LPI, and (except in D-B6) when MAPTI maps one.
 */
function propagate(t: ThreadBuilder, ctx: BuildContext, design: Design, s: State, regs: Regs, n: number, value: number | Reg): void {
  const { mm, variant } = ctx;
  const hcfg = s.hcfg!.at(n);
  if (design === 'eager') {
    t.store(hcfg, value, { note: `D-eager: toggle hcfg[${n}]` });
    barrier(t, mm, 'dsb', { note: 'D-eager: DSB before sending the INV' });
    itsSendCommand(t, mm, s.host!, itsCmd(INV(n)), `INV ${n}`, { pos: regs.pos, lockOld: regs.lockOld });
    t.assign(regs.pos, 0);
    return;
  }
  const dirty = s.dirty!;
  const writeHost = (): void => t.store(hcfg, value, { note: `D-lazy: propagate to hcfg[${n}]` });
  const markDirty = (): void => setBit(t, mm, dirty, n, { note: `D-lazy: set_bit(${n}, dirty)` });
  if (variant === 'D-B2') {
    markDirty();
    barrier(t, mm, 'smp_wmb', { note: 'D-lazy: smp_wmb' });
    writeHost();
  } else if (variant === 'D-B3') {
    writeHost();
    markDirty();
  } else {
    writeHost();
    barrier(t, mm, 'smp_wmb', { note: 'D-lazy: smp_wmb (hcfg, then dirty)' });
    markDirty();
  }
}

/**
 * Xen's handler for a trapped write of GITS_CWRITER (vgic_v3_its_mmio_write →
 * vgic_its_handle_cmds), on the writing vCPU, under vcmd_lock.
 */
function handleCwriterWrite(t: ThreadBuilder, ctx: BuildContext, design: Design, s: State, regs: Regs, value: Term): void {
  const { mm, variant } = ctx;
  const { creadr, cwriter, cmd, cfg } = regs;
  spinLock(t, mm, s.vcmdLock!, regs.lockOld, 'its->vcmd_lock');
  t.store(s.queue.cwriter, value, { note: 'its->cwriter = CWRITER' });
  t.assign(cwriter, value);
  t.load(creadr, s.queue.creadr, { note: 'vgic_its_handle_cmds: its->creadr' });
  t.while(creadr.ne(cwriter), () => {
    t.load(cmd, s.queue.cmds.at(creadr), { note: 'access_guest_memory_by_ipa: read the command at its->creadr' });
    const op = itsCmdOp(cmd);
    const lpi = itsCmdLpi(cmd);
    const done = (): void => t.setGhost(s.effect.at(creadr), 1);
    const eachLpi = (body: (n: number) => void): void => {
      for (let n = 0; n < s.lpis; n++) t.if(lpi.eq(n), () => body(n));
    };

    if (design === 'now') {
      t.if(op.eq(GITS_CMD_INV), () => t.atomic(() => {
        t.load(regs.isMapped, s.mapped!.at(lpi));
        t.if(regs.isMapped.eq(1), () => {
          t.load(cfg, s.gcfg.at(lpi));
          t.store(s.pirq!.at(lpi), cfg);
        });
        done();
      }, { note: 'its_handle_inv: under its_lock and the vgic lock, update_lpi_property re-reads the property table into the pending_irq' }));
      t.if(op.eq(GITS_CMD_INVALL), () => t.atomic(() => {
        for (let n = 0; n < s.lpis; n++) {
          t.load(regs.isMapped, s.mapped!.at(n));
          t.if(regs.isMapped.eq(1), () => {
            t.load(cfg, s.gcfg.at(n));
            t.store(s.pirq!.at(n), cfg);
          });
        }
        done();
      }, { note: 'its_handle_invall: update_lpi_property for every mapped LPI of the collection' }));
      t.if(op.eq(GITS_CMD_MAPTI), () => t.atomic(() => {
        t.store(s.mapped!.at(lpi), 1);
        t.load(cfg, s.gcfg.at(lpi));
        t.store(s.pirq!.at(lpi), cfg);
        done();
      }, { note: 'its_handle_mapti: write the ITTE, then update_lpi_property initialises the pending_irq from the property table' }));
      t.if(op.eq(GITS_CMD_SYNC), () => {
        // "We handle ITS commands synchronously, so we ignore SYNC."
        done();
      });
    } else {
      t.if(op.eq(GITS_CMD_MAPTI), () => {
        const reload = variant !== 'D-B6';
        t.atomic(() => {
          t.store(s.mapped!.at(lpi), 1);
          if (reload) t.load(cfg, s.gcfg.at(lpi));
          done();
        }, {
          note: reload
            ? 'MAPTI: under its_lock, map the vLPI and read its configuration from the property table'
            : 'MAPTI: map the vLPI (D-B6: the configuration is not reloaded)',
        });
        if (reload) eachLpi((n) => propagate(t, ctx, design, s, regs, n, cfg));
      });
      if (design === 'eager') {
        t.if(op.eq(GITS_CMD_INV).or(op.eq(GITS_CMD_INVALL)), () => {
          t.skip({ note: 'D-eager: the guest\'s INV/INVALL is dropped (the trapped table write already sent one)' });
          done();
        });
      } else {
        t.if(op.eq(GITS_CMD_INV), () => {
          eachLpi((n) => testAndClearBit(t, mm, regs.bit, s.dirty!, n, { note: `D-lazy: test_and_clear_bit(${n}, dirty)` }));
          t.if(regs.bit.eq(1), () => {
            itsSendCommand(t, mm, s.host!, itsCmdFor(GITS_CMD_INV, lpi), 'INV', { pos: regs.pos, lockOld: regs.lockOld });
          });
          done();
        });
        t.if(op.eq(GITS_CMD_INVALL), () => {
          // "insert INVALL iff there are bits set in the bitmap and clear the bitmap": one
          // exchange, so that a bit set between the test and the clear is not lost.
          fullyOrdered(t, mm, () => t.xchg(regs.bit, s.dirty!, 0, { note: 'D-lazy: take the whole dirty bitmap (xchg with 0)' }));
          t.if(regs.bit.ne(0), () => {
            itsSendCommand(t, mm, s.host!, itsCmd({ op: GITS_CMD_INVALL }), 'INVALL', { pos: regs.pos, lockOld: regs.lockOld });
          });
          done();
        });
      }
      t.if(op.eq(GITS_CMD_SYNC), () => {
        if (variant === 'D-B4') {
          t.skip({ note: 'D-B4: guest SYNC: advance CREADR without sending a pSYNC' });
        } else {
          itsSendCommand(t, mm, s.host!, itsCmd(SYNC), 'SYNC', { pos: regs.pos, lockOld: regs.lockOld });
          t.setGhost(s.syncSentAt!.at(creadr), regs.pos.add(1));
          itsWaitPast(t, s.host!, regs.pos, regs.r, 'the SYNC');
        }
      });
    }
    t.assign(creadr, creadr.add(1));
    t.store(s.queue.creadr, creadr, { note: 'write_u64_atomic(its->creadr): the command is handled' });
    t.assign(cmd, 0);
    t.assign(cfg, 0);
    t.assign(regs.bit, 0);
    t.assign(regs.pos, 0);
    t.assign(regs.isMapped, 0);
  });
  spinUnlock(t, mm, s.vcmdLock!, 'its->vcmd_lock');
  t.assign(creadr, 0);
  t.assign(cwriter, 0);
}

