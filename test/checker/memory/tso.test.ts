/**
 * x86-TSO on the classic shapes (herd's names): SB is observable under TSO and not under
 * SC; MP, LB and 2+2W keep their SC outcome; an mfence or a locked RMW restores SC for SB;
 * a thread reads its own buffered store (forwarding).
 */
import { describe, expect, it } from 'vitest';
import type { Reg } from '../../../checker/builder.ts';
import type { FenceKind } from '../../../checker/ir.ts';
import { prepare } from '../../../checker/check.ts';
import { lbProgram, program, prop, run } from '../../helpers.ts';

/** SB: x=1; a=y  ||  y=1; b=x. The outcome a=0 ∧ b=0 is the store-buffering shape. */
function sb(middle: 'none' | FenceKind | 'xchg') {
  return program(`SB+${middle}`, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg, b!: Reg;
    const side = (me: typeof x, other: typeof x, name: string, set: (r: Reg) => void) => m.thread(name, (t) => {
      const r = t.reg('r', 0);
      const junk = t.reg('junk', 0);
      set(r);
      if (middle === 'xchg') t.xchg(junk, me, 1);
      else t.store(me, 1);
      if (middle !== 'none' && middle !== 'xchg') t.fence(middle);
      t.load(r, other);
    });
    const p0 = side(x, y, 'P0', (r) => { a = r; });
    const p1 = side(y, x, 'P1', (r) => { b = r; });
    m.invariant('SB', m.done(p0).and(m.done(p1)).and(m.regOf(a).eq(0)).and(m.regOf(b).eq(0)).not());
  });
}

describe('x86-TSO', () => {
  it('SB: a=0 ∧ b=0 is reachable under TSO, not under SC', () => {
    expect(prop(run(sb('none'), 'sc'), 'SB').verdict).toBe('holds');
    const v = prop(run(sb('none'), 'tso'), 'SB');
    expect(v.verdict).toBe('violated');
    // the witness: both stores still buffered when both loads read memory
    const loads = v.trace!.events.filter((e) => e.kind === 'R');
    expect(loads.map((e) => [e.location, e.value, e.source, e.rf])).toEqual([['y', 0, 'memory', null], ['x', 0, 'memory', null]]);
    expect(v.trace!.events.filter((e) => e.kind === 'W').every((w) => w.visibleAt === null)).toBe(true);
  });

  it('SB+mfences and SB with locked exchanges: the full fence and the locked RMW drain the buffer, so TSO gives SC', () => {
    expect(prop(run(sb('full'), 'tso'), 'SB').verdict).toBe('holds');
    expect(prop(run(sb('xchg'), 'tso'), 'SB').verdict).toBe('holds');
  });

  it('SB with ld or st fences: no-ops under TSO, the outcome stays reachable', () => {
    expect(prop(run(sb('ld'), 'tso'), 'SB').verdict).toBe('violated');
    expect(prop(run(sb('st'), 'tso'), 'SB').verdict).toBe('violated');
  });

  it('MP: a reader that sees the flag sees the data, under SC and TSO (W→W and R→R kept)', () => {
    const p = program('MP', (m) => {
      const x = m.shared('x'), f = m.shared('f');
      let a!: Reg, b!: Reg;
      m.thread('W', (t) => { t.store(x, 1); t.store(f, 1); });
      const r = m.thread('R', (t) => { a = t.reg('a', 0); b = t.reg('b', 0); t.load(a, f); t.load(b, x); });
      m.invariant('MP', m.done(r).and(m.regOf(a).eq(1)).and(m.regOf(b).eq(0)).not());
    });
    expect(prop(run(p, 'sc'), 'MP').verdict).toBe('holds');
    expect(prop(run(p, 'tso'), 'MP').verdict).toBe('holds');
  });

  it('LB and 2+2W keep their SC outcomes under TSO (R→W and W→W kept)', () => {
    expect(prop(run(lbProgram(), 'tso'), 'LB').verdict).toBe('holds');
    const ww = program('2+2W', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => { t.store(x, 1); t.store(y, 2); });
      m.thread('P1', (t) => { t.store(y, 1); t.store(x, 2); });
    });
    // the outcome is about final memory: collect it from every final state
    const finals = (mm: 'sc' | 'tso'): string[] => {
      const seen = new Set<string>();
      const { memBase } = prepare(ww, mm).cp.layout;
      run(ww, mm, { onFinal: (s) => seen.add(`x=${s[memBase]} y=${s[memBase + 1]}`) });
      return [...seen].sort();
    };
    expect(finals('sc')).toEqual(['x=1 y=2', 'x=2 y=1', 'x=2 y=2']);
    expect(finals('tso')).toEqual(finals('sc'));
  });

  it('a thread reads its own buffered store before anyone else can (store forwarding)', () => {
    const p = program('forward', (m) => {
      const x = m.shared('x');
      let a!: Reg;
      const w = m.thread('P', (t) => { a = t.reg('a', 0); t.store(x, 1); t.load(a, x); });
      let b!: Reg;
      const r = m.thread('Q', (t) => { b = t.reg('b', 0); t.load(b, x); });
      m.invariant('forwarded-before-visible', m.done(w).and(m.done(r)).and(m.regOf(a).eq(1)).and(m.regOf(b).eq(0)).not());
    });
    const v = prop(run(p, 'tso'), 'forwarded-before-visible');
    expect(v.verdict).toBe('violated');
    const own = v.trace!.events.find((e) => e.kind === 'R' && e.thread === 'P')!;
    expect(own.source).toBe('buffer');
    expect(own.rf).toBe(v.trace!.events.find((e) => e.kind === 'W')!.id);
  });

  it('the buffer bound is reported when a store had to wait for room', () => {
    const p = program('burst', (m) => {
      const x = m.array('x', 3);
      m.thread('P', (t) => { t.store(x.at(0), 1); t.store(x.at(1), 1); t.store(x.at(2), 1); });
    });
    expect(run(p, 'tso', { buffer: 2 }).bounds).toMatchObject({ buffer: 2, bufferReached: true });
    expect(run(p, 'tso', { buffer: 3 }).bounds).toMatchObject({ buffer: 3, bufferReached: false });
    expect(run(p, 'sc').bounds.buffer).toBeNull();
  });
});
