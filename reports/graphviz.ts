/**
 * Graphviz, compiled to WebAssembly (@viz-js/viz): DOT to SVG at report-generation time,
 * so neither a system Graphviz nor a browser is needed to produce a report, and a report
 * needs no script to show its graphs. One instance is made on first use and kept.
 */
import type { Viz } from '@viz-js/viz';

let viz: Promise<Viz> | null = null;

function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

export class GraphvizError extends Error {}

/** Lays out and draws a DOT graph as an SVG element (without the XML prolog and comments before it, for inlining). */
export async function dotToSvg(dot: string): Promise<string> {
  const r = (await graphviz()).render(dot, { format: 'svg', engine: 'dot' });
  if (r.status !== 'success') throw new GraphvizError(`Graphviz rejected the graph: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.output.slice(r.output.indexOf('<svg'));
}

/** Graphviz's own parser's complaints about a DOT text (errors only; an empty list means it is accepted). */
export async function dotErrors(dot: string): Promise<string[]> {
  const r = (await graphviz()).render(dot, { format: 'canon', engine: 'dot' });
  return r.errors.filter((e) => e.level === 'error').map((e) => e.message);
}
