/**
 * What a rendered trace is about: the model, variant, memory model and property, with the
 * run's statistics when a search produced it. A counterexample of `check` and a litmus
 * witness differ only in these words, so every renderer takes a Subject and a Trace.
 */
import type { Model } from '../checker/model.ts';
import type { PropertyResult, Result } from '../checker/result.ts';

export interface Subject {
  /** a counterexample to a property, or a witness of an allowed litmus outcome */
  readonly kind: 'counterexample' | 'witness';
  readonly model: string;
  readonly modelTitle?: string;
  readonly variant: string | null;
  readonly variantTitle?: string;
  readonly mm: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly property: { readonly id: string; readonly description: string; readonly verdict: string };
  /** the search that found it, when there was one */
  readonly run?: Pick<Result, 'states' | 'transitions' | 'depth' | 'seconds' | 'bounds' | 'stopReason' | 'verdict'>;
}

export function subjectOfCheck(r: Result, p: PropertyResult, model?: Model): Subject {
  const variantTitle = model && r.variant ? model.variants.find((v) => v.id === r.variant)?.title : undefined;
  return {
    kind: 'counterexample', model: r.model, variant: r.variant, mm: r.mm, params: r.params,
    ...(model ? { modelTitle: model.title } : {}),
    ...(variantTitle ? { variantTitle } : {}),
    property: { id: p.id, description: p.description, verdict: p.verdict },
    run: { states: r.states, transitions: r.transitions, depth: r.depth, seconds: r.seconds, bounds: r.bounds, stopReason: r.stopReason, verdict: r.verdict },
  };
}

/** "ioreq A-B5 · tso · A4" */
export function subjectTitle(s: Subject): string {
  return `${s.model}${s.variant ? ` ${s.variant}` : ''} · ${s.mm} · ${s.property.id}`;
}
