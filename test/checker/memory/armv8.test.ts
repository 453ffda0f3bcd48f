/**
 * ARMv8 (Promising-ARM, checker/memory/armv8/) on the classic shapes, written with the
 * builder, against the verdicts herd7 gives with aarch64.cat. Where the same test is in
 * ../shared/litmus/aarch64, its expected.tsv row is named (folder/file: verdict); the
 * others are reasoned from aarch64.cat's relations, named beside them.
 *
 * Each shape is a program whose invariant `exists` says "never (every thread finished ∧
 * the litmus condition)": violated means herd's Allowed, holds means Forbidden, and a
 * violation comes with the execution that shows it, whose content is checked too.
 */
import { describe, expect, it } from 'vitest';
import type { LocRef, ModelBuilder, Reg, ThreadBuilder } from '../../../checker/builder.ts';
import type { Program } from '../../../checker/ir.ts';
import type { MemoryModelName } from '../../../checker/memory/model.ts';
import type { Result, Trace } from '../../../checker/result.ts';
import { and, type Term } from '../../../checker/term.ts';
import { prepare } from '../../../checker/check.ts';
import { program, prop, run } from '../../helpers.ts';

type Body = (t: ThreadBuilder) => void;

/** A litmus-style program: threads, then `exists` over registers (m.regOf) and final memory (m.mem). */
function litmus(name: string, build: (m: ModelBuilder) => { threads: Body[]; exists: () => Term }): Program {
  return program(name, (m) => {
    const { threads, exists } = build(m);
    const ts = threads.map((body, i) => m.thread(`P${i}`, body));
    m.invariant('exists', and(...ts.map((t) => m.done(t)), exists()).not(), `${name}: the final condition is never reached`);
  });
}

/**
 * Litmus shapes are small: they run with room for every write to be promised at once, and
 * each verdict checks that neither bound was reached, so it is the exact one.
 */
const ENOUGH_PROMISES = 6;
const results = new Map<string, Result>();
function check(p: Program, mm: MemoryModelName = 'armv8', opts: { promises?: number } = {}): Result {
  const key = `${p.name}/${mm}/${opts.promises ?? ''}`;
  if (!results.has(key)) results.set(key, run(p, mm, { exact: true, promises: ENOUGH_PROMISES, ...opts }));
  return results.get(key)!;
}
const verdict = (p: Program, mm: MemoryModelName = 'armv8'): 'Allowed' | 'Forbidden' => {
  const r = check(p, mm);
  expect(r.complete).toBe(true);
  expect(r.bounds.bufferReached).toBe(false);
  expect(r.bounds.promisesReached).toBe(false);
  return prop(r, 'exists').verdict === 'violated' ? 'Allowed' : 'Forbidden';
};
const witness = (p: Program): Trace => prop(check(p), 'exists').trace!;
const promised = (t: Trace): string[] => t.steps.filter((s) => s.kind === 'memory').map((s) => `${s.thread} ${s.action}`);

type Fence = 'full' | 'ld' | 'st' | null;
const fence = (t: ThreadBuilder, f: Fence): void => { if (f) t.fence(f); };

/** MP: P0 writes x then y; P1 reads y then x. Allowed: y=1 ∧ x=0 seen. */
function mp(name: string, f0: Fence, f1: Fence, opts: { rel?: boolean; acq?: boolean; dep?: 'addr' | 'ctrl' } = {}): Program {
  return litmus(name, (m) => {
    const x = m.array('x', 2), y = m.shared('y');
    let a!: Reg, b!: Reg;
    return {
      threads: [
        (t) => { t.store(x.at(0), 1); fence(t, f0); t.store(y, 1, { order: opts.rel ? 'release' : 'plain' }); },
        (t) => {
          a = t.reg('a', 0); b = t.reg('b', 0);
          t.load(a, y, { order: opts.acq ? 'acquire' : 'plain' });
          fence(t, f1);
          if (opts.dep === 'addr') t.load(b, x.at(a.xor(a)));
          else if (opts.dep === 'ctrl') { t.if(a.ne(0), () => t.skip()); t.load(b, x.at(0)); }
          else t.load(b, x.at(0));
        },
      ],
      exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(0)),
    };
  });
}

