/**
 * The CLI's text: verdicts, counterexamples as numbered steps, statistics and bounds, the
 * verify matrix and the model list. Pure functions from values to strings.
 */
import type { MemoryModelInfo } from '../checker/memory/index.ts';
import type { Model } from '../checker/model.ts';
import type { Bounds, PropertyResult, Result, Trace, TraceStep, Verdict } from '../checker/result.ts';
import type { Comparison, VerifyRow, VerifyRun } from '../checker/verify.ts';
import { eventNode, traceGraphs } from './graph.ts';

export const num = (n: number): string => n.toLocaleString('en-US');

function secs(s: number): string {
  return s < 10 ? s.toFixed(2) : s.toFixed(1);
}

const VERDICT_WORD: Record<Verdict, string> = { holds: 'holds', violated: 'VIOLATED', incomplete: 'incomplete', unchecked: 'unchecked' };

export function renderBounds(r: Pick<Result, 'states' | 'transitions' | 'depth' | 'seconds' | 'bounds' | 'stopReason'>): string {
  const b: Bounds = r.bounds;
  const parts = [`${num(r.states)} states`, `${num(r.transitions)} transitions`, `depth ${r.depth}`, `${secs(r.seconds)} s`];
  if (b.buffer !== null && b.promises !== null) {
    parts.push(`memory ≤ ${b.buffer} writes in flight (${b.bufferReached ? 'full at times: verdicts hold for this many only' : 'never full'})`);
    parts.push(`≤ ${b.promises} promise${b.promises === 1 ? '' : 's'} outstanding (${b.promisesReached ? 'reached: a thread could have promised more; verdicts hold for this many only' : 'never limiting'})`);
  } else if (b.buffer !== null) {
    parts.push(`store buffers ≤ ${b.buffer} entries (${b.bufferReached ? 'full at times: verdicts hold for buffers this deep only' : 'never full'})`);
  }
  if (b.order === 'depth-first') parts.push(`depth-first${b.seed !== null ? `, shuffled from seed ${b.seed}` : ''}`);
  parts.push(b.mode === 'exact' ? 'exact state storage' : `64-bit fingerprints, P(missed state) ≈ ${(b.collisionProbability ?? 0).toExponential(1)}`);
  if (b.maxStates !== null) parts.push(`max ${num(b.maxStates)} states`);
  if (b.timeoutSeconds !== null) parts.push(`timeout ${b.timeoutSeconds} s`);
  if (r.stopReason === 'max-states') parts.push('STOPPED at the state bound: incomplete');
  if (r.stopReason === 'timeout') parts.push('STOPPED at the time bound: incomplete');
  return parts.join(' · ');
}

/**
 * A counterexample as numbered steps. Routine store-buffer flushes (stores the
 * explanation does not need, reports/graph/routine-steps.ts) are folded, consecutive ones
 * into one line; steps the explanation rests on are starred; a store buffer's change shows
 * its new content only; and the trace ends with why it violates the property. The JSON
 * trace keeps every step in full.
 */
export function renderTrace(t: Trace): string {
  const tg = traceGraphs(t);
  const lines: string[] = [];
  const width = Math.max(...t.steps.map((s) => s.actor.length), 8);
  const composite = new Set(t.initial.filter((e) => e.value === null).map((e) => e.name));
  const events = new Map(t.events.map((e) => [e.id, e]));
  const madeVisible = (s: TraceStep): string => s.events.map((id) => events.get(id)).filter((e) => e?.kind === 'W')
    .map((e) => `${e!.location} := ${e!.valueText}`).join(', ');
  const loop = t.loop;
  for (let i = 0; i < t.steps.length; i++) {
    // a lasso's loop starts after step `loop`; folded runs of routine flushes do not cross into it
    if (loop !== undefined && i === loop) lines.push(loopMarker(t));
    const s = t.steps[i];
    if (tg.routine.has(s.index)) {
      let j = i;
      while (j + 1 < t.steps.length && tg.routine.has(t.steps[j + 1].index) && j + 1 !== loop) j++;
      const run = t.steps.slice(i, j + 1);
      const actors = [...new Set(run.map((x) => x.actor))];
      const range = i === j ? String(s.index) : `${s.index}–${t.steps[j].index}`;
      const stores = run.map(madeVisible).join(', ');
      lines.push(`  ${range.padStart(3)}  ${(actors.length === 1 ? actors[0] : 'store buffers').padEnd(width)}  ⋯ routine: ${stores} become${run.length === 1 && !stores.includes(',') ? 's' : ''} visible`);
      i = j;
      continue;
    }
    const src = s.source ? `  [${s.source}]` : '';
    const onStory = s.events.some((id) => tg.events.hasNode(eventNode(id)) && tg.events.getNodeAttribute(eventNode(id), 'marked'));
    lines.push(`${onStory ? ' *' : '  '}${String(s.index).padStart(3)}  ${s.actor.padEnd(width)}  ${s.action}${src}`);
    const changes = s.changes.filter((c) => !c.name.endsWith('.pc'))
      .map((c) => (composite.has(c.name) ? `${c.name} now ${c.after}` : `${c.name}: ${c.before} → ${c.after}`));
    if (changes.length > 0) lines.push(`       ${' '.repeat(width)}  ${changes.join('; ')}`);
  }
  const where = t.final.filter((e) => e.name.endsWith('.pc')).map((e) => `${e.name.slice(0, -3)} ${e.text}`);
  if (loop !== undefined) lines.push(`  ─── end of loop: back to ${loop === 0 ? 'the initial state' : `the state after step ${loop}`}, and round again forever`);
  lines.push(`  end: ${t.violation}`);
  if (where.length > 0) lines.push(`       threads: ${where.join(', ')}`);
  const buffers = t.final.filter((e) => e.value === null && e.text !== '[]');
  if (buffers.length > 0) lines.push(`       ${buffers.map((e) => `${e.name} = ${e.text}`).join(', ')}`);
  tg.explanation.sentences.forEach((x, k) => lines.push(`  ${k === 0 ? 'why:' : '    '} ${x}`));
  if (tg.explanation.edges.length > 0 || tg.routine.size > 0) {
    lines.push(`       (*: a step the explanation rests on${tg.routine.size > 0 ? '; ⋯: routine store-buffer flushes, folded (--json and --report keep every step)' : ''})`);
  }
  return lines.join('\n');
}

