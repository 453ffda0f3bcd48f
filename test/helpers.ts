/** Small helpers shared by the test suites. */
import { ModelBuilder } from '../checker/builder.ts';
import { checkProgram, type CheckOptions } from '../checker/check.ts';
import type { Program } from '../checker/ir.ts';
import type { MemoryModelName } from '../checker/memory/model.ts';
import type { PropertyResult, Result } from '../checker/result.ts';

export function program(name: string, build: (m: ModelBuilder) => void): Program {
  const m = new ModelBuilder(name);
  build(m);
  return m.build();
}

export function run(p: Program, mm: MemoryModelName, opts: Partial<CheckOptions> = {}): Result {
  return checkProgram(p, { mm, ...opts });
}

export function prop(r: Result, id: string): PropertyResult {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no property ${id} in result (have ${r.properties.map((x) => x.id).join(', ')})`);
  return p;
}

/** The line number in this test file of the call on the line after the marker comment `// @line NAME`. */
export function lineOf(source: string, marker: string): number {
  const lines = source.split('\n');
  const i = lines.findIndex((l) => l.includes(`@line ${marker}`));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i + 2;
}