describe('ARMv8: message passing', () => {
  it('MP: Allowed (catalogue-aarch64/MP: Allowed); the reader takes x\'s initial value though P0\'s write is in memory', () => {
    const p = mp('MP', null, null);
    expect(verdict(p)).toBe('Allowed');
    const t = witness(p);
    const rx = t.events.find((e) => e.kind === 'R' && e.location === 'x[0]')!;
    expect(rx.value).toBe(0);
    expect(rx.rf).toBeNull();
    // the write it did not see is before the read in the trace (other-multi-copy atomic: it was visible)
    const wx = t.events.find((e) => e.kind === 'W' && e.location === 'x[0]')!;
    expect(wx.visibleAt!).toBeLessThan(rx.step);
  });
  it('MP+dmb.sys: Forbidden (catalogue-aarch64/MP+dmb.sys: Forbidden)', () => {
    expect(verdict(mp('MP+dmb.sys', 'full', 'full'))).toBe('Forbidden');
  });
  it('MP+dmb.sy+po and MP+po+dmb.sy: Allowed (catalogue-aarch64: both Allowed); the writer side needs a promise', () => {
    expect(verdict(mp('MP+dmb.sy+po', 'full', null))).toBe('Allowed');
    const p = mp('MP+po+dmb.sy', null, 'full');
    expect(verdict(p)).toBe('Allowed');
    // y := 1 has to be ordered before x := 1: P0 promises it
    expect(promised(witness(p))).toEqual(['P0 promises y := 1: visible to every thread now, executed later']);
  });
  it('MP+dmb.st+dmb.ld: Forbidden (bob: [W];po;[dmb.st];po;[W] and [R];po;[dmb.ld];po)', () => {
    expect(verdict(mp('MP+dmb.st+dmb.ld', 'st', 'ld'))).toBe('Forbidden');
    expect(verdict(mp('MP+dmb.ld+dmb.st', 'ld', 'st'))).toBe('Allowed');
  });
  it('MP+dmb.sy+addr: Forbidden (armed-cats-v8/MP+dmb.sy+addr: Forbidden); MP+dmb.st+addr too (dob: addr)', () => {
    expect(verdict(mp('MP+dmb.sy+addr', 'full', null, { dep: 'addr' }))).toBe('Forbidden');
    expect(verdict(mp('MP+dmb.st+addr', 'st', null, { dep: 'addr' }))).toBe('Forbidden');
  });
  it('MP+dmb.sy+ctrl: Allowed (armed-cats-v8/MP+dmb.sy+ctrl: Allowed): a control dependency does not order a later read', () => {
    expect(verdict(mp('MP+dmb.sy+ctrl', 'full', null, { dep: 'ctrl' }))).toBe('Allowed');
  });
  it('MP+rel+acq: Forbidden (catalogue-aarch64/MP+rel+acq: Forbidden); with only one of them, Allowed', () => {
    expect(verdict(mp('MP+rel+acq', null, null, { rel: true, acq: true }))).toBe('Forbidden');
    expect(verdict(mp('MP+rel+po', null, null, { rel: true }))).toBe('Allowed');
    expect(verdict(mp('MP+po+acq', null, null, { acq: true }))).toBe('Allowed');
  });
});

/** SB: each thread writes its location, then reads the other's. Allowed: both read 0. */
function sb(name: string, f0: Fence, f1: Fence, p1: { rel?: boolean; acq?: boolean } = {}): Program {
  return litmus(name, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg, b!: Reg;
    return {
      threads: [
        (t) => { a = t.reg('a', 0); t.store(x, 1); fence(t, f0); t.load(a, y); },
        (t) => { b = t.reg('b', 0); t.store(y, 1, { order: p1.rel ? 'release' : 'plain' }); fence(t, f1); t.load(b, x, { order: p1.acq ? 'acquire' : 'plain' }); },
      ],
      exists: () => and(m.regOf(a).eq(0), m.regOf(b).eq(0)),
    };
  });
}

