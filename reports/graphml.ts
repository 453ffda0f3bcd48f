/**
 * GraphML (http://graphml.graphdrawing.org/) for any of the report graphs, so that yEd,
 * Gephi, NetworkX or graphology itself can load them. graphology-graphml only parses, so
 * the document is written here with an XML builder, typed keys first: every attribute
 * becomes a <key> whose attr.type (boolean, int, double, string) is inferred from its
 * values, which is what lets graphology-graphml read the graph back equal.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { AbstractGraph, Attributes } from 'graphology-types';

type Domain = 'graph' | 'node' | 'edge';
type KeyType = 'boolean' | 'int' | 'double' | 'string';

interface Key { readonly id: string; readonly domain: Domain; readonly name: string; readonly type: KeyType }

function typeOf(values: readonly unknown[]): KeyType {
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'int';
  if (values.every((v) => typeof v === 'number')) return 'double';
  return 'string';
}

function keysFor(domain: Domain, records: readonly Attributes[]): Key[] {
  const names: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (r[k] !== undefined && !names.includes(k)) names.push(k);
  return names.map((name) => ({
    id: `${domain[0]}_${name}`, domain, name,
    type: typeOf(records.map((r) => r[name]).filter((v) => v !== undefined)),
  }));
}

function data(keys: readonly Key[], a: Attributes): object[] {
  return keys.filter((k) => a[k.name] !== undefined).map((k) => ({
    '@_key': k.id,
    '#text': typeof a[k.name] === 'object' ? JSON.stringify(a[k.name]) : String(a[k.name]),
  }));
}

export function toGraphML(g: AbstractGraph): string {
  const nodeAttrs = g.mapNodes((_n, a) => a);
  const edgeAttrs = g.mapEdges((_e, a) => a);
  const graphKeys = keysFor('graph', [g.getAttributes()]);
  const nodeKeys = keysFor('node', nodeAttrs);
  const edgeKeys = keysFor('edge', edgeAttrs);
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    graphml: {
      '@_xmlns': 'http://graphml.graphdrawing.org/xmlns',
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      '@_xsi:schemaLocation': 'http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd',
      key: [...graphKeys, ...nodeKeys, ...edgeKeys].map((k) => ({ '@_id': k.id, '@_for': k.domain, '@_attr.name': k.name, '@_attr.type': k.type })),
      // no graph id: graphology-graphml would read it back as an attribute the graph never had
      graph: {
        '@_edgedefault': g.type === 'undirected' ? 'undirected' : 'directed',
        data: data(graphKeys, g.getAttributes()),
        node: g.mapNodes((n, a) => ({ '@_id': n, data: data(nodeKeys, a) })),
        edge: g.mapEdges((e, a, source, target) => ({ '@_id': e, '@_source': source, '@_target': target, data: data(edgeKeys, a) })),
      },
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', format: true, suppressEmptyNode: true }).build(doc);
}
