/**
 * The GICv3 Interrupt Translation Service as an asynchronous agent: a device that reads
 * memory on its own schedule. Its command queue (commands in memory, the CWRITER doorbell
 * written by software, CREADR advanced by the ITS), its LPI configuration cache, and the
 * semantics of INV, INVALL and SYNC as protocols.md §4 (D.1) and the xen-devel thread
 * "Xen/arm: Virtual ITS command queue handling" (../shared/design/sources/003_*.txt) give
 * them:
 *
 *  - The ITS executes commands in queue order and advances CREADR once a command is
 *    *executed*, which is not the same as *completed*. `INV n` schedules a reload of n's
 *    configuration from the table (`cache[n] := cfg[n]`): executing it marks the reload
 *    pending; the reload happens later, at a moment of the ITS's choosing. `INVALL` does
 *    the same for every LPI of the collection (the models have one collection).
 *  - `SYNC` completes only when the effects of every earlier command are globally
 *    visible: the ITS performs the pending reloads before CREADR moves past it.
 *  - The ITS may also refill `cache[n]` from the table at any moment (Ian Campbell: "it
 *    could pick up the config change at any point after the write to the cfg table").
 *    That is an always-possible step, enabled whenever it would change the cache (a
 *    refill that changes nothing is no step at all, so a quiet system can still be seen
 *    to deadlock).
 *  - Delivery of LPI n uses `cache[n]`: the cache is the effective configuration.
 *  - The doorbell is a store to a location the ITS reads; commands and the table reach
 *    the ITS only once visible, which is why writers put a DSB before CWRITER
 *    (protocols.md §0). A slot that does not (yet) hold a command is a command error;
 *    GICv3 leaves the response IMPLEMENTATION DEFINED (ignore, or stall with
 *    GITS_CREADR.Stalled); this ITS stalls, so CREADR never passes a command it did not
 *    see.
 *
 * The ITS is an in-order agent: its reads are acquire loads and its CREADR update a
 * release exchange (its own register, written in place rather than through a CPU's store
 * buffer), which costs nothing under SC and TSO and keeps a weak memory model from
 * reordering a device's accesses the way it may reorder a CPU's.
 *
 * Command encoding (`itsCmd`): opcode + 8 × LPI. Configuration values are abstract:
 * the enable bit and priority of an LPI's configuration byte, reduced to the three values
 * the models distinguish.
 */
import type { GhostArray, LocArray, Loc, ModelBuilder, Reg, ThreadBuilder, ValueNames } from '../../checker/builder.ts';
import { and, type Term } from '../../checker/term.ts';

/** A queue slot holding no command: never written, or the write not yet visible. */
export const ITS_NO_CMD = 0;
export const GITS_CMD_INV = 1;
export const GITS_CMD_INVALL = 2;
export const GITS_CMD_SYNC = 3;
export const GITS_CMD_MAPTI = 4;

const OP_SPAN = 8;

export type ItsOp = typeof GITS_CMD_INV | typeof GITS_CMD_INVALL | typeof GITS_CMD_SYNC | typeof GITS_CMD_MAPTI;

const OP_NAMES: Readonly<Record<ItsOp, string>> = {
  [GITS_CMD_INV]: 'INV', [GITS_CMD_INVALL]: 'INVALL', [GITS_CMD_SYNC]: 'SYNC', [GITS_CMD_MAPTI]: 'MAPTI',
};

/** One command as the queue holds it; `lpi` is the (host or virtual) LPI of INV and MAPTI. */
export interface ItsCommand {
  readonly op: ItsOp;
  readonly lpi?: number;
}

export const itsCmd = (c: ItsCommand): number => c.op + OP_SPAN * (c.lpi ?? 0);
/** The command value for opcode `op` on an LPI known only at run time. */
export const itsCmdFor = (op: ItsOp, lpi: Term): Term => lpi.mul(OP_SPAN).add(op);
export const itsCmdOp = (cmd: Term): Term => cmd.mod(OP_SPAN);
export const itsCmdLpi = (cmd: Term): Term => cmd.div(OP_SPAN);

export function itsCmdText(c: ItsCommand): string {
  return c.op === GITS_CMD_INV || c.op === GITS_CMD_MAPTI ? `${OP_NAMES[c.op]} ${c.lpi ?? 0}` : OP_NAMES[c.op];
}

/** Names of every command value for LPIs 0..lpis-1, for traces. */
export function itsCmdNames(lpis: number): ValueNames {
  const names: Record<number, string> = { [ITS_NO_CMD]: 'none' };
  for (const op of [GITS_CMD_INVALL, GITS_CMD_SYNC] as const) names[itsCmd({ op })] = OP_NAMES[op];
  for (let n = 0; n < lpis; n++) {
    for (const op of [GITS_CMD_INV, GITS_CMD_MAPTI] as const) names[itsCmd({ op, lpi: n })] = itsCmdText({ op, lpi: n });
  }
  return names;
}

/** An LPI configuration byte never written (a zeroed table: disabled, priority 0). */
export const LPI_CFG_ZEROED = 0;
/** Disabled, with a priority set (what Linux writes when it allocates an LPI). */
export const LPI_CFG_DISABLED = 1;
/** Enabled. Xen enables host LPIs when it allocates them (gic-v3-lpi.c). */
export const LPI_CFG_ENABLED = 2;
export const LPI_CFG_NAMES: ValueNames = {
  [LPI_CFG_ZEROED]: 'zeroed', [LPI_CFG_DISABLED]: 'disabled', [LPI_CFG_ENABLED]: 'enabled',
};