describe('ARMv8: store buffering', () => {
  it('SB: Allowed (catalogue-aarch64/SB: Allowed), without promises: both reads take initial values', () => {
    const p = sb('SB', null, null);
    expect(verdict(p)).toBe('Allowed');
    expect(promised(witness(p))).toEqual([]);
  });
  it('SB+dmb.sys: Forbidden (catalogue-aarch64/SB+dmb.sys: Forbidden); SB+dmb.ld/st: Allowed (neither orders W→R)', () => {
    expect(verdict(sb('SB+dmb.sys', 'full', 'full'))).toBe('Forbidden');
    expect(verdict(sb('SB+dmb.lds', 'ld', 'ld'))).toBe('Allowed');
    expect(verdict(sb('SB+dmb.sts', 'st', 'st'))).toBe('Allowed');
  });
  it('SB+dmb.sy+rel-acq: Forbidden (catalogue-aarch64/SB+dmb.sy+rel-acq: Forbidden): [L];po;[A]', () => {
    expect(verdict(sb('SB+dmb.sy+rel-acq', 'full', null, { rel: true, acq: true }))).toBe('Forbidden');
  });
});

/** LB: each thread reads the other's location, then writes its own. Allowed: both read 1. */
function lb(name: string, kind: 'po' | 'data' | 'addr' | 'ctrl' | 'full' | 'ld' | 'st', second?: 'po' | 'full'): Program {
  return litmus(name, (m) => {
    const x = m.array('x', 2), y = m.array('y', 2);
    let a!: Reg, b!: Reg;
    const side = (r: (t: ThreadBuilder) => Reg, from: LocRef, to: typeof x, k: typeof kind): Body => (t) => {
      const v = r(t);
      t.load(v, from);
      if (k === 'data') t.store(to.at(0), v.xor(v).add(1));
      else if (k === 'addr') t.store(to.at(v.xor(v)), 1);
      else if (k === 'ctrl') t.if(v.eq(1), () => t.store(to.at(0), 1), () => t.store(to.at(0), 1));
      else { if (k !== 'po') t.fence(k); t.store(to.at(0), 1); }
    };
    return {
      threads: [
        side((t) => (a = t.reg('a', 0)), x.at(0), y, kind),
        side((t) => (b = t.reg('b', 0)), y.at(0), x, second ?? kind),
      ],
      exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(1)),
    };
  });
}

describe('ARMv8: load buffering (promises)', () => {
  it('LB: Allowed (catalogue-aarch64/LB: Allowed): one thread promises its write, the other reads it before the promiser reads', () => {
    const p = lb('LB', 'po');
    expect(verdict(p)).toBe('Allowed');
    const t = witness(p);
    expect(promised(t)).toHaveLength(1);
    const w = t.events.find((e) => e.kind === 'W' && e.visibleAt !== e.step)!;
    // the promised write became visible (and was read) before its own thread executed it
    const reader = t.events.find((e) => e.kind === 'R' && e.rf === w.id)!;
    expect(reader.step).toBeLessThan(w.step);
    expect(w.visibleAt!).toBeLessThan(reader.step);
  });
  it('LB with no promises allowed: the outcome is missed, and the bound says so', () => {
    const r = check(lb('LB', 'po'), 'armv8', { promises: 0 });
    expect(prop(r, 'exists').verdict).toBe('holds');
    expect(r.bounds).toMatchObject({ promises: 0, promisesReached: true });
  });
  it('LB+datas, LB+addrs, LB+ctrls: Forbidden (dob: data, addr;po;[W], ctrl;[W]); LB+dmb.sys too (catalogue: Forbidden)', () => {
    expect(verdict(lb('LB+datas', 'data'))).toBe('Forbidden');
    expect(verdict(lb('LB+addrs', 'addr'))).toBe('Forbidden');
    expect(verdict(lb('LB+ctrls', 'ctrl'))).toBe('Forbidden');
    expect(verdict(lb('LB+dmb.sys', 'full'))).toBe('Forbidden');
    expect(verdict(lb('LB+dmb.lds', 'ld'))).toBe('Forbidden');
  });
  it('LB+dmb.sy+po: Allowed (catalogue-aarch64/LB+dmb.sy+po: Allowed); LB+dmb.sts: Allowed (dmb.st does not order R→W)', () => {
    expect(verdict(lb('LB+dmb.sy+po', 'full', 'po'))).toBe('Allowed');
    expect(verdict(lb('LB+dmb.sts', 'st'))).toBe('Allowed');
  });
});

