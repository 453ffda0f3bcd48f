/**
 * Machine-readable output, in the forms the CLI promises and later issues keep:
 *  - `check --json`: one object {"model","variant","mm","verdict","properties":[{"id","verdict","trace"?}],
 *    "states","transitions","seconds","bounds"} (plus params, depth, stopReason);
 *  - `verify --json`: one object per line and property
 *    {"model","variant","mm","property","expected","verdict","states","seconds"};
 *  - `list --json`: models, their variants, properties and parameters, and memory models.
 */
import type { MemoryModelInfo } from '../checker/memory/index.ts';
import type { Model } from '../checker/model.ts';
import type { Result } from '../checker/result.ts';
import type { VerifyRow } from '../checker/verify.ts';

export function checkJson(r: Result): object {
  return {
    model: r.model,
    variant: r.variant,
    mm: r.mm,
    params: r.params,
    verdict: r.verdict,
    properties: r.properties.map((p) => ({
      id: p.id,
      kind: p.kind,
      description: p.description,
      verdict: p.verdict,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.trace ? { trace: p.trace } : {}),
    })),
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    seconds: r.seconds,
    stopReason: r.stopReason,
    bounds: r.bounds,
  };
}

export function verifyJson(row: VerifyRow): object {
  return {
    model: row.model, variant: row.variant, mm: row.mm, property: row.property,
    expected: row.expected, verdict: row.verdict, states: row.states, seconds: row.seconds,
  };
}

export function listJson(models: readonly Model[], mms: readonly MemoryModelInfo[], planned: readonly string[]): object {
  return {
    models: models.map((m) => ({
      name: m.name,
      title: m.title,
      sources: m.sources ?? [],
      variants: m.variants.map((v) => ({ id: v.id, title: v.title })),
      properties: m.properties.map((p) => ({ id: p.id, title: p.title, ...(p.needs ? { needs: p.needs } : {}) })),
      params: m.params,
      memoryModels: m.memoryModels,
    })),
    memoryModels: [
      ...mms.map((mm) => ({ name: mm.name as string, title: mm.title, allows: mm.allows, implemented: true })),
      ...planned.map((name) => ({ name, title: name, allows: '', implemented: false })),
    ],
  };
}
