/**
 * `xenmc litmus` output: per test its name, herd7's verdict (Allowed/Forbidden), the
 * condition, the distinct final states over what the condition and `locations` name, each
 * marked when it satisfies the proposition, the states explored and the time; and, with
 * --json, one object per line:
 *   {"file","name","mm","verdict","finals":[{"values":{...},"satisfies":bool}],"states","seconds","error"?}
 */
import * as path from 'node:path';
import type { LitmusOutcome, LitmusVerdict } from '../checker/litmus.ts';
import { num, renderTrace } from './text.ts';

export function litmusJson(o: LitmusOutcome): object {
  return {
    file: o.file,
    name: o.name,
    mm: o.mm,
    verdict: o.verdict,
    finals: o.finals.map((f) => ({ values: f.values, satisfies: f.satisfies })),
    states: o.states,
    seconds: Number(o.seconds.toFixed(4)),
    ...(o.error !== undefined ? { error: o.error } : {}),
  };
}

const secs = (s: number): string => (s < 10 ? s.toFixed(3) : s.toFixed(1));

function finalLine(values: Readonly<Record<string, number | string>>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${v};`).join(' ');
}

/** What the quantifier asked of the test, in words: herd's Ok/No. */
function expectation(o: LitmusOutcome): string {
  if (o.expectationHolds === null || o.quantifier === null) return '';
  const what = o.quantifier === 'exists' ? 'some final state satisfies it' : o.quantifier === '~exists' ? 'no final state satisfies it' : 'every final state satisfies it';
  return `${o.quantifier} ${o.expectationHolds ? 'holds' : 'fails'} (the test expects that ${what})`;
}

export function renderLitmus(o: LitmusOutcome, cwd = process.cwd()): string {
  const rel = path.relative(cwd, o.file);
  const file = rel.startsWith('..') || path.isAbsolute(rel) ? o.file : rel;
  const lines = [`${o.name}  ${o.verdict}  · ${file}${o.mm ? ` · ${o.mm}` : ''}`];
  if (o.error !== undefined) lines.push(`  ${o.error}`);
  if (o.condition !== null) lines.push(`  ${o.condition}${o.expectationHolds !== null ? `: ${expectation(o)}` : ''}`);
  if (o.finals.length > 0 || o.verdict === 'Allowed' || o.verdict === 'Forbidden') {
    const sat = o.finals.filter((f) => f.satisfies).length;
    const partial = o.verdict === 'Incomplete' ? ' found before the search was cut short' : '';
    lines.push(`  ${o.finals.length} final state${o.finals.length === 1 ? '' : 's'}${partial}, ${sat} satisfying the proposition (*):`);
    for (const f of o.finals) lines.push(`    ${f.satisfies ? '*' : ' '} ${finalLine(f.values)}`);
  }
  if (o.witness) lines.push(`  witness: the shortest execution to a satisfying final state, ${o.witness.steps.length} steps`, renderTrace(o.witness).replace(/^/gm, '  '));
  if (o.states > 0) lines.push(`  ${num(o.states)} states · ${secs(o.seconds)} s`);
  return lines.join('\n');
}

export function renderLitmusSummary(outcomes: readonly LitmusOutcome[], seconds: number): string {
  const counts = new Map<LitmusVerdict, number>();
  for (const o of outcomes) counts.set(o.verdict, (counts.get(o.verdict) ?? 0) + 1);
  const order: LitmusVerdict[] = ['Allowed', 'Forbidden', 'Unsupported', 'Error', 'Incomplete'];
  const parts = order.filter((v) => counts.has(v)).map((v) => `${counts.get(v)} ${v}`);
  const states = outcomes.reduce((n, o) => n + o.states, 0);
  return `${outcomes.length} test${outcomes.length === 1 ? '' : 's'}: ${parts.join(', ')} · ${num(states)} states · ${secs(seconds)} s`;
}