describe('ARMv8: write-write shapes and coherence', () => {
  const ww = (name: string, f: Fence, f1: Fence = f): Program => litmus(name, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    return {
      threads: [(t) => { t.store(x, 1); fence(t, f); t.store(y, 2); }, (t) => { t.store(y, 1); fence(t, f1); t.store(x, 2); }],
      exists: () => and(m.mem(x).eq(1), m.mem(y).eq(1)),
    };
  });
  it('2+2W: Allowed (catalogue-aarch64/2+2W: Allowed); 2+2W+dmb.sys: Forbidden; 2+2W+dmb.sts: Forbidden; 2+2W+dmb.sy+po: Allowed', () => {
    expect(verdict(ww('2+2W', null))).toBe('Allowed');
    expect(verdict(ww('2+2W+dmb.sys', 'full'))).toBe('Forbidden');
    expect(verdict(ww('2+2W+dmb.sts', 'st'))).toBe('Forbidden');
    expect(verdict(ww('2+2W+dmb.sy+po', 'full', null))).toBe('Allowed');
  });
  const s = (name: string, f0: Fence, f1: Fence): Program => litmus(name, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg;
    return {
      threads: [(t) => { t.store(x, 2); fence(t, f0); t.store(y, 1); }, (t) => { a = t.reg('a', 0); t.load(a, y); fence(t, f1); t.store(x, 1); }],
      exists: () => and(m.mem(x).eq(2), m.regOf(a).eq(1)),
    };
  });
  it('S: Allowed, S+dmb.sys: Forbidden (catalogue-aarch64/S, S+dmb.sys)', () => {
    expect(verdict(s('S', null, null))).toBe('Allowed');
    expect(verdict(s('S+dmb.sys', 'full', 'full'))).toBe('Forbidden');
  });
  const r = (name: string, f0: Fence, f1: Fence): Program => litmus(name, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg;
    return {
      threads: [(t) => { t.store(x, 1); fence(t, f0); t.store(y, 1); }, (t) => { a = t.reg('a', 0); t.store(y, 2); fence(t, f1); t.load(a, x); }],
      exists: () => and(m.mem(y).eq(2), m.regOf(a).eq(0)),
    };
  });
  it('R: Allowed, R+dmb.sys: Forbidden (catalogue-aarch64/R, R+dmb.sys)', () => {
    expect(verdict(r('R', null, null))).toBe('Allowed');
    expect(verdict(r('R+dmb.sys', 'full', 'full'))).toBe('Forbidden');
  });
  it('CoRR, CoRW1, CoRW2, CoWR, CoWW: Forbidden (catalogue-aarch64: all Forbidden): coherence is never relaxed', () => {
    expect(verdict(litmus('CoRR', (m) => {
      const x = m.shared('x');
      let a!: Reg, b!: Reg;
      return { threads: [(t) => t.store(x, 1), (t) => { a = t.reg('a', 0); b = t.reg('b', 0); t.load(a, x); t.load(b, x); }], exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(0)) };
    }))).toBe('Forbidden');
    expect(verdict(litmus('CoRW1', (m) => {
      const x = m.shared('x');
      let a!: Reg;
      return { threads: [(t) => { a = t.reg('a', 0); t.load(a, x); t.store(x, 1); }], exists: () => m.regOf(a).eq(1) };
    }))).toBe('Forbidden');
    expect(verdict(litmus('CoRW2', (m) => {
      const x = m.shared('x');
      let a!: Reg;
      return { threads: [(t) => t.store(x, 1), (t) => { a = t.reg('a', 0); t.load(a, x); t.store(x, 2); }], exists: () => and(m.mem(x).eq(1), m.regOf(a).eq(1)) };
    }))).toBe('Forbidden');
    expect(verdict(litmus('CoWR', (m) => {
      const x = m.shared('x');
      let a!: Reg;
      return { threads: [(t) => { a = t.reg('a', 9); t.store(x, 1); t.load(a, x); }], exists: () => m.regOf(a).eq(0) };
    }))).toBe('Forbidden');
    expect(verdict(litmus('CoWW', (m) => {
      const x = m.shared('x');
      return { threads: [(t) => { t.store(x, 1); t.store(x, 2); }], exists: () => m.mem(x).eq(1) };
    }))).toBe('Forbidden');
  });
});

