/**
 * PSO (checker/memory/pso.ts) on the classic shapes: what it adds to TSO (W→W between
 * locations), what it keeps (R→R, R→W, same-location order), what each fence kind and
 * RMW order gives, and the counterexample content (which buffered store overtook which).
 */
import { describe, expect, it } from 'vitest';
import type { ModelBuilder, Reg, ThreadBuilder } from '../../../checker/builder.ts';
import { prepare } from '../../../checker/check.ts';
import type { FenceKind, Program } from '../../../checker/ir.ts';
import type { MemoryModelName } from '../../../checker/memory/model.ts';
import type { Result } from '../../../checker/result.ts';
import { and, type Term } from '../../../checker/term.ts';
import { program, prop, run } from '../../helpers.ts';

type Body = (t: ThreadBuilder) => void;

/** Threads, and an invariant "never (all finished ∧ exists)": violated = the outcome is reachable. */
function litmus(name: string, build: (m: ModelBuilder) => { threads: Body[]; exists: () => Term }): Program {
  return program(name, (m) => {
    const { threads, exists } = build(m);
    const ts = threads.map((body, i) => m.thread(`P${i}`, body));
    m.invariant('exists', and(...ts.map((t) => m.done(t)), exists()).not());
  });
}
const reach = (p: Program, mm: MemoryModelName, buffer?: number): Result => run(p, mm, buffer ? { buffer } : {});
const allowed = (p: Program, mm: MemoryModelName = 'pso'): boolean => {
  const r = reach(p, mm);
  expect(r.complete).toBe(true);
  return prop(r, 'exists').verdict === 'violated';
};
const fence = (t: ThreadBuilder, f: FenceKind | null): void => { if (f) t.fence(f); };

/**
 * The final outcomes: registers and memory in every state where all threads have finished
 * and no step is left (buffers drained), as sorted "P0.a=1 … x=2" strings. Conditions on
 * memory are decided here, not by the invariant: with stores still buffered, memory is
 * not final yet when the threads are done.
 */
function finals(p: Program, mm: MemoryModelName): string[] {
  const { cp } = prepare(p, mm);
  const seen = new Set<string>();
  run(p, mm, {
    onFinal: (s) => seen.add([
      ...cp.program.threads.flatMap((th, ti) => th.regs.map((r, ri) => `${th.name}.${r.name}=${s[cp.layout.regBase[ti] + ri]}`)),
      ...cp.program.locations.map((l, li) => `${l.name}=${s[cp.layout.memBase + cp.layout.locBase[li]]}`),
    ].join(' ')),
  });
  return [...seen].sort();
}
const finalWith = (p: Program, mm: MemoryModelName, outcome: RegExp): boolean => finals(p, mm).some((o) => outcome.test(o));

const mp = (f0: FenceKind | null, rel = false): Program => litmus(`MP+${f0}${rel ? '+rel' : ''}`, (m) => {
  const x = m.shared('x'), y = m.shared('y');
  let a!: Reg, b!: Reg;
  return {
    threads: [
      (t) => { t.store(x, 1); fence(t, f0); t.store(y, 1, { order: rel ? 'release' : 'plain' }); },
      (t) => { a = t.reg('a', 0); b = t.reg('b', 0); t.load(a, y); t.load(b, x); },
    ],
    exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(0)),
  };
});