/** The line that opens a lasso's loop. */
function loopMarker(t: Trace): string {
  const first = (t.loop ?? 0) + 1;
  const last = t.steps.length;
  return `  ─── loop: ${first === last ? `step ${first} repeats` : `steps ${first}–${last} repeat`} forever ───`;
}

/** The line that introduces a property's counterexample. */
export function traceHeading(p: PropertyResult, t: Trace): string {
  if (t.loop !== undefined) {
    const loopSteps = t.steps.length - t.loop;
    return `${p.id} violated: a lasso, ${t.loop} step${t.loop === 1 ? '' : 's'} to the loop, then ${loopSteps} step${loopSteps === 1 ? '' : 's'} repeating forever`;
  }
  const dfs = t.order === 'depth-first';
  if (LIVENESS.has(p.kind)) return `${p.id} violated: a run of ${t.steps.length} steps that ends there${dfs ? ' (found depth-first: not necessarily a shortest one)' : ''}`;
  if (dfs) return `${p.id} violated: counterexample found depth-first, ${t.steps.length} steps (the search's path, not necessarily a shortest one)`;
  return `${p.id} violated: shortest counterexample, ${t.steps.length} steps`;
}

const LIVENESS: ReadonlySet<string> = new Set(['eventually', 'leadsTo', 'alwaysEventually', 'progress']);