describe('ARMv8: three and four threads (other-multi-copy atomicity)', () => {
  const wrc = (name: string, rel: boolean, dep: boolean): Program => litmus(name, (m) => {
    const x = m.array('x', 2), y = m.shared('y');
    let a!: Reg, b!: Reg, c!: Reg;
    return {
      threads: [
        (t) => t.store(x.at(0), 1),
        (t) => { a = t.reg('a', 0); t.load(a, x.at(0)); t.store(y, 1, { order: rel ? 'release' : 'plain' }); },
        (t) => { b = t.reg('b', 0); c = t.reg('c', 0); t.load(b, y); t.load(c, dep ? x.at(b.xor(b)) : x.at(0)); },
      ],
      exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(1), m.regOf(c).eq(0)),
    };
  });
  it('WRC: Allowed (armed-cats-v8/WRC: Allowed); WRC+rel+addr: Forbidden (readers-guide/WRC+rel+addr: Forbidden)', () => {
    expect(verdict(wrc('WRC', false, false))).toBe('Allowed');
    expect(verdict(wrc('WRC+rel+addr', true, true))).toBe('Forbidden');
  });
  const iriw = (name: string, f: Fence): Program => litmus(name, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg, b!: Reg, c!: Reg, d!: Reg;
    return {
      threads: [
        (t) => t.store(x, 1),
        (t) => { a = t.reg('a', 0); b = t.reg('b', 0); t.load(a, x); fence(t, f); t.load(b, y); },
        (t) => t.store(y, 1),
        (t) => { c = t.reg('c', 0); d = t.reg('d', 0); t.load(c, y); fence(t, f); t.load(d, x); },
      ],
      exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(0), m.regOf(c).eq(1), m.regOf(d).eq(0)),
    };
  });
  it('IRIW: Allowed (readers-guide/IRIW: Allowed); IRIW+dmb.lds: Forbidden (readers-guide/IRIW+dmb.lds): the writes are seen in one order', () => {
    expect(verdict(iriw('IRIW', null))).toBe('Allowed');
    expect(verdict(iriw('IRIW+dmb.lds', 'ld'))).toBe('Forbidden');
  });
});