describe('PSO: stores to different locations become visible in any order', () => {
  it('MP: allowed under PSO (not TSO): y := 1 leaves its buffer while x := 1 is still in its own', () => {
    const p = mp(null);
    expect(allowed(p, 'tso')).toBe(false);
    const r = reach(p, 'pso');
    const v = prop(r, 'exists');
    expect(v.verdict).toBe('violated');
    const t = v.trace!;
    const flushes = t.steps.filter((s) => s.kind === 'memory').map((s) => s.action);
    expect(flushes).toEqual(['y := 1 leaves P0\'s store buffer and becomes visible (stored at step 2)']);
    // at the end x := 1 is still buffered; the reader took x's initial value from memory
    expect(t.final.find((e) => e.name === 'store buffers of P0')!.text).toBe('[x:=1]');
    expect(t.events.find((e) => e.kind === 'R' && e.location === 'x')).toMatchObject({ value: 0, source: 'memory', rf: null });
  });
  it('MP with a st fence (wmb), a full fence, or a release store for the flag: forbidden', () => {
    expect(allowed(mp('st'))).toBe(false);
    expect(allowed(mp('full'))).toBe(false);
    expect(allowed(mp(null, true))).toBe(false);
    // an ld fence orders nothing PSO relaxes
    expect(allowed(mp('ld'))).toBe(true);
  });
  it('2+2W: final x=1 ∧ y=1 under PSO, not under TSO nor with st fences', () => {
    const ww = (f: FenceKind | null): Program => program(`2+2W+${f}`, (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => { t.store(x, 1); fence(t, f); t.store(y, 2); });
      m.thread('P1', (t) => { t.store(y, 1); fence(t, f); t.store(x, 2); });
    });
    expect(finalWith(ww(null), 'pso', /x=1 y=1/)).toBe(true);
    expect(finalWith(ww(null), 'tso', /x=1 y=1/)).toBe(false);
    expect(finalWith(ww('st'), 'pso', /x=1 y=1/)).toBe(false);
  });
});

describe('PSO keeps R→R, R→W and the order of stores to one location', () => {
  it('LB and MP on the reader side stay forbidden; CoWW holds', () => {
    const lb = litmus('LB', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let a!: Reg, b!: Reg;
      return {
        threads: [(t) => { a = t.reg('a', 0); t.load(a, x); t.store(y, 1); }, (t) => { b = t.reg('b', 0); t.load(b, y); t.store(x, 1); }],
        exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(1)),
      };
    });
    expect(allowed(lb)).toBe(false);
    expect(allowed(mp('st'))).toBe(false);
    const coww = program('CoWW', (m) => {
      const x = m.shared('x');
      m.thread('P0', (t) => { t.store(x, 1); t.store(x, 2); });
    });
    expect(finals(coww, 'pso')).toEqual(['x=2']);
  });
  it('a thread reads its newest buffered store to a location (forwarding)', () => {
    const p = litmus('forward', (m) => {
      const x = m.shared('x');
      let a!: Reg, b!: Reg;
      return {
        threads: [(t) => { a = t.reg('a', 0); t.store(x, 1); t.store(x, 2); t.load(a, x); }, (t) => { b = t.reg('b', 0); t.load(b, x); }],
        exists: () => and(m.regOf(a).eq(2), m.regOf(b).eq(0)),
      };
    });
    const v = prop(reach(p, 'pso'), 'exists');
    expect(v.verdict).toBe('violated');
    expect(v.trace!.events.find((e) => e.kind === 'R' && e.thread === 'P0')).toMatchObject({ value: 2, source: 'buffer' });
  });
});