export function renderHeader(r: Result, model?: Model): string {
  const variant = r.variant ? ` · variant ${r.variant}${model ? ` (${model.variants.find((v) => v.id === r.variant)?.title ?? ''})` : ''}` : '';
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${r.model}${variant} · memory model ${r.mm}${params ? ` · ${params}` : ''}`;
}

export function renderProperty(p: PropertyResult): string {
  const extra = p.verdict === 'unchecked' && p.reason ? ` (${p.reason})` : '';
  return `  ${p.id.padEnd(14)} ${VERDICT_WORD[p.verdict].padEnd(10)} ${p.description}${extra}`;
}

export function renderCheck(r: Result, model?: Model): string {
  const out: string[] = [renderHeader(r, model), ''];
  for (const p of r.properties) out.push(renderProperty(p));
  for (const p of r.properties) {
    if (!p.trace) continue;
    out.push('', traceHeading(p, p.trace), renderTrace(p.trace));
  }
  out.push('', renderBounds(r), `verdict: ${r.verdict}`);
  return out.join('\n');
}

const MARK: Record<Comparison, string> = { agree: '', differ: ' ✗', unstated: ' ·', unchecked: ' ?', incomplete: ' …' };

/** One line per run: each property's verdict, marked where it differs from the expectation. */
export function renderVerifyRun(run: VerifyRun): string {
  const cells = run.rows.map((row) => {
    const v = row.verdict === 'violated' ? 'V' : row.verdict === 'holds' ? 'H' : row.verdict === 'incomplete' ? 'I' : 'U';
    const exp = row.comparison === 'differ' ? `(expected ${row.expected})` : '';
    return `${row.property}:${v}${MARK[row.comparison]}${exp}`;
  });
  const head = `${run.model.name.padEnd(16)} ${run.variant.padEnd(7)} ${run.mm.padEnd(6)} ${cells.join('  ').padEnd(60)}`;
  if (run.undecided) return `${head} not searched\n${''.padEnd(32)}undecided: ${run.settings ?? ''}`;
  const line = `${head} ${num(run.result.states).padStart(10)} ${secs(run.result.seconds).padStart(6)} s`;
  if (run.settings === undefined) return line;
  const p = run.result.params;
  const params = Object.keys(p).map((k) => `${k}=${p[k]}`).join(' ');
  const b = run.result.bounds;
  const promises = b.promises !== null ? ` --promises ${b.promises}` : '';
  const order = b.order === 'depth-first' ? ` --search dfs${b.seed !== null ? ` --seed ${b.seed}` : ''}` : '';
  return `${line}\n${''.padEnd(32)}with ${params}${promises}${order}: ${run.settings}`;
}

export interface VerifySummary {
  readonly compared: number;
  readonly agree: number;
  readonly differ: number;
  readonly unstated: number;
  readonly unchecked: number;
  readonly incomplete: number;
}

export function summarize(rows: readonly VerifyRow[]): VerifySummary {
  const count = (c: Comparison): number => rows.filter((r) => r.comparison === c).length;
  return { compared: count('agree') + count('differ'), agree: count('agree'), differ: count('differ'), unstated: count('unstated'), unchecked: count('unchecked'), incomplete: count('incomplete') };
}

export function renderVerifySummary(runs: readonly VerifyRun[], notImplemented: readonly string[], seconds: number): string {
  const rows = runs.flatMap((r) => r.rows);
  const s = summarize(rows);
  const lines = [
    '',
    `verify: ${runs.length} runs, ${rows.length} cells: ${s.agree} agree, ${s.differ} differ, ${s.unstated} unstated (reported, not compared), ${s.unchecked} unchecked, ${s.incomplete} incomplete · ${secs(seconds)} s`,
  ];
  if (notImplemented.length > 0) lines.push(`not run: memory models ${notImplemented.join(', ')} (declared by the models, not implemented yet)`);
  for (const r of rows.filter((x) => x.comparison === 'differ')) lines.push(`  DIFFERS ${r.model} ${r.variant} ${r.mm} ${r.property}: expected ${r.expected}, got ${r.verdict}`);
  for (const run of runs.filter((x) => x.undecided)) {
    const stated = run.rows.filter((r) => r.expected !== 'unstated').map((r) => `${r.property} (expected ${r.expected})`);
    lines.push(`  UNDECIDED ${run.model.name} ${run.variant} ${run.mm}${stated.length > 0 ? ` ${stated.join(', ')}` : ''}: ${run.settings ?? ''}`);
  }
  for (const run of runs) {
    for (const r of run.rows.filter((x) => x.comparison === 'incomplete' && x.verdict === 'holds')) {
      const b = run.result.bounds;
      const why = [
        ...(b.promisesReached ? [`a thread could have promised more than ${b.promises} (--promises)`] : []),
        ...(b.bufferReached ? [`a store waited for room (--buffer ${b.buffer})`] : []),
      ].join('; ');
      lines.push(`  BOUNDED ${r.model} ${r.variant} ${r.mm} ${r.property}: expected ${r.expected}, holds within the bounds only: ${why}`);
    }
  }
  lines.push('legend: H holds, V violated, I incomplete, U unchecked; ✗ differs from the expected verdict, · no expectation (unstated), ? unchecked (a liveness property the variant does not define, or a cell listed UNDECIDED), … cut short by a bound');
  return lines.join('\n');
}

export function renderList(models: readonly Model[], mms: readonly MemoryModelInfo[]): string {
  const out: string[] = ['models:'];
  for (const m of models) {
    out.push(`  ${m.name}: ${m.title}`);
    out.push(`    variants: ${m.variants.map((v) => v.id).join(', ')}`);
    for (const v of m.variants) out.push(`      ${v.id.padEnd(8)} ${v.title}`);
    out.push(`    properties:`);
    for (const p of m.properties) out.push(`      ${p.id.padEnd(8)} ${p.title}${p.needs ? ` [needs ${p.needs}]` : ''}`);
    const params = Object.entries(m.params);
    if (params.length > 0) {
      out.push(`    parameters:`);
      for (const [k, spec] of params) {
        const range = spec.kind === 'int' ? `${spec.min}..${spec.max}` : spec.choices.join('|');
        out.push(`      ${k}=${String(spec.default).padEnd(6)} (${range}) ${spec.description}`);
      }
    }
    out.push(`    memory models: ${m.memoryModels.join(', ')}`);
  }
  out.push('', 'memory models:');
  for (const mm of mms) out.push(`  ${mm.name.padEnd(6)} ${mm.title}: ${mm.allows}`);
  return out.join('\n');
}
