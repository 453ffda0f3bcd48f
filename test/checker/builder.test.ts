import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../checker/builder.ts';
import { InputError } from '../../checker/errors.ts';
import { lineOf } from '../helpers.ts';

const here = fileURLToPath(import.meta.url);
const source = readFileSync(here, 'utf8');

/** Runs `f`, expects an InputError, and returns it. */
function modelErrorOf(f: () => void): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected a model error');
}

describe('the builder produces plain IR', () => {
  it('records locations, registers, instructions with source lines, and labels', () => {
    const m = new ModelBuilder('mp');
    const x = m.shared('x', 0);
    const y = m.array('y', 2, [5, 6]);
    m.thread('P0', { actor: 'writer' }, (t) => {
      const r = t.reg('r');
      t.store(x, 1, { note: 'publish' });
      t.fence('st');
      t.label('again');
      t.load(r, y.at(1), { order: 'acquire' });
      t.if(r.eq(0), () => t.goto('again'));
    });
    const p = m.build();
    expect(p.locations).toEqual([
      expect.objectContaining({ name: 'x', size: 1, init: [0] }),
      expect.objectContaining({ name: 'y', size: 2, init: [5, 6] }),
    ]);
    const t = p.threads[0];
    expect(t.actor).toBe('writer');
    expect(t.code.map((i) => i.op)).toEqual(['store', 'fence', 'load', 'branch', 'jump']);
    expect(t.code[0]).toMatchObject({ op: 'store', order: 'plain', note: 'publish', addr: { k: 'loc', loc: 0, index: null } });
    expect(t.code[2]).toMatchObject({ op: 'load', order: 'acquire', addr: { k: 'loc', loc: 1, index: { k: 'const', v: 1 } } });
    expect(t.labels).toEqual({ again: 2 });
    expect(t.code[4]).toMatchObject({ op: 'jump', target: 2 });
    expect(t.code[0].src.file).toBe(here);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('the builder rejects malformed models, naming the file and line of the offending call', () => {
  it('a register read before it is set', () => {
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      const x = m.shared('x');
      m.thread('P0', (t) => {
        const r = t.reg('r1');
        // @line read-before-set
        t.store(x, r.add(1));
      });
      m.build();
    });
    expect(e.message).toBe("register 'r1' of thread 'P0' is read before it is set");
    expect(e.pos).toMatchObject({ file: here, line: lineOf(source, 'read-before-set') });
    expect(e.oneLine()).toMatch(/builder\.test\.ts:\d+: register 'r1'/);
  });

  it('a register set on only one branch', () => {
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      const x = m.shared('x');
      m.thread('P0', (t) => {
        const c = t.reg('c', 0), r = t.reg('r');
        t.if(c.eq(0), () => t.load(r, x));
        // @line one-branch
        t.store(x, r);
      });
      m.build();
    });
    expect(e.message).toContain("register 'r' of thread 'P0' is read before it is set");
    expect(e.pos?.line).toBe(lineOf(source, 'one-branch'));
  });

  it('a location that was not declared in this model', () => {
    const other = new ModelBuilder('other').shared('z');
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      m.thread('P0', (t) => {
        // @line unknown-location
        t.store(other, 1);
      });
    });
    expect(e.message).toBe("unknown location 'z': it was not declared in this model");
    expect(e.pos?.line).toBe(lineOf(source, 'unknown-location'));
  });

  it('a goto to no label', () => {
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      m.thread('P0', (t) => {
        t.label('top');
        // @line no-label
        t.goto('nowhere');
      });
      m.build();
    });
    expect(e.message).toBe("goto 'nowhere' in thread 'P0' jumps to no label (labels: top)");
    expect(e.pos?.line).toBe(lineOf(source, 'no-label'));
  });

  it('a constant index out of bounds', () => {
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      const a = m.array('a', 2);
      // @line oob
      m.thread('P0', (t) => t.store(a.at(2), 1));
    });
    expect(e.message).toBe("index 2 is out of bounds for 'a' of size 2");
    expect(e.pos?.line).toBe(lineOf(source, 'oob'));
  });

  it('an end label that is not at a step where the thread can rest', () => {
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      const x = m.shared('x');
      m.thread('P0', (t) => {
        const r = t.reg('r', 0);
        t.load(r, x);
        // @line end-label
        t.label('mid', { end: true });
        t.assign(r, 1);
        t.store(x, r);
      });
      m.build();
    });
    expect(e.message).toMatch(/^end label 'mid' in thread 'P0' is not at a step where the thread can rest/);
    expect(e.pos?.line).toBe(lineOf(source, 'end-label') + 1);
  });

  it('a guard outside an atomic block, and a select alternative without a guard step', () => {
    const g = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      m.thread('P0', (t) => {
        // @line guard
        t.guard(1);
      });
    });
    expect(g.message).toBe('guard() is only allowed inside atomic(); outside, use await()');
    expect(g.pos?.line).toBe(lineOf(source, 'guard'));
    const s = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      const x = m.shared('x');
      m.thread('P0', (t) => {
        const r = t.reg('r', 0);
        t.select(() => t.assign(r, 1), () => t.store(x, 1));
      });
      m.build();
    });
    expect(s.message).toMatch(/each select\(\) alternative must begin with a shared-memory step/);
  });

  it('a property predicate on a label the thread never rests at', () => {
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('bad');
      const x = m.shared('x');
      const t = m.thread('P0', (t) => {
        const r = t.reg('r', 0);
        t.load(r, x);
        t.label('local');
        t.assign(r, 2);
        t.store(x, r);
      });
      m.invariant('I', m.at(t, 'local').not());
      m.build();
    });
    expect(e.message).toBe("at(): label 'local' of thread 'P0' is not at a step where the thread can rest, so it can never be observed");
  });

  it('names used twice, and threads reading another thread\'s register', () => {
    expect(modelErrorOf(() => { const m = new ModelBuilder('b'); m.shared('x'); m.shared('x'); }).message).toBe("'x' is declared twice");
    const e = modelErrorOf(() => {
      const m = new ModelBuilder('b');
      const x = m.shared('x');
      const a = m.thread('A', (t) => { t.reg('ra', 0); });
      void a;
      let foreign: ReturnType<(typeof m.threads)[0]['reg']> | undefined;
      m.thread('B', (t) => { foreign = t.reg('rb', 0); });
      m.thread('C', (t) => t.store(x, 0) );
      m.thread('D', (t) => t.load(foreign!, x));
    });
    expect(e.message).toBe("register 'rb' of thread 'B' is used in thread 'D'");
  });
});