describe('ARMv8: ISB, LDAPR and exclusives', () => {
  it('MP+dmb.sy+ctrl-isb: Forbidden (control dependency then ISB orders a later read), while MP+dmb.sy+ctrl is Allowed', () => {
    const p = litmus('MP+dmb.sy+ctrl-isb', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let a!: Reg, b!: Reg;
      return {
        threads: [
          (t) => { t.store(x, 1); t.fence('full'); t.store(y, 1); },
          (t) => { a = t.reg('a', 0); b = t.reg('b', 0); t.load(a, y); t.if(a.ne(0), () => t.skip()); t.fence('isb'); t.load(b, x); },
        ],
        exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(0)),
      };
    });
    expect(verdict(p)).toBe('Forbidden');
  });
  it('SB+dmb.sy+rel-acqpc: Allowed (catalogue-aarch64: Allowed): LDAPR need not wait for an earlier STLR, LDAR must', () => {
    const p = litmus('SB+dmb.sy+rel-acqpc', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let a!: Reg, b!: Reg;
      return {
        threads: [
          (t) => { a = t.reg('a', 0); t.store(x, 1); t.fence('full'); t.load(a, y); },
          (t) => { b = t.reg('b', 0); t.store(y, 1, { order: 'release' }); t.load(b, x, { order: 'acquire_pc' }); },
        ],
        exists: () => and(m.regOf(a).eq(0), m.regOf(b).eq(0)),
      };
    });
    expect(verdict(p)).toBe('Allowed');
  });
  it('LDXR/STXR increments: a store-exclusive may fail, and two successful increments are never lost', () => {
    const p = litmus('2xLDXR-STXR', (m) => {
      const x = m.shared('x');
      let s0!: Reg, s1!: Reg;
      const inc = (set: (r: Reg) => void): Body => (t) => {
        const v = t.reg('v', 0), st = t.reg('st', 0);
        set(st);
        t.loadExclusive(v, x);
        t.storeExclusive(st, x, v.add(1));
      };
      return {
        threads: [inc((r) => { s0 = r; }), inc((r) => { s1 = r; })],
        // both stored (status 0), yet x is not 2
        exists: () => and(m.regOf(s0).eq(0), m.regOf(s1).eq(0), m.mem(x).ne(2)),
      };
    });
    expect(verdict(p)).toBe('Forbidden');
    const fails = litmus('STXR-fails', (m) => {
      const x = m.shared('x');
      let st!: Reg;
      return {
        threads: [(t) => { const v = t.reg('v', 0); st = t.reg('st', 0); t.loadExclusive(v, x); t.storeExclusive(st, x, 1); }],
        exists: () => m.regOf(st).eq(1),
      };
    });
    expect(verdict(fails)).toBe('Allowed');
  });
});

describe('ARMv8: single-instruction atomics (aarch64.cat rules, not in Promising-ARM)', () => {
  const mpLdadd = (name: string, noret: boolean): Program => litmus(name, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let b!: Reg;
    return {
      threads: [
        (t) => { t.store(x, 1); t.store(y, 1, { order: 'release' }); },
        (t) => { const old = t.reg('old', 0); b = t.reg('b', 0); t.fetchAdd(noret ? null : old, y, 1); t.fence('ld'); t.load(b, x); },
      ],
      exists: () => and(m.mem(y).eq(2), m.regOf(b).eq(0)),
    };
  });
  it('MP+rel+LDADD-dmb.ld: Forbidden; the no-return form (STADD) Allowed: DMB LD does not order its read (catalogue-aarch64: Forbidden / Allowed)', () => {
    expect(verdict(mpLdadd('MP+rel+LDADD-dmb.ld', false))).toBe('Forbidden');
    expect(verdict(mpLdadd('MP+rel+LDADDnoret-dmb.ld', true))).toBe('Allowed');
  });
  it('two atomic increments never lose one (atomic: empty rmw & (fre; coe))', () => {
    const p = litmus('2xLDADD', (m) => {
      const x = m.shared('x');
      return { threads: [(t) => t.fetchAdd(null, x, 1), (t) => t.fetchAdd(null, x, 1)], exists: () => m.mem(x).ne(2) };
    });
    expect(verdict(p)).toBe('Forbidden');
  });
  it('R+CAS+DMBLD: Allowed (catalogue-aarch64/R+CAS+DMBLD: Allowed): the CAS\'s write is promised before the other thread\'s write of y', () => {
    const p = litmus('R+CAS+DMBLD', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let c!: Reg, d!: Reg;
      return {
        threads: [
          (t) => { c = t.reg('c', 0); t.store(x, 1); t.cas(c, y, 0, 1); },
          (t) => { d = t.reg('d', 0); t.store(y, 2); t.fence('full'); t.load(d, x); },
        ],
        exists: () => and(m.mem(y).eq(2), m.regOf(c).eq(0), m.regOf(d).eq(0)),
      };
    });
    expect(verdict(p)).toBe('Allowed');
    expect(promised(witness(p))).toEqual(['P0 promises y := 1: visible to every thread now, executed later']);
  });
});

