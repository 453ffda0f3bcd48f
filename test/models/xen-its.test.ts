/**
 * The ITS agent of models/xen/its.ts on its own: executed is not completed, SYNC
 * completes what came before it, the cache may refill at any moment, a slot without a
 * command stalls it. Small harnesses: one writer publishing commands, the ITS serving.
 */
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../checker/builder.ts';
import type { Program } from '../../checker/ir.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import { and, not, or, type Term } from '../../checker/term.ts';
import {
  GITS_CMD_INV, GITS_CMD_SYNC, LPI_CFG_DISABLED, LPI_CFG_ENABLED, LPI_CFG_NAMES, declareItsQueue, itsAgent, itsCmd,
  type ItsCommand,
} from '../../models/xen/its.ts';
import { checkProgram } from '../../checker/check.ts';
import { prop } from '../helpers.ts';

const INV0: ItsCommand = { op: GITS_CMD_INV, lpi: 0 };
const SYNC: ItsCommand = { op: GITS_CMD_SYNC };

/**
 * A writer enables LPI 0 in the table, DSB, queues `cmds` (DSB), rings CWRITER (unless
 * `doorbell` is false, or `skipCommands` leaves the slots empty) and waits for CREADR to
 * pass them; `property` is an invariant over the harness's state.
 */
function harness(
  opts: { cmds: readonly ItsCommand[]; skipCommands?: boolean; doorbell?: boolean },
  property: (h: { cacheIs: (v: number) => Term; creadr: Term; table: Term; stalled: Term }) => Term,
): Program {
  const m = new ModelBuilder('its-harness');
  m.descriptions.set('P', 'harness property');
  const table = m.array('table', 1, LPI_CFG_DISABLED, { values: LPI_CFG_NAMES });
  const q = declareItsQueue(m, 'q', Math.max(1, opts.cmds.length), 1);
  m.thread('W', (t) => {
    const r = t.reg('r', 0);
    t.store(table.at(0), LPI_CFG_ENABLED);
    t.fence('full');
    if (!opts.skipCommands) opts.cmds.forEach((c, i) => t.store(q.cmds.at(i), itsCmd(c)));
    t.fence('full');
    if (opts.doorbell !== false) {
      t.store(q.cwriter, opts.cmds.length);
      t.await(r, q.creadr, r.eq(opts.cmds.length));
    }
  });
  const its = itsAgent(m, { thread: 'ITS', actor: 'ITS', queue: q, table, lpis: 1, initialCache: [LPI_CFG_DISABLED] });
  m.invariant('P', property({
    cacheIs: (v) => m.regOf(its.cache[0]).eq(v),
    creadr: m.mem(q.creadr),
    table: m.mem(table.at(0)),
    stalled: m.at(its.thread, 'stalled'),
  }));
  return m.build();
}

const verdict = (p: Program, mm: MemoryModelName): string => prop(checkProgram(p, { mm }), 'P').verdict;

describe('the ITS agent (models/xen/its.ts)', () => {
  for (const mm of ['sc', 'tso'] as const) {
    it(`${mm}: CREADR passes an executed INV while its reload is still pending (executed is not completed)`, () => {
      // reachable: CREADR = 1 past the INV, the table enabled, the cache still disabled
      const p = harness({ cmds: [INV0] }, ({ creadr, table, cacheIs }) => not(and(creadr.eq(1), table.eq(LPI_CFG_ENABLED), cacheIs(LPI_CFG_DISABLED))));
      expect(verdict(p, mm)).toBe('violated');
    });

    it(`${mm}: once CREADR passes INV then SYNC, the cache holds the value written before the INV`, () => {
      const p = harness({ cmds: [INV0, SYNC] }, ({ creadr, cacheIs }) => or(creadr.lt(2), cacheIs(LPI_CFG_ENABLED)));
      expect(verdict(p, mm)).toBe('holds');
    });

    it(`${mm}: a SYNC alone does not reload anything, but the ITS may refill the cache at any moment`, () => {
      // with no INV, both outcomes are reachable after the SYNC
      const stale = harness({ cmds: [SYNC] }, ({ creadr, cacheIs }) => not(and(creadr.eq(1), cacheIs(LPI_CFG_DISABLED))));
      const fresh = harness({ cmds: [SYNC] }, ({ creadr, cacheIs }) => not(and(creadr.eq(1), cacheIs(LPI_CFG_ENABLED))));
      expect(verdict(stale, mm)).toBe('violated');
      expect(verdict(fresh, mm)).toBe('violated');
      // and even with no command at all
      const idle = harness({ cmds: [], doorbell: false }, ({ cacheIs }) => not(cacheIs(LPI_CFG_ENABLED)));
      expect(verdict(idle, mm)).toBe('violated');
    });

    it(`${mm}: a doorbell over a slot that holds no command stalls the ITS, and CREADR never passes it`, () => {
      const stalls = harness({ cmds: [INV0], skipCommands: true }, ({ stalled }) => not(stalled));
      expect(verdict(stalls, mm)).toBe('violated');
      const never = harness({ cmds: [INV0], skipCommands: true }, ({ creadr }) => creadr.eq(0));
      const r = checkProgram(never, { mm });
      expect(prop(r, 'P').verdict).toBe('holds');
      // the writer waits for ever on a stalled ITS: a deadlock, not a quiet end
      expect(prop(r, 'deadlock').verdict).toBe('violated');
    });
  }

  it('a quiet ITS rests at its end label: a finished writer and an idle ITS are no deadlock', () => {
    const p = harness({ cmds: [INV0, SYNC] }, () => and(1));
    const r = checkProgram(p, { mm: 'sc' });
    expect(prop(r, 'deadlock').verdict).toBe('holds');
    expect(r.states).toBeGreaterThan(5);
  });
});