/** A command queue in memory with its two registers. Positions count commands and never wrap. */
export interface ItsQueue {
  readonly name: string;
  readonly cmds: LocArray;
  readonly cwriter: Loc;
  readonly creadr: Loc;
  readonly size: number;
}

/**
 * Declare a command queue. The queue is made long enough never to wrap: the ring's
 * wrap-around (ITS_CMD_OFFSET, the full check in its_send_command) is not what these
 * properties are about.
 */
export function declareItsQueue(m: ModelBuilder, name: string, size: number, lpis: number): ItsQueue {
  return {
    name,
    cmds: m.array(`${name}.cmd`, size, ITS_NO_CMD, { values: itsCmdNames(lpis) }),
    cwriter: m.shared(`${name}.CWRITER`, 0),
    creadr: m.shared(`${name}.CREADR`, 0),
    size,
  };
}

export interface ItsAgentOptions {
  readonly thread: string;
  readonly actor: string;
  readonly queue: ItsQueue;
  /** the configuration table the ITS reads (GICR_PROPBASER's table), indexed by LPI */
  readonly table: LocArray;
  readonly lpis: number;
  /** what the cache holds at the start, per LPI */
  readonly initialCache: readonly number[];
  /** set at a queue position when CREADR moves past the command there (for "has taken effect" properties) */
  readonly retired?: GhostArray;
}

export interface ItsAgent {
  readonly thread: ThreadBuilder;
  /** the effective configuration of each LPI */
  readonly cache: readonly Reg[];
  /** whether an executed INV/INVALL of each LPI has not completed yet */
  readonly pending: readonly Reg[];
}

/** The ITS: serves its queue forever, refilling its cache whenever it likes. */
export function itsAgent(m: ModelBuilder, o: ItsAgentOptions): ItsAgent {
  const cache: Reg[] = [];
  const pending: Reg[] = [];
  const { queue, table, lpis } = o;
  const thread = m.thread(o.thread, { actor: o.actor }, (t) => {
    for (let n = 0; n < lpis; n++) {
      cache.push(t.reg(`cache[${n}]`, o.initialCache[n], { values: LPI_CFG_NAMES }));
      pending.push(t.reg(`inv_pending[${n}]`, 0));
    }
    const creadr = t.reg('creadr', 0);
    const cwriter = t.reg('cwriter', 0);
    const cmd = t.reg('cmd', 0, { values: itsCmdNames(lpis) });
    const v = t.reg('cfg', 0, { values: LPI_CFG_NAMES });
    const op = itsCmdOp(cmd);
    const lpi = itsCmdLpi(cmd);

    t.label('idle', { end: true });
    t.select(
      ...cache.map((c, n) => () => {
        // Allowed at any moment, never required: exempt from the ITS's fairness, so a
        // liveness check does not assume the hardware will ever refill on its own.
        t.label(`refill.${n}`, { fairness: 'none' });
        t.await(v, table.at(n), v.ne(c), { order: 'acquire', note: `refill the cache of LPI ${n} from the table (allowed at any moment)` });
        t.assign(c, v);
        t.assign(v, 0);
      }),
      ...pending.map((p, n) => () => {
        t.await(v, table.at(n), p.eq(1), { order: 'acquire', note: `complete the executed INV of LPI ${n}: reload its configuration` });
        t.assign(cache[n], v);
        t.assign(p, 0);
        t.assign(v, 0);
      }),
      () => {
        t.await(cwriter, queue.cwriter, cwriter.ne(creadr), { order: 'acquire', note: 'CWRITER ≠ CREADR: a command to execute' });
        t.load(cmd, queue.cmds.at(creadr), { order: 'acquire', note: 'fetch the command at CREADR' });
        t.if(op.eq(GITS_CMD_INV), () => {
          pending.forEach((p, n) => t.assign(p, lpi.eq(n).or(p)));
        });
        t.if(op.eq(GITS_CMD_INVALL), () => {
          pending.forEach((p) => t.assign(p, 1));
        });
        t.if(op.eq(GITS_CMD_SYNC), () => {
          // SYNC completes only once every earlier command's effects are visible
          pending.forEach((p, n) => {
            t.if(p.eq(1), () => {
              t.load(v, table.at(n), { order: 'acquire', note: `SYNC: complete the pending INV of LPI ${n} first` });
              t.assign(cache[n], v);
              t.assign(p, 0);
              t.assign(v, 0);
            });
          });
        });
        // MAPTI maps an event to an LPI; it does not touch the configuration cache.
        t.if(and(op.ne(GITS_CMD_INV), op.ne(GITS_CMD_INVALL), op.ne(GITS_CMD_SYNC), op.ne(GITS_CMD_MAPTI)), () => t.goto('stalled'));
        t.assign(creadr, creadr.add(1));
        // CREADR is the ITS's own register: written in place, never behind a CPU's store buffer
        t.xchg(null, queue.creadr, creadr, { order: 'release', note: 'command executed: advance CREADR' });
        if (o.retired) t.setGhost(o.retired.at(creadr.sub(1)), 1);
        t.assign(cmd, 0);
        t.assign(cwriter, 0);
      },
    );
    t.goto('idle');
    // A command error with GITS_CREADR.Stalled: the ITS waits for software that never comes.
    t.label('stalled', { end: true });
    t.await(cwriter, queue.cwriter, false, { note: 'stalled on a command error' });
  });
  return { thread, cache, pending };
}
