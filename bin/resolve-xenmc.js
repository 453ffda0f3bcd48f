// Module resolution hook: the bare specifier 'xenmc' (and 'xenmc/...') names this package,
// so a model file anywhere on disk can `import { defineModel } from 'xenmc'` when it is
// run by this package's CLI, installed or not.
const api = new URL('../checker/api.ts', import.meta.url).href;
const root = new URL('../', import.meta.url);

export async function resolve(specifier, context, next) {
  if (specifier === 'xenmc') return { url: api, shortCircuit: true };
  if (specifier.startsWith('xenmc/')) return next(new URL(specifier.slice('xenmc/'.length), root).href, context);
  return next(specifier, context);
}
