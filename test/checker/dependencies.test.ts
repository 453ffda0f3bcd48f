/** Register data flow read off the IR: address, data and control dependencies (for ARMv8). */
import { describe, expect, it } from 'vitest';
import { dependencies } from '../../checker/dependencies.ts';
import { prepare } from '../../checker/check.ts';
import { program } from '../helpers.ts';

describe('dependencies', () => {
  // the litmus idiom: r1 = load x; r2 = r1 ^ r1; load [y + r2] (address dependency);
  // store z := r1 + 1 (data); if (r1 == 0) ...; store w := 1 (control)
  const p = program('deps', (m) => {
    const x = m.shared('x'), y = m.array('y', 2), z = m.shared('z'), w = m.shared('w');
    m.thread('P', (t) => {
      const r1 = t.reg('r1'), r2 = t.reg('r2'), r3 = t.reg('r3');
      t.load(r1, x);
      t.assign(r2, r1.xor(r1));
      t.load(r3, y.at(r2));
      t.store(z, r1.add(1));
      t.if(r1.eq(0), () => t.skip());
      t.store(w, 1);
      t.cas(null, z, r3, r2);
    });
  });
  const code = p.threads[0].code;

  it('an address dependency: the index register of the second load', () => {
    expect(dependencies(code[2])).toMatchObject({ addr: [1], data: [] });
  });
  it('the register an assignment computes from (r2 from r1), so a model can follow the chain', () => {
    expect(dependencies(code[1]).sources).toEqual([0]);
  });
  it('a data dependency: the register the stored value reads; a cas depends on its expected and new values', () => {
    expect(dependencies(code[3])).toMatchObject({ addr: [], data: [0] });
    expect(dependencies(code[code.length - 1])).toMatchObject({ data: [1, 2] });
  });
  it('a control dependency: the registers of the branch condition', () => {
    const branch = code.findIndex((i) => i.op === 'branch');
    expect(dependencies(code[branch]).ctrl).toEqual([0]);
  });
  it('compiled instructions carry them as absolute state indices', () => {
    const { cp } = prepare(p, 'sc');
    const rb = cp.layout.regBase[0];
    expect([...cp.threads[0].code[2].depAddr]).toEqual([rb + 1]);
    expect([...cp.threads[0].code[3].depData]).toEqual([rb + 0]);
  });
});
