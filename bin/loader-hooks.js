// Module resolution hooks for running model files (registered by bin/xenmc.js, after tsx):
//  - the bare specifier 'xenmc' (and 'xenmc/...') names this package, so a model file
//    anywhere on disk can `import { defineModel } from 'xenmc'`, installed or not;
//  - a .ts file outside node_modules is an ES module. Model files use `import`, but one
//    saved where no package.json says "type": "module" (a scratch folder, /tmp) would
//    otherwise be compiled as CommonJS, and its `import` of xenmc would then fail.
const api = new URL('../checker/api.ts', import.meta.url).href;
const root = new URL('../', import.meta.url);

export async function resolve(specifier, context, next) {
  if (specifier === 'xenmc') return next(api, context);
  if (specifier.startsWith('xenmc/')) return next(new URL(specifier.slice('xenmc/'.length), root).href, context);
  const resolved = await next(specifier, context);
  if (resolved.url.startsWith('file:') && resolved.url.endsWith('.ts') && !resolved.url.includes('/node_modules/')) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}