describe('PSO: what each fence and RMW orders', () => {
  const sb = (f: FenceKind | null, mid: 'none' | 'store' = 'none'): Program => litmus(`SB+${f}+${mid}`, (m) => {
    const x = m.shared('x'), y = m.shared('y'), z = m.shared('z');
    let a!: Reg, b!: Reg;
    return {
      threads: [
        (t) => { a = t.reg('a', 0); t.store(x, 1); fence(t, f); if (mid === 'store') t.store(z, 1); t.load(a, y); },
        (t) => { b = t.reg('b', 0); t.store(y, 1); fence(t, f); t.load(b, x); },
      ],
      exists: () => and(m.regOf(a).eq(0), m.regOf(b).eq(0)),
    };
  });
  it('SB: allowed; a full fence forbids it; a st fence (wmb) does not: loads after it still overtake the stores before it', () => {
    expect(allowed(sb(null))).toBe(true);
    expect(allowed(sb('full'))).toBe(false);
    expect(allowed(sb('st'))).toBe(true);
    // even with a store after the wmb: the barrier orders the stores, not the thread
    expect(allowed(sb('st', 'store'))).toBe(true);
  });
  it('a st fence holds back later stores until the earlier ones are visible, in the trace', () => {
    const p = mp('st');
    const r = reach(p, 'pso');
    expect(prop(r, 'exists').verdict).toBe('holds');
    // the barrier shows in the buffer state: a store after it waits behind an epoch mark
    const q = litmus('wmb-shown', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let a!: Reg;
      return {
        threads: [(t) => { t.store(x, 1); t.fence('st'); t.store(y, 1); }, (t) => { a = t.reg('a', 0); t.load(a, y); }],
        exists: () => m.regOf(a).eq(1),
      };
    });
    const t = prop(reach(q, 'pso'), 'exists').trace!;
    const before = t.steps.flatMap((s) => s.changes).map((c) => c.after).filter((x) => x.includes('‖'));
    expect(before).toContain('[x:=1 ‖ y:=1]');
    expect(t.steps.filter((s) => s.kind === 'memory').map((s) => s.action)).toEqual([
      'x := 1 leaves P0\'s store buffer and becomes visible (stored at step 1)',
      'y := 1 leaves P0\'s store buffer and becomes visible (stored at step 3)',
    ]);
  });
  const rmwMp = (order: 'plain' | 'release', f: FenceKind | null): Program => litmus(`MP+xchg-${order}+${f}`, (m) => {
    const x = m.shared('x'), y = m.shared('y');
    let a!: Reg, b!: Reg;
    return {
      threads: [
        (t) => { const old = t.reg('old', 0); t.store(x, 1); fence(t, f); t.xchg(old, y, 1, { order }); },
        (t) => { a = t.reg('a', 0); b = t.reg('b', 0); t.load(a, y); t.load(b, x); },
      ],
      exists: () => and(m.regOf(a).eq(1), m.regOf(b).eq(0)),
    };
  });
  it('a plain RMW orders no earlier store to another location; a release RMW, or a st fence before it, does', () => {
    expect(allowed(rmwMp('plain', null))).toBe(true);
    expect(allowed(rmwMp('release', null))).toBe(false);
    expect(allowed(rmwMp('plain', 'st'))).toBe(false);
  });
  it('an atomic block is a full fence at entry and exit', () => {
    const p = litmus('SB+atomic', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let a!: Reg, b!: Reg;
      return {
        threads: [
          (t) => { a = t.reg('a', 0); t.store(x, 1); t.atomic(() => t.load(a, y)); },
          (t) => { b = t.reg('b', 0); t.store(y, 1); t.atomic(() => t.load(b, x)); },
        ],
        exists: () => and(m.regOf(a).eq(0), m.regOf(b).eq(0)),
      };
    });
    expect(allowed(p)).toBe(false);
  });
});

describe('PSO bounds and inclusion', () => {
  it('the per-location buffer bound is reported when a store had to wait', () => {
    const p = program('burst', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P', (t) => { t.store(x, 1); t.store(x, 2); t.store(y, 1); });
    });
    expect(run(p, 'pso', { buffer: 1 }).bounds).toMatchObject({ buffer: 1, bufferReached: true });
    // two stores to different locations fit buffers of one entry each
    expect(run(program('two', (m) => { const x = m.shared('x'), y = m.shared('y'); m.thread('P', (t) => { t.store(x, 1); t.store(y, 1); }); }), 'pso', { buffer: 1 }).bounds.bufferReached).toBe(false);
  });
  it('final outcomes: SC ⊆ TSO ⊆ PSO on SB, MP, 2+2W, each inclusion strict where the model relaxes more', () => {
    const ww = program('2+2W', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      m.thread('P0', (t) => { t.store(x, 1); t.store(y, 2); });
      m.thread('P1', (t) => { t.store(y, 1); t.store(x, 2); });
    });
    const sb = litmus('SB', (m) => {
      const x = m.shared('x'), y = m.shared('y');
      let a!: Reg, b!: Reg;
      return {
        threads: [(t) => { a = t.reg('a', 0); t.store(x, 1); t.load(a, y); }, (t) => { b = t.reg('b', 0); t.store(y, 1); t.load(b, x); }],
        exists: () => and(m.regOf(a).eq(0), m.regOf(b).eq(0)),
      };
    });
    for (const [p, tsoMore, psoMore] of [[sb, true, false], [mp(null), false, true], [ww, false, true]] as const) {
      const sc = finals(p, 'sc'), tso = finals(p, 'tso'), pso = finals(p, 'pso');
      expect(sc.every((o) => tso.includes(o))).toBe(true);
      expect(tso.every((o) => pso.includes(o))).toBe(true);
      expect(tso.length > sc.length).toBe(tsoMore);
      expect(pso.length > tso.length).toBe(psoMore);
    }
  });
});