describe('ARMv8 includes SC: every SC outcome is an ARMv8 outcome', () => {
  /** the final values of the registers `regs` of every execution, as "a=1 b=0" strings */
  const finals = (p: Program, mm: MemoryModelName): string[] => {
    const { cp } = prepare(p, mm);
    const seen = new Set<string>();
    run(p, mm, {
      exact: true,
      onFinal: (s) => seen.add(cp.program.threads.flatMap((th, ti) => th.regs.map((r, ri) => `${th.name}.${r.name}=${s[cp.layout.regBase[ti] + ri]}`)).join(' ')),
    });
    return [...seen].sort();
  };
  it('MP, SB, LB: ARMv8 adds exactly the relaxed outcome to SC\'s three', () => {
    for (const [p, relaxed] of [[mp('MP', null, null), 'P1.a=1 P1.b=0'], [sb('SB', null, null), 'P0.a=0 P1.b=0'], [lb('LB', 'po'), 'P0.a=1 P1.b=1']] as const) {
      const sc = finals(p, 'sc');
      const arm = finals(p, 'armv8');
      expect(sc).toHaveLength(3);
      expect(arm).toEqual([...sc, relaxed].sort());
    }
  });
});

describe('ARMv8: memory keeps one write per location plus --buffer more, however many locations', () => {
  /**
   * P0 writes each of `cells` locations (once or twice), then does a lock-protected section
   * of `atomicWrites` writes over three locations, then sets a flag; P1 waits for the flag
   * with an acquire and reads them all, so until then P0's writes stay readable and memory
   * fills up. Memory once had room for fewer writes than its bound when there were more
   * than 8 locations, and for at most 8 writes in a block.
   */
  const many = (cells: number, atomicWrites: number, twice: boolean): Program => program(`many-${cells}-${atomicWrites}`, (m) => {
    const x = m.array('x', cells);
    const flag = m.shared('flag');
    const seen = m.shared('seen');
    m.thread('P0', (t) => {
      for (let i = 0; i < cells; i++) t.store(x.at(i), 1);
      if (twice) for (let i = 0; i < cells; i++) t.store(x.at(i), 2);
      t.atomic(() => { for (let i = 0; i < atomicWrites; i++) t.store(x.at(i % 3), 10 + i); });
      t.store(flag, 1);
    });
    const p1 = m.thread('P1', (t) => {
      const f = t.reg('f', 0), v = t.reg('v', 0), sum = t.reg('sum', 0);
      t.await(f, flag, f.eq(1), { order: 'acquire' });
      for (let i = 0; i < cells; i++) { t.load(v, x.at(i)); t.assign(sum, sum.add(v)); }
      t.store(seen, sum);
    });
    const last = (10 + atomicWrites - 3) + (10 + atomicWrites - 2) + (10 + atomicWrites - 1);
    m.invariant('final', m.done(p1).not().or(m.mem(seen).eq((twice ? 2 : 1) * (cells - 3) + last)), 'P1 read the final values');
  });
  it('12 locations and a 12-write block: writes wait for room (the bound is reported), nothing is lost, the acquire sees every write', () => {
    const r = run(many(12, 12, false), 'armv8', { exact: true, buffer: 1 });
    expect(r.complete).toBe(true);
    expect(prop(r, 'final').verdict).toBe('holds');
    expect(prop(r, 'deadlock').verdict).toBe('holds');
    expect(r.bounds.bufferReached).toBe(true);
    const roomy = run(many(12, 12, false), 'armv8', { exact: true, buffer: 32 });
    expect(prop(roomy, 'final').verdict).toBe('holds');
    expect(roomy.bounds.bufferReached).toBe(false);
  });
  it('a block writing one location many times appends one write for it (its last value)', () => {
    const r = run(many(4, 12, true), 'armv8', { exact: true, buffer: 2 });
    expect(r.complete).toBe(true);
    expect(prop(r, 'final').verdict).toBe('holds');
    expect(prop(r, 'deadlock').verdict).toBe('holds');
  });
});
