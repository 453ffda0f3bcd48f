/**
 * Reachability probes for model tests: add an invariant to a built program, naming
 * locations, ghosts, registers and labels by the names the model gave them. "This state
 * is reachable" is the probe `not(state)` being violated; "never" is it holding. Probes
 * pin what a verdict rests on (that a promise is actually made, that a reordering
 * actually happens), so a `holds` cannot be vacuous.
 */
import type { Expr, Program } from '../../checker/ir.ts';
import { checkProgram } from '../../checker/check.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';
import type { PropertyResult } from '../../checker/result.ts';
import { Term } from '../../checker/term.ts';
import { invariant } from '../../properties/index.ts';

export interface ProbeRefs {
  mem(location: string, index?: number): Term;
  ghost(name: string, index?: number): Term;
  reg(thread: string, reg: string): Term;
  at(thread: string, label: string): Term;
}

function refs(p: Program): ProbeRefs {
  const loc = (name: string): number => {
    const i = p.locations.findIndex((l) => l.name === name);
    if (i < 0) throw new Error(`probe: no location '${name}' (have ${p.locations.map((l) => l.name).join(', ')})`);
    return i;
  };
  const thread = (name: string): number => {
    const i = p.threads.findIndex((t) => t.name === name);
    if (i < 0) throw new Error(`probe: no thread '${name}'`);
    return i;
  };
  return {
    mem: (name, index = 0) => new Term({ k: 'mem', addr: { k: 'loc', loc: loc(name), index: { k: 'const', v: index } } }),
    ghost: (name, index = 0) => {
      const g = p.ghosts.findIndex((x) => x.name === name);
      if (g < 0) throw new Error(`probe: no ghost '${name}'`);
      return new Term({ k: 'ghost', g, index: { k: 'const', v: index } });
    },
    reg: (t, name) => {
      const ti = thread(t);
      const r = p.threads[ti].regs.findIndex((x) => x.name === name);
      if (r < 0) throw new Error(`probe: no register '${name}' in '${t}'`);
      return new Term({ k: 'treg', thread: ti, r });
    },
    at: (t, label) => new Term({ k: 'at', thread: thread(t), label }),
  };
}

/** Check only the probe `pred` (an invariant) on `program` under `mm`. */
export function probe(program: Program, mm: MemoryModelName, pred: (r: ProbeRefs) => Term): PropertyResult {
  const expr: Expr = pred(refs(program)).expr;
  const src = { file: 'probe', line: 0, column: 0 };
  const withProbe: Program = { ...program, properties: [...program.properties, invariant('probe', expr, 'probe', src)] };
  const r = checkProgram(withProbe, { mm, properties: ['probe'] });
  if (!r.complete && r.properties[0].verdict !== 'violated') throw new Error('probe: search incomplete');
  return r.properties.find((p) => p.id === 'probe')!;
}
